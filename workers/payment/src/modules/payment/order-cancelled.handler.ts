import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { recordEvent, type EventEnvelope } from '@shop/messaging';
import type { Logger } from 'pino';
import { lockOrder } from './order-lock.js';
import { Payment } from './payment.entity.js';
import { withTimeout, type PaymentProvider } from './payment.provider.js';

/**
 * Settles a cancelled order's payment, inside the consumer's inbox transaction. A succeeded payment is refunded
 * in full: the refund is keyed by the order id, so a retry after a lost transaction gets the same refund back.
 * An order not charged yet (the cancellation overtook order.placed) gets a voided payment, so that its
 * order.placed, if it still comes, charges nothing. Failed, refunded and voided payments need nothing.
 */
export async function handleOrderCancelled(
  event: EventEnvelope<'order.cancelled'>,
  em: SqlEntityManager,
  provider: PaymentProvider,
  log: Logger,
  timeoutMs: number,
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
  if (payment.status !== 'succeeded') {
    log.info({ orderId, status: payment.status, reason }, 'cancelled order has nothing to refund');
    return;
  }
  const { chargeId, amountCents, currency } = payment;
  if (chargeId === null || amountCents === null || currency === null) throw new Error(`succeeded payment ${payment.id} has no charge`);
  const { refundId } = await withTimeout(
    provider.refund({ idempotencyKey: `refund:${orderId}`, chargeId, amountCents, currency }),
    timeoutMs,
  );
  payment.status = 'refunded';
  payment.refundId = refundId;
  payment.refundedAt = new Date();
  recordEvent(em, 'payment.refunded', { orderId, paymentId: payment.id, amountCents, currency }, event.correlationId);
  await em.flush();
  log.info({ orderId, refundId, amountCents, reason }, 'payment refunded');
}
