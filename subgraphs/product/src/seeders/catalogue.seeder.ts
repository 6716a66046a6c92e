import type { EntityManager } from '@mikro-orm/postgresql';
import { Product } from '../modules/product/product.entity.js';
import { catalogue } from './catalogue.data.js';

/** Inserts catalogue items whose SKU is missing; existing products (and their edited prices/stock) are left alone. */
export async function seedCatalogue(em: EntityManager, currency: string): Promise<number> {
  const existing = new Set((await em.find(Product, {}, { fields: ['sku'] })).map((p) => p.sku));
  const missing = catalogue.filter((item) => !existing.has(item.sku));
  for (const item of missing) em.persist(em.create(Product, { ...item, currency }));
  await em.flush();
  return missing.length;
}
