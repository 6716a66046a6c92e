import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { DataLoader, forbidden, isUuid, pageSize, requireCaller, type Caller } from '@shop/kit';
import type { ProductClient } from './product.client.js';
import { RecommendationRepository } from './recommendation.repository.js';

export interface RecommendationPolicy {
  /** bestSellers counts units of orders confirmed in this many days (BEST_SELLERS_DAYS). */
  bestSellersDays: number;
}

/** The largest `first` of every list here. */
export const MAX_FIRST = 50;
// Candidates read beyond `first`, so that a few archived products (dropped after the read) do not shorten a list.
const HEADROOM = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One per request: its loaders batch every `alsoBought` of the response into one SQL statement and one product call. */
export class RecommendationService {
  private readonly repository: RecommendationRepository;
  private readonly alsoBoughtBySize = new Map<number, DataLoader<string, string[]>>();

  constructor(
    em: SqlEntityManager,
    private readonly products: ProductClient,
    private readonly policy: RecommendationPolicy,
    private readonly correlationId: string,
  ) {
    this.repository = new RecommendationRepository(em);
  }

  /** Products bought in the same confirmed orders as `productId`, most often first; never itself, never archived. */
  async alsoBought(productId: string, first: number): Promise<string[]> {
    const limit = pageSize(first, MAX_FIRST);
    if (!isUuid(productId)) return [];
    let loader = this.alsoBoughtBySize.get(limit);
    if (!loader) {
      loader = new DataLoader<string, string[]>((ids) => this.loadAlsoBought(ids, limit));
      this.alsoBoughtBySize.set(limit, loader);
    }
    return loader.load(productId);
  }

  /**
   * For the caller only: what was bought with what they bought, leaving out what they already have, then the best
   * sellers they have not bought.
   */
  async recommendationsFor(caller: Caller | null, userId: string, first: number): Promise<string[]> {
    const me = requireCaller(caller);
    if (me.userId !== userId) throw forbidden('Recommendations are only shown to the user they are for');
    const limit = pageSize(first, MAX_FIRST);
    const bought = await this.repository.boughtBy(userId);
    const boughtWith = await this.repository.boughtWith(bought, limit + HEADROOM);
    const sellers = await this.repository.bestSellers(this.bestSellersSince(), limit + HEADROOM, [...bought, ...boughtWith]);
    return this.onSale([...boughtWith, ...sellers], limit);
  }

  /** Products by units in confirmed orders of the last BEST_SELLERS_DAYS days. */
  async bestSellers(first: number): Promise<string[]> {
    const limit = pageSize(first, MAX_FIRST);
    return this.onSale(await this.repository.bestSellers(this.bestSellersSince(), limit + HEADROOM), limit);
  }

  private bestSellersSince(): Date {
    return new Date(Date.now() - this.policy.bestSellersDays * DAY_MS);
  }

  private async onSale(candidates: string[], limit: number): Promise<string[]> {
    const listed = await this.products.listed(candidates, this.correlationId);
    return candidates.filter((id) => listed.has(id)).slice(0, limit);
  }

  private async loadAlsoBought(productIds: readonly string[], limit: number): Promise<string[][]> {
    const candidates = await this.repository.alsoBought(productIds, limit + HEADROOM);
    const listed = await this.products.listed([...new Set([...candidates.values()].flat())], this.correlationId);
    return productIds.map((id) => (candidates.get(id) ?? []).filter((other) => listed.has(other)).slice(0, limit));
  }
}
