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

type ConfirmedLine = EventData<'order.confirmed'>['items'][number];

/** To a seller: only its own lines of the order, and nothing of the buyer but the order id. */
export function newSale(name: string, order: EventData<'order.confirmed'>, lines: readonly ConfirmedLine[]): Rendered {
  const total = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  const listed = lines.map(
    (line) =>
      `  ${line.quantity} × ${line.name} @ ${formatMoney(line.unitPriceCents, order.currency)} = ${formatMoney(line.unitPriceCents * line.quantity, order.currency)}`,
  );
  return {
    subject: `New sale: order ${order.orderId.slice(0, 8)}`,
    text: `Hi ${name},\n\nyou sold, in order ${order.orderId}:\n\n${listed.join('\n')}\n\nYour total: ${formatMoney(total, order.currency)}\n`,
  };
}

export function lowStock(name: string, alert: EventData<'product.low_stock'>): Rendered {
  const left = alert.stock === 0 ? 'none left' : `${alert.stock} left`;
  return {
    subject: `Low stock: ${alert.name} (${left})`,
    text: `Hi ${name},\n\n${alert.name} (${alert.productId}) is down to ${alert.stock} on sale, at or below the alert level of ${alert.threshold}. Restock it to keep it in stock; you will hear again only after it has been restocked above ${alert.threshold} and runs low once more.\n`,
  };
}
