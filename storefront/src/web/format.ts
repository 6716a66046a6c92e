import type { OrderStatus } from './gql/graphql';

export const STATUS_WORDS: Record<OrderStatus, string> = {
  PENDING: 'Pending',
  PAID: 'Paid',
  CONFIRMED: 'Confirmed',
  PAYMENT_FAILED: 'Payment failed',
  CANCELLED: 'Cancelled',
};

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['CONFIRMED', 'PAYMENT_FAILED', 'CANCELLED']);

export const formatDateTime = (iso: string) => new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** "12.34" from 1234: what the admin form shows and parses back. */
export const majorUnits = (cents: number) => (cents / 100).toFixed(2);

export function parseMajorUnits(text: string): number | null {
  const match = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
