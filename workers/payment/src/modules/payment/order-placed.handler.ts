import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { recordEvent, type EventEnvelope } from '@shop/messaging';
import { inSpan, type SealedBox } from '@shop/kit';
import type { Logger } from 'pino';
import { lockOrder } from './order-lock.js';
import { Payment } from './payment.entity.js';
import { withTimeout, type ChargeResult, type PaymentProvider } from './payment.provider.js';

/** The provider's answer for a claimed payment, or null when there is nothing to charge. */
export type PreparedCharge = { paymentId: string; result: ChargeResult } | null;

/**
 * Charges a placed order in three steps, so no transaction (nor the order lock, nor a pooled connection) is held
 * while the provider works:
 * 1. a short transaction claims the charge: a `pending` payment, unique per order, committed before the call;
 * 2. the provider is called outside any transaction, keyed by the order id: calling it again (a retry, a crash
 *    before step 3) returns the same charge, never a second one;
 * 3. `recordCharge`, in the consumer's inbox transaction, settles the pending payment and writes its event.
 * A cancellation that finds the payment `pending` waits for step 3 (see order-cancelled.handler.ts).
 */
export async function chargeOrder(
  event: EventEnvelope<'order.placed'>,
  em: SqlEntityManager,
  provider: PaymentProvider,
  log: Logger,
  timeoutMs: number,
  paymentTokens: SealedBox,
): Promise<PreparedCharge> {
  const { orderId, userId, totalCents, currency, paymentToken, paymentTokenSealed } = event.data;
  const claim = await em.transactional(async (tx) => {
    await lockOrder(tx, orderId);
    const existing = await tx.findOne(Payment, { orderId });
    if (existing?.status === 'voided') {
      log.info({ orderId }, 'order was cancelled before it was charged (payment voided); charging nothing');
      return null;
    }
    if (existing && existing.status !== 'pending') {
      log.info({ orderId, status: existing.status }, 'order already has a payment; nothing to do');
      return null;
    }
    // Opened before anything is claimed, so a token that cannot be opened leaves no pending payment behind; a plain
    // token comes only from events published before sealing.
    const token = paymentTokenSealed ? paymentTokens.open(paymentTokenSealed, orderId) : paymentToken;
    if (!token) throw new Error(`order.placed for ${orderId} carries no payment token`);
    if (existing) return { paymentId: existing.id, token };
    const payment = tx.create(Payment, { orderId, userId, amountCents: totalCents, currency, chargeId: null, status: 'pending' });
    tx.persist(payment);
    await tx.flush();
    return { paymentId: payment.id, token };
  });
  if (!claim) return null;
  const result = await inSpan(
    'payment provider charge',
    { kind: 'client', attributes: { 'shop.order.id': orderId, 'shop.amount_cents': totalCents, 'shop.currency': currency } },
    async (span) => {
      const charged = await withTimeout(
        provider.charge({ idempotencyKey: `order:${orderId}`, amountCents: totalCents, currency, token: claim.token }),
        timeoutMs,
      );
      span.setAttribute('shop.payment.outcome', charged.status);
      return charged;
    },
  );
  return { paymentId: claim.paymentId, result };
}

/** Step 3 of `chargeOrder`, inside the consumer's inbox transaction: the result, its event and the inbox row commit together. */
export async function recordCharge(
  event: EventEnvelope<'order.placed'>,
  em: SqlEntityManager,
  prepared: PreparedCharge,
  log: Logger,
): Promise<void> {
  if (!prepared) return;
  const { orderId, totalCents, currency } = event.data;
  await lockOrder(em, orderId);
  const payment = await em.findOne(Payment, { orderId });
  if (payment?.status !== 'pending') {
    // Another delivery of this order (under another event id) settled it first and wrote the event.
    log.info({ orderId, status: payment?.status }, 'payment already settled; nothing to record');
    return;
  }
  const { result } = prepared;
  payment.chargeId = result.chargeId;
  payment.status = result.status === 'approved' ? 'succeeded' : 'failed';
  payment.failureReason = result.status === 'declined' ? result.reason : null;
  if (result.status === 'approved') {
    recordEvent(em, 'payment.succeeded', { orderId, paymentId: payment.id, amountCents: totalCents, currency }, event.correlationId);
  } else {
    recordEvent(em, 'payment.failed', { orderId, paymentId: payment.id, reason: result.reason }, event.correlationId);
  }
  await em.flush();
  log.info({ orderId, status: payment.status }, 'payment recorded');
}
