import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { MigrationObject } from '@mikro-orm/core';
import type { Logger } from 'pino';

export interface OrmSetup {
  clientUrl: string;
  entities: NonNullable<Options['entities']>;
  /** Committed migrations, listed in code so the compiled service needs no file globbing. */
  migrations: MigrationObject[];
  logger?: Logger;
  poolMax?: number;
}

export function ormOptions(setup: OrmSetup): Options {
  return {
    clientUrl: setup.clientUrl,
    entities: setup.entities,
    extensions: [Migrator],
    // Each request forks its own EntityManager; touching the global one is a bug we want to hear about.
    allowGlobalContext: false,
    ensureDatabase: true,
    discovery: { disableDynamicFileAccess: true },
    pool: { min: 0, max: setup.poolMax ?? 10 },
    migrations: {
      migrationsList: setup.migrations,
      transactional: true,
      allOrNothing: true,
      disableForeignKeys: false,
      snapshot: false,
    },
    debug: false,
    logger: (message) => setup.logger?.debug({ orm: true }, message),
  };
}

/** Connects (creating the database if it is missing). */
export async function createOrm(setup: OrmSetup): Promise<MikroORM> {
  return MikroORM.init(ormOptions(setup));
}

// Any fixed number works; it only has to be the same for every replica of a service.
const MIGRATION_LOCK_KEY = 7_301_337;

/** Applies pending migrations. A session-level advisory lock makes replicas that start together take turns. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const knex = orm.em.getConnection().getKnex();
  const connection = await knex.client.acquireConnection();
  try {
    await connection.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await connection.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await knex.client.releaseConnection(connection);
  }
}

export async function pingDatabase(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('select 1');
}

/** Prefix for SQL sent by background loops, so statement counts can tell it from a request's. */
export const BACKGROUND_SQL = '/* background */';

export { MikroORM };
