import { AppError, type ServiceClient } from '@shop/kit';

export interface ProductFacts {
  id: string;
  name: string;
  stock: number;
  price: { amountCents: number; currency: string };
}

const QUERY = 'query CartProductFacts($id: ID!) { product(id: $id) { id name stock price { amountCents currency } } }';

/** Reads a product's current price and stock from the product subgraph (deadline, retry, circuit breaker). */
export class ProductClient {
  constructor(private readonly client: ServiceClient) {}

  async get(id: string, correlationId: string): Promise<ProductFacts | null> {
    const reply = await this.client.request<{ product: ProductFacts | null }>(QUERY, { id }, { correlationId, idempotent: true });
    if (!reply.data) throw new AppError('SERVICE_UNAVAILABLE', 'The product service could not answer right now; try again shortly');
    return reply.data.product;
  }
}
