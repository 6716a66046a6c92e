import type { Counter, Redis } from '@shop/kit';
import type { Logger } from 'pino';

/** What a reader needs of a product; the entity satisfies it, and so does a cached copy. */
export interface ProductRecord {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  updatedAt: Date;
  archivedAt: Date | null;
  /** The selling user, null for the house's own products. */
  sellerId: string | null;
  version: number;
}

// Stores the copy only if none is cached or the cached one is older: a reader that loaded a product just
// before an update committed can never put the old price back over the writer's newer copy. A copy without
// sellerId (written before products had sellers; JSON null decodes to cjson.null, not nil) is always replaced.
const PUT_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and decoded.sellerId ~= nil and tonumber(decoded.version) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

export interface CacheCounters {
  hits: Counter;
  misses: Counter;
  errors: Counter;
}

/** Cache-aside reads (one MGET per batch) and version-guarded write-through, degrading to "always miss" if Redis is away. */
export class ProductCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly counters: CacheCounters,
    private readonly log: Logger,
  ) {}

  private key(id: string) {
    return `${this.prefix}product:${id}`;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, ProductRecord>> {
    const found = new Map<string, ProductRecord>();
    if (ids.length === 0) return found;
    try {
      const values = await this.redis.mget(...ids.map((id) => this.key(id)));
      values.forEach((value, i) => {
        const record = value ? revive(value) : null;
        if (record) found.set(ids[i]!, record);
      });
    } catch (error) {
      this.counters.errors.inc({ op: 'read' });
      this.log.debug({ err: error }, 'product cache read failed');
    }
    this.counters.hits.inc(found.size);
    this.counters.misses.inc(ids.length - found.size);
    return found;
  }

  async put(products: readonly ProductRecord[]): Promise<void> {
    if (products.length === 0) return;
    try {
      const pipeline = this.redis.pipeline();
      for (const product of products) {
        pipeline.eval(PUT_IF_NEWER, 1, this.key(product.id), serialize(product), String(product.version), String(this.ttlSeconds));
      }
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      this.counters.errors.inc({ op: 'write' });
      this.log.warn({ err: error, ids: products.map((p) => p.id) }, 'product cache write failed');
    }
  }
}

function serialize(product: ProductRecord): string {
  const { id, sku, name, description, priceCents, currency, stock, updatedAt, archivedAt, sellerId, version } = product;
  return JSON.stringify({
    id,
    sku,
    name,
    description,
    priceCents,
    currency,
    stock,
    updatedAt: updatedAt.toISOString(),
    archivedAt: archivedAt?.toISOString() ?? null,
    sellerId,
    version,
  });
}

/** A copy written before products had sellers (no `sellerId`) is a miss: read afresh, it is replaced by a complete one. */
function revive(value: string): ProductRecord | null {
  const parsed = JSON.parse(value) as Omit<ProductRecord, 'updatedAt' | 'archivedAt' | 'sellerId'> & {
    updatedAt: string;
    archivedAt?: string | null;
    sellerId?: string | null;
  };
  if (parsed.sellerId === undefined) return null;
  return {
    ...parsed,
    sellerId: parsed.sellerId,
    updatedAt: new Date(parsed.updatedAt),
    archivedAt: parsed.archivedAt ? new Date(parsed.archivedAt) : null,
  };
}
