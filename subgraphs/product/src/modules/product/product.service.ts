import { OptimisticLockError, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badInput,
  conflict,
  decodeCursor,
  encodeCursor,
  isUuid,
  notFound,
  forbidden,
  pageSize,
  parseInput,
  requireSellerOrAdmin,
  type Caller,
} from '@shop/kit';
import { z } from 'zod';
import { recordEvent } from '@shop/messaging';
import { lowStockChange, recordLowStock } from '../stock/low-stock.js';
import type { ProductCache, ProductRecord } from './product.cache.js';
import { Product } from './product.entity.js';

const MAX_STOCK = 1_000_000;
/** Longer terms are no real search, only a costly ILIKE scan. */
export const MAX_SEARCH_LENGTH = 100;

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const description = z.string().trim().max(5000, 'must be at most 5000 characters');
const priceCents = (max: number) => z.number().int('must be whole cents').min(0, 'must be >= 0').max(max, `must be <= ${max}`);
const stock = z.number().int().min(0, 'must be >= 0').max(MAX_STOCK, `must be <= ${MAX_STOCK}`);

export const createProductSchema = (maxPriceCents: number) =>
  z.object({
    sku: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
      .transform((s) => s.toUpperCase()),
    name,
    description: description.default(''),
    priceCents: priceCents(maxPriceCents),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .nullish(),
    stock,
  });

export const updateProductSchema = (maxPriceCents: number) =>
  z.object({
    name: name.nullish(),
    description: description.nullish(),
    priceCents: priceCents(maxPriceCents).nullish(),
    stock: stock.nullish(),
  });

export interface ProductPolicy {
  currency: string;
  /** Keeps every price, and a cart line of it, far below GraphQL's Int limit. */
  maxPriceCents: number;
  /** LOW_STOCK_THRESHOLD: a seller is told when its product's stock falls to it or below. */
  lowStockThreshold: number;
}

export interface ProductPage {
  items: Array<{ cursor: string; product: Product }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export class ProductService {
  constructor(
    private readonly em: EntityManager,
    private readonly policy: ProductPolicy,
    private readonly cache: ProductCache,
    private readonly correlationId: string,
    /** Called after a commit that wrote events, so the relay publishes them now. */
    private readonly eventsWritten: () => void = () => undefined,
  ) {}

  async get(id: string): Promise<ProductRecord | null> {
    return (await this.findManyById([id]))[0] ?? null;
  }

  /** Cache first (one MGET), then one SQL statement for the misses; results line up with `ids`, null where missing. */
  async findManyById(ids: readonly string[]): Promise<Array<ProductRecord | null>> {
    const valid = [...new Set(ids.filter(isUuid))];
    const byId = await this.cache.getMany(valid);
    const missing = valid.filter((id) => !byId.has(id));
    if (missing.length) {
      const loaded = await this.em.find(Product, { id: { $in: missing } });
      await this.cache.put(loaded);
      for (const product of loaded) byId.set(product.id, product);
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Keyset pagination ordered by (name, id): stable under inserts, no OFFSET scans. */
  async list(args: { first: number; after?: string | null; search?: string | null; sellerId?: string | null }): Promise<ProductPage> {
    const first = pageSize(args.first);
    if (args.search && args.search.length > MAX_SEARCH_LENGTH)
      throw badInput([{ field: 'search', message: `must be at most ${MAX_SEARCH_LENGTH} characters` }]);
    if (args.sellerId && !isUuid(args.sellerId)) throw badInput([{ field: 'sellerId', message: 'must be a user id' }]);
    const term = args.search?.trim();
    const onSale: FilterQuery<Product> = args.sellerId ? { archivedAt: null, sellerId: args.sellerId } : { archivedAt: null };
    const filter: FilterQuery<Product> = term
      ? { ...onSale, $or: [{ name: { $ilike: `%${escapeLike(term)}%` } }, { sku: { $ilike: `%${escapeLike(term)}%` } }] }
      : onSale;
    let where: FilterQuery<Product> = filter;
    if (args.after) {
      const [afterName, afterId] = decodeCursor(args.after, 2) as [string, string];
      where = { $and: [filter, { $or: [{ name: { $gt: afterName } }, { name: afterName, id: { $gt: afterId } }] }] };
    }
    const [rows, totalCount] = await Promise.all([
      this.em.find(Product, where, { orderBy: { name: 'asc', id: 'asc' }, limit: first + 1 }),
      this.em.fork().count(Product, filter),
    ]);
    const page = rows.slice(0, first);
    const items = page.map((product) => ({ cursor: encodeCursor([product.name, product.id]), product }));
    return { items, hasNextPage: rows.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount };
  }

  /** A SELLER's product is theirs; an ADMIN's is the shop's own (no seller). */
  async create(caller: Caller | null, input: unknown): Promise<ProductRecord> {
    const signedIn = requireSellerOrAdmin(caller);
    const data = parseInput(createProductSchema(this.policy.maxPriceCents), input);
    const product = this.em.create(Product, {
      ...data,
      currency: data.currency ?? this.policy.currency,
      sellerId: signedIn.role === 'SELLER' ? signedIn.userId : null,
    });
    try {
      await this.em.persistAndFlush(product);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw conflict(`A product with SKU ${data.sku} already exists`, { field: 'sku' });
      throw error;
    }
    return product;
  }

  async update(caller: Caller | null, id: string, input: unknown): Promise<ProductRecord> {
    const signedIn = requireSellerOrAdmin(caller);
    const data = parseInput(updateProductSchema(this.policy.maxPriceCents), input);
    return this.change(signedIn, id, (product) => {
      const oldPriceCents = product.priceCents;
      const oldStock = product.stock;
      for (const key of ['name', 'description', 'priceCents', 'stock'] as const) {
        const value = data[key];
        if (value !== undefined && value !== null) Object.assign(product, { [key]: value });
      }
      if (product.stock !== oldStock) this.noteStockLevel(product);
      if (product.priceCents !== oldPriceCents) {
        // Flushed with the product in one transaction: no price change without its event, and no event without it.
        recordEvent(
          this.em,
          'product.price_changed',
          { productId: product.id, oldPriceCents, newPriceCents: product.priceCents, currency: product.currency, name: product.name },
          this.correlationId,
        );
      }
    });
  }

  /** Withdraws a product from sale. Nothing is deleted: carts and orders keep resolving it. Idempotent. */
  async archive(caller: Caller | null, id: string): Promise<ProductRecord> {
    const signedIn = requireSellerOrAdmin(caller);
    return this.change(signedIn, id, (product) => {
      product.archivedAt ??= new Date();
    });
  }

  /** A stock edit is a restock when it lifts the product above the threshold: the seller's next low-stock alert is armed again. */
  private noteStockLevel(product: Product): void {
    const change = lowStockChange(product, this.policy.lowStockThreshold, true);
    if (change === 'rearm') product.lowStockAlerted = false;
    if (change === 'alert') {
      product.lowStockAlerted = true;
      recordLowStock(this.em, product, { threshold: this.policy.lowStockThreshold, correlationId: this.correlationId });
    }
  }

  /** An ADMIN changes any product; a SELLER only its own (FORBIDDEN for the shop's and other sellers' products). */
  private async change(caller: Caller, id: string, apply: (product: Product) => void): Promise<ProductRecord> {
    const product = isUuid(id) ? await this.em.findOne(Product, { id }) : null;
    if (!product) throw notFound('Product', id);
    if (caller.role !== 'ADMIN' && product.sellerId !== caller.userId)
      throw forbidden('Only its seller or an administrator can change this product');
    apply(product);
    try {
      await this.em.flush();
      this.eventsWritten();
    } catch (error) {
      if (error instanceof OptimisticLockError) throw conflict('The product was changed at the same time; read it again and retry', { id });
      throw error;
    }
    // Write-through before returning: once this mutation returns, no reader gets the old price from the cache.
    await this.cache.put([product]);
    return product;
  }
}
