import { consumerHandlers } from '@shop/messaging';
import type { HandlerContext } from './context.js';
import { paymentFailed } from './payment-failed.handler.js';
import { paymentSucceeded } from './payment-succeeded.handler.js';
import { stockCommitFailed } from './stock-commit-failed.handler.js';
import { stockCommitted } from './stock-committed.handler.js';

export type { HandlerContext } from './context.js';

/** Everything the order subgraph does when another service reports: one handler per event, one file each. */
export const orderHandlers = (context: HandlerContext) =>
  consumerHandlers('order', {
    'payment.succeeded': paymentSucceeded(context),
    'payment.failed': paymentFailed(context),
    'stock.committed': stockCommitted(context),
    'stock.commit_failed': stockCommitFailed(context),
  });
