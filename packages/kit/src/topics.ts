/** The Redis channel on which an order's status changes are announced (one per order, so fan-out stays cheap). */
export const orderStatusChannel = (prefix: string, orderId: string): string => `${prefix}order-status:${orderId}`;

/** What is published on that channel: the key and enough to order and de-duplicate, never the order itself. */
export interface OrderStatusMessage {
  orderId: string;
  status: string;
  /** 1 when placed, +1 per change. */
  revision: number;
  at: string;
  /** The W3C trace context of the change (absent when tracing is off): the delivery to subscribers continues it. */
  traceparent?: string;
  tracestate?: string;
}

/** Statuses an order never leaves: a status stream ends after one of these. */
export const FINAL_ORDER_STATUSES: ReadonlySet<string> = new Set(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED']);
