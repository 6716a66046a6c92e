import { formatMoney } from '@shop/kit';
import type { EventData } from '@shop/messaging';

// Short: one SMS segment where the data allows.
export const receiptText = (order: EventData<'order.confirmed'>): string =>
  `Shop: your order ${order.orderId.slice(0, 8)} is confirmed. Total ${formatMoney(order.totalCents, order.currency)}.`;

const REASONS: Record<EventData<'order.cancelled'>['reason'], string> = {
  payment_failed: 'the payment was declined',
  expired: 'it was not paid in time',
  customer: 'you cancelled it',
};

export const cancellationText = (order: EventData<'order.cancelled'>): string =>
  `Shop: your order ${order.orderId.slice(0, 8)} was cancelled: ${REASONS[order.reason]}.${order.refunded ? ' Refunded.' : ''}`;
