import { AppError, type ServiceClient } from '@shop/kit';

export interface ProductFacts {
  id: string;
  name: string;
  stock: number;
  price: { amountCents: number; currency: string };
}

const QUERY = 'query CartProductFacts($id: ID!) { product(id: $id) { id name stock price { amountCents currency } } }';
const PRICES =
  'query CartProductPrices($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { id price { amountCents currency } } } }';

export interface ProductPrice {
  id: string;
  price: { amountCents: number; currency: string };
}

/** Reads a product's current price and stock from the product subgraph (deadline, retry, circuit breaker). */
export class ProductClient {
  constructor(private readonly client: ServiceClient) {}

  async get(id: string, correlationId: string): Promise<ProductFacts | null> {
    const reply = await this.client.request<{ product: ProductFacts | null }>(QUERY, { id }, { correlationId, idempotent: true });
    if (!reply.data) throw new AppError('SERVICE_UNAVAILABLE', 'The product service could not answer right now; try again shortly');
    return reply.data.product;
  }

  /** Current prices of many products in one call; products that no longer exist are left out. */
  async prices(ids: readonly string[], correlationId: string): Promise<ProductPrice[]> {
    if (ids.length === 0) return [];
    const representations = ids.map((id) => ({ __typename: 'Product', id }));
    const reply = await this.client.request<{ _entities: Array<ProductPrice | null> }>(
      PRICES,
      { representations },
      { correlationId, idempotent: true },
    );
    if (!reply.data) throw new AppError('SERVICE_UNAVAILABLE', 'The product service could not answer right now; try again shortly');
    return reply.data._entities.filter((p): p is ProductPrice => p !== null);
  }
}
