import { AppError, CORRELATION_HEADER } from '@shop/kit';

export interface ProductFacts {
  id: string;
  name: string;
  stock: number;
  price: { amountCents: number; currency: string };
}

const QUERY = 'query CartProductFacts($id: ID!) { product(id: $id) { id name stock price { amountCents currency } } }';

const unavailable = () => new AppError('SERVICE_UNAVAILABLE', 'The product service is not available right now; try again shortly');

/** Reads a product's current price and stock from the product subgraph: bounded by a timeout, one retry (reads are idempotent). */
export class ProductClient {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async get(id: string, correlationId: string): Promise<ProductFacts | null> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CORRELATION_HEADER]: correlationId },
          body: JSON.stringify({ query: QUERY, variables: { id } }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.status >= 500) throw new Error(`product subgraph answered ${response.status}`);
        const body = (await response.json()) as { data?: { product: ProductFacts | null }; errors?: unknown[] };
        if (!body.data) throw new Error(`product subgraph error: ${JSON.stringify(body.errors)}`);
        return body.data.product;
      } catch (error) {
        lastError = error;
      }
    }
    throw Object.assign(unavailable(), { cause: lastError });
  }
}
