import { AppError, type ServiceClient } from '@shop/kit';

const LISTED =
  'query RecommendationProductsArchived($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { id archived } } }';

/**
 * Asks the product subgraph which products are still on sale. It owns `archived` and announces no event when a
 * product is archived, so a local copy could not be kept current without changing it: one batched call per request.
 */
export class ProductClient {
  constructor(private readonly client: ServiceClient) {}

  /** The ids among `ids` that exist and are not archived. */
  async listed(ids: readonly string[], correlationId: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const representations = ids.map((id) => ({ __typename: 'Product', id }));
    const reply = await this.client.request<{ _entities: Array<{ id: string; archived: boolean } | null> }>(
      LISTED,
      { representations },
      { correlationId, idempotent: true },
    );
    if (!reply.data) throw new AppError('SERVICE_UNAVAILABLE', 'The product service could not answer right now; try again shortly');
    return new Set(reply.data._entities.filter((p) => p !== null && !p.archived).map((p) => p!.id));
  }
}
