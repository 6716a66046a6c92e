import { AppError, type ErrorCode, type ServiceClient } from '@shop/kit';
import type { Logger } from 'pino';

export interface CartLineSnapshot {
  productId: string;
  quantity: number;
  updatedAt: string;
}

export interface ReservedLine {
  productId: string;
  quantity: number;
  name: string;
  unitPriceCents: number;
  currency: string;
  sellerId: string | null;
}

/** Codes another service may answer with that mean "your request is wrong", passed on to the client as they are. */
const CLIENT_CODES = new Set<ErrorCode>(['OUT_OF_STOCK', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT']);

/** Unwraps a reply: the client's own mistakes keep their code; anything else is this service's problem, not the client's. */
function unwrap<T>(
  service: string,
  reply: { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  log: Logger,
): T {
  const error = reply.errors?.[0];
  if (error) {
    const code = String(error.extensions?.code ?? '');
    if (CLIENT_CODES.has(code as ErrorCode)) {
      const { code: _code, ...details } = error.extensions ?? {};
      throw new AppError(code as ErrorCode, error.message, details);
    }
    log.error({ service, errors: reply.errors }, 'service call refused');
    throw new AppError('SERVICE_UNAVAILABLE', `The ${service} service could not complete the request; try again shortly`);
  }
  if (!reply.data) throw new AppError('SERVICE_UNAVAILABLE', `The ${service} service sent no answer; try again shortly`);
  return reply.data;
}

export class CartCalls {
  constructor(
    private readonly client: ServiceClient,
    private readonly log: Logger,
  ) {}

  async snapshot(userId: string, correlationId: string): Promise<CartLineSnapshot[]> {
    const reply = await this.client.request<{ cartSnapshot: CartLineSnapshot[] }>(
      'query OrderCartSnapshot($userId: ID!) { cartSnapshot(userId: $userId) { productId quantity updatedAt } }',
      { userId },
      { correlationId, idempotent: true },
    );
    return unwrap('cart', reply, this.log).cartSnapshot;
  }
}

export class StockCalls {
  constructor(
    private readonly client: ServiceClient,
    private readonly log: Logger,
  ) {}

  /** All lines or none, at the product subgraph's current prices; idempotent per order id, so it may be retried. */
  async reserve(
    orderId: string,
    lines: Array<{ productId: string; quantity: number }>,
    maxTotalCents: number,
    correlationId: string,
  ): Promise<ReservedLine[]> {
    const reply = await this.client.request<{ reserveStock: ReservedLine[] }>(
      'mutation OrderReserveStock($orderId: ID!, $lines: [StockLineInput!]!, $maxTotalCents: Int) { reserveStock(orderId: $orderId, lines: $lines, maxTotalCents: $maxTotalCents) { productId quantity name unitPriceCents currency sellerId } }',
      { orderId, lines, maxTotalCents },
      { correlationId, idempotent: true },
    );
    return unwrap('product', reply, this.log).reserveStock;
  }
}
