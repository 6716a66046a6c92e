import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger, createOrm, migrate, serveSubgraph, TokenService } from '@shop/kit';
import type { ProductEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { Product } from './modules/product/product.entity.js';
import { ProductService } from './modules/product/product.service.js';
import { buildProductSubgraph, SUBGRAPH_NAME } from './schema.js';
import { seedCatalogue } from './seeders/catalogue.seeder.js';

export const entities = [Product];

export function connectProductDatabase(env: ProductEnv, log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  return createOrm({ clientUrl: env.PRODUCT_DATABASE_URL, entities, migrations, logger: log });
}

export async function seedProducts(orm: MikroORM, env: ProductEnv): Promise<string> {
  return `${await seedCatalogue(orm.em.fork(), env.CURRENCY)} catalogue product(s) added`;
}

/** env -> orm -> schema -> server. `prepare` migrates and seeds first. */
export async function startProductService(env: ProductEnv, options: { prepare?: boolean } = {}) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const orm = await connectProductDatabase(env, log);
  if (options.prepare) {
    await migrate(orm);
    await seedProducts(orm, env);
  }
  const tokens = new TokenService(env);
  const { schema } = await buildProductSubgraph();
  const server = await serveSubgraph({
    name: SUBGRAPH_NAME,
    port: env.PRODUCT_PORT,
    production: env.NODE_ENV === 'production',
    log,
    orm,
    schema,
    tokens,
    extendContext: (base) => ({ ...base, products: new ProductService(base.em, env.CURRENCY) }),
  });
  return {
    server,
    orm,
    close: async () => {
      await server.close();
      await orm.close();
    },
  };
}
