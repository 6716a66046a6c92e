import { formatMoney } from '@shop/kit';
import type { EventData } from '@shop/messaging';

export interface Rendered {
  subject: string;
  text: string;
}

export function welcome(name: string): Rendered {
  return {
    subject: 'Welcome to the shop',
    text: `Hi ${name},\n\nyour account is ready. Happy shopping!\n`,
  };
}

export function receipt(name: string, order: EventData<'order.confirmed'>): Rendered {
  const lines = order.items.map(
    (item) =>
      `  ${item.quantity} × ${item.name} @ ${formatMoney(item.unitPriceCents, order.currency)} = ${formatMoney(item.unitPriceCents * item.quantity, order.currency)}`,
  );
  return {
    subject: `Your order ${order.orderId.slice(0, 8)} is confirmed`,
    text: `Hi ${name},\n\nthank you for your order ${order.orderId}.\n\n${lines.join('\n')}\n\nTotal: ${formatMoney(order.totalCents, order.currency)}\n`,
  };
}

const REASONS: Record<EventData<'order.cancelled'>['reason'], string> = {
  payment_failed: 'the payment was declined',
  expired: 'it was not paid in time',
  customer: 'you cancelled it',
};

export function cancellation(name: string, order: EventData<'order.cancelled'>): Rendered {
  return {
    subject: `Your order ${order.orderId.slice(0, 8)} was cancelled`,
    text: `Hi ${name},\n\nyour order ${order.orderId} was cancelled because ${REASONS[order.reason]}.${order.refunded ? ' The payment has been refunded.' : ''}\n`,
  };
}

export function priceDrop(name: string, drop: EventData<'cart.price_dropped'>): Rendered {
  const [was, now] = [formatMoney(drop.oldPriceCents, drop.currency), formatMoney(drop.newPriceCents, drop.currency)];
  return {
    subject: `${drop.productName ?? 'A product in your cart'} is now ${now}`,
    text: `Hi ${name},\n\n${drop.productName ?? `a product in your cart (${drop.productId})`} costs ${now} now, down from ${was} when you added it to your cart.\n`,
  };
}
