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

/** Errors that mean "the database is not reachable yet", as opposed to a wrong URL, password or schema. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P03']);

export function isDatabaseUnreachable(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
    if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(message)) return true;
  }
  return false;
}

/**
 * Connects (creating the database if it is missing). A database that is not reachable yet (starting, or in an
 * outage while this process restarts) is waited for, with capped backoff, for up to `waitMs` (default 5 minutes),
 * so a restarted worker resumes by itself instead of exiting; any other error fails at once.
 */
export async function createOrm(setup: OrmSetup & { waitMs?: number }): Promise<MikroORM> {
  const deadline = Date.now() + (setup.waitMs ?? 5 * 60_000);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await MikroORM.init(ormOptions(setup));
    } catch (error) {
      if (!isDatabaseUnreachable(error) || Date.now() >= deadline) throw error;
      const delayMs = Math.min(10_000, 250 * 2 ** Math.min(attempt - 1, 6));
      setup.logger?.warn({ err: error, attempt, delayMs }, 'database not reachable yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
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
