import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { recordEvent, type EventEnvelope } from '@shop/messaging';
import type { SealedBox } from '@shop/kit';
import type { Logger } from 'pino';
import { lockOrder } from './order-lock.js';
import { Payment } from './payment.entity.js';
import { withTimeout, type PaymentProvider } from './payment.provider.js';

/**
 * Charges a placed order, inside the consumer's inbox transaction: the payment row, its event (outbox) and
 * the inbox row commit together. The charge itself is keyed by the order id, so if this transaction is lost
 * after the provider charged, the retry gets the same charge back instead of a second one.
 */
export async function handleOrderPlaced(
  event: EventEnvelope<'order.placed'>,
  em: SqlEntityManager,
  provider: PaymentProvider,
  log: Logger,
  timeoutMs: number,
  paymentTokens: SealedBox,
): Promise<void> {
  const { orderId, userId, totalCents, currency, paymentToken, paymentTokenSealed } = event.data;
  await lockOrder(em, orderId);
  const existing = await em.findOne(Payment, { orderId });
  if (existing?.status === 'voided') {
    log.info({ orderId }, 'order was cancelled before it was charged (payment voided); charging nothing');
    return;
  }
  if (existing) {
    log.info({ orderId, status: existing.status }, 'order already has a payment; nothing to do');
    return;
  }
  // Opened only now, just before the charge; a plain token comes only from events published before sealing.
  const token = paymentTokenSealed ? paymentTokens.open(paymentTokenSealed, orderId) : paymentToken;
  if (!token) throw new Error(`order.placed for ${orderId} carries no payment token`);
  const result = await withTimeout(
    provider.charge({ idempotencyKey: `order:${orderId}`, amountCents: totalCents, currency, token }),
    timeoutMs,
  );
  const payment = em.create(Payment, {
    orderId,
    userId,
    amountCents: totalCents,
    currency,
    chargeId: result.chargeId,
    status: result.status === 'approved' ? 'succeeded' : 'failed',
    failureReason: result.status === 'declined' ? result.reason : null,
  });
  em.persist(payment);
  if (result.status === 'approved') {
    recordEvent(em, 'payment.succeeded', { orderId, paymentId: payment.id, amountCents: totalCents, currency }, event.correlationId);
  } else {
    recordEvent(em, 'payment.failed', { orderId, paymentId: payment.id, reason: result.reason }, event.correlationId);
  }
  await em.flush();
  log.info({ orderId, status: payment.status }, 'payment recorded');
}
