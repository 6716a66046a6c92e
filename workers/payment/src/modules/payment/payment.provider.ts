import { randomUUID } from 'node:crypto';
import type { MikroORM, SqlEntityManager } from '@mikro-orm/postgresql';

export interface ChargeRequest {
  /** The same key always yields the same charge: a retried or redelivered order is never charged twice. */
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  token: string;
}

export type ChargeResult = { status: 'approved'; chargeId: string } | { status: 'declined'; chargeId: string; reason: string };

export interface RefundRequest {
  /** The same key always yields the same refund: a redelivered cancellation never refunds twice. */
  idempotencyKey: string;
  chargeId: string;
  amountCents: number;
  currency: string;
}

export interface RefundResult {
  refundId: string;
}

/** What a real provider (Stripe, Adyen, ...) would implement. */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Gives back (part of) an approved charge; throws if the provider refuses. */
  refund(request: RefundRequest): Promise<RefundResult>;
}

/**
 * A stand-in provider with Stripe's test tokens: `tok_visa` approves, `tok_chargeDeclined` declines, anything
 * else is declined as an invalid token. Like a real provider it remembers charges by idempotency key, in its
 * own table and its own transaction (outside the caller's), which is what makes a replayed charge harmless.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  constructor(private readonly orm: MikroORM) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const outcome: ChargeResult =
      request.token === 'tok_visa'
        ? { status: 'approved', chargeId: `ch_${randomUUID()}` }
        : {
            status: 'declined',
            chargeId: `ch_${randomUUID()}`,
            reason: request.token === 'tok_chargeDeclined' ? 'Your card was declined.' : 'The payment token is not valid.',
          };
    const em = this.orm.em.fork() as SqlEntityManager;
    // The no-op update on a repeat returns the charge made the first time, in the same statement.
    const [stored] = await em.execute<Array<{ charge_id: string; status: 'approved' | 'declined'; reason: string | null }>>(
      `insert into simulated_charges (idempotency_key, charge_id, status, reason, amount_cents, currency, created_at)
       values (?, ?, ?, ?, ?, ?, now()) on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
       returning charge_id, status, reason`,
      [
        request.idempotencyKey,
        outcome.chargeId,
        outcome.status,
        outcome.status === 'declined' ? outcome.reason : null,
        request.amountCents,
        request.currency,
      ],
    );
    if (!stored) throw new Error('simulated provider lost a charge');
    return stored.status === 'approved'
      ? { status: 'approved', chargeId: stored.charge_id }
      : { status: 'declined', chargeId: stored.charge_id, reason: stored.reason ?? 'declined' };
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const em = this.orm.em.fork() as SqlEntityManager;
    const [charge] = await em.execute<Array<{ amount_cents: number; currency: string }>>(
      `select amount_cents, currency from simulated_charges where charge_id = ? and status = 'approved'`,
      [request.chargeId],
    );
    if (!charge) throw new Error(`simulated provider: no approved charge ${request.chargeId} to refund`);
    if (request.amountCents > charge.amount_cents || request.currency !== charge.currency)
      throw new Error(`simulated provider: refund of ${request.amountCents} ${request.currency} exceeds charge ${request.chargeId}`);
    await em.execute(
      `insert into simulated_refunds (idempotency_key, refund_id, charge_id, amount_cents, currency, created_at)
       values (?, ?, ?, ?, ?, now()) on conflict (idempotency_key) do nothing`,
      [request.idempotencyKey, `re_${randomUUID()}`, request.chargeId, request.amountCents, request.currency],
    );
    const [stored] = await em.execute<Array<{ refund_id: string }>>('select refund_id from simulated_refunds where idempotency_key = ?', [
      request.idempotencyKey,
    ]);
    if (!stored) throw new Error('simulated provider lost a refund');
    return { refundId: stored.refund_id };
  }
}

/**
 * Fails a provider call that takes longer than `ms` (the call itself may still land: hence idempotency keys) with a
 * TimeoutError, which the consumer retries as a transient failure.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(() => reject(new DOMException(`payment provider timed out after ${ms} ms`, 'TimeoutError')), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
