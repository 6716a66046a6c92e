import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { inSpan } from '@shop/kit';
import { RetryLater, recordEvent, type EventEnvelope } from '@shop/messaging';
import type { Logger } from 'pino';
import { lockOrder } from './order-lock.js';
import { Payment } from './payment.entity.js';
import { withTimeout, type PaymentProvider, type RefundResult } from './payment.provider.js';

/** A charge pending longer than this is stuck (its order.placed dead-lettered), not in flight: stop waiting for it. */
const PENDING_STUCK_MS = 15 * 60_000;

function waitForCharge(payment: Payment): Error {
  const age = Date.now() - payment.createdAt.getTime();
  // Plain Error past the limit: bounded retries, then the DLQ with this reason, instead of waiting for ever.
  if (age > PENDING_STUCK_MS) return new Error(`payment ${payment.id} has been pending for ${Math.round(age / 1000)} s`);
  return new RetryLater(`payment ${payment.id} is being charged; the cancellation waits for its result`);
}

/**
 * Refunds a cancelled order's succeeded payment, before the inbox transaction and outside any: the refund is
 * keyed by the order id, so calling it again (a retry, a crash before `settleCancellation` commits) gets the same
 * refund back. Returns null when there is nothing to refund.
 */
export async function refundOrder(
  event: EventEnvelope<'order.cancelled'>,
  em: SqlEntityManager,
  provider: PaymentProvider,
  timeoutMs: number,
): Promise<RefundResult | null> {
  const { orderId } = event.data;
  const payment = await em.findOne(Payment, { orderId });
  if (payment?.status === 'pending') throw waitForCharge(payment);
  if (payment?.status !== 'succeeded') return null;
  const { chargeId, amountCents, currency } = payment;
  if (chargeId === null || amountCents === null || currency === null) throw new Error(`succeeded payment ${payment.id} has no charge`);
  return inSpan(
    'payment provider refund',
    { kind: 'client', attributes: { 'shop.order.id': orderId, 'shop.amount_cents': amountCents } },
    () => withTimeout(provider.refund({ idempotencyKey: `refund:${orderId}`, chargeId, amountCents, currency }), timeoutMs),
  );
}

/**
 * Settles a cancelled order's payment, inside the consumer's inbox transaction and under the order lock. A
 * succeeded payment is marked refunded with the refund `refundOrder` got. An order not charged yet (the
 * cancellation overtook order.placed) gets a voided payment, so that its order.placed, if it still comes,
 * charges nothing. A pending charge is waited for. Failed, refunded and voided payments need nothing.
 */
export async function settleCancellation(
  event: EventEnvelope<'order.cancelled'>,
  em: SqlEntityManager,
  refund: RefundResult | null,
  log: Logger,
): Promise<void> {
  const { orderId, userId, reason } = event.data;
  await lockOrder(em, orderId);
  const payment = await em.findOne(Payment, { orderId });
  if (!payment) {
    em.persist(em.create(Payment, { orderId, userId, status: 'voided', amountCents: null, currency: null, chargeId: null }));
    await em.flush();
    log.info({ orderId, reason }, 'order cancelled before it was charged; payment voided');
    return;
  }
  if (payment.status === 'pending') throw waitForCharge(payment);
  if (payment.status !== 'succeeded') {
    log.info({ orderId, status: payment.status, reason }, 'cancelled order has nothing to refund');
    return;
  }
  // Charged after `refundOrder` looked: the next attempt refunds it.
  if (!refund) throw new RetryLater(`payment ${payment.id} succeeded while the cancellation was being prepared`);
  const { amountCents, currency } = payment;
  payment.status = 'refunded';
  payment.refundId = refund.refundId;
  payment.refundedAt = new Date();
  recordEvent(
    em,
    'payment.refunded',
    { orderId, paymentId: payment.id, amountCents: amountCents!, currency: currency! },
    event.correlationId,
  );
  await em.flush();
  log.info({ orderId, refundId: refund.refundId, amountCents, reason }, 'payment refunded');
}
