import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger, createMetrics, createOrm, InternalTrust, migrate, serveSubgraph, UserTokenIssuer } from '@shop/kit';
import { connectMessaging, messagingEntities, messagingMetrics, OutboxRelay } from '@shop/messaging';
import type { UserEnv } from './environment.js';
import { migrations } from './migrations/index.js';
import { Session } from './modules/user/session.entity.js';
import { User } from './modules/user/user.entity.js';
import { UserService } from './modules/user/user.service.js';
import { buildUserSubgraph, SUBGRAPH_NAME } from './schema.js';
import { seedAdmin } from './seeders/admin.seeder.js';

export const entities = [User, Session, ...messagingEntities];

export function connectUserDatabase(env: UserEnv, log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL)): Promise<MikroORM> {
  return createOrm({ clientUrl: env.USER_DATABASE_URL, entities, migrations, logger: log });
}

export async function seedUsers(orm: MikroORM, env: UserEnv): Promise<string> {
  return `admin ${env.ADMIN_EMAIL} ${await seedAdmin(orm.em.fork(), env.ADMIN_EMAIL, env.ADMIN_PASSWORD)}`;
}

/** env -> orm -> schema -> server. `prepare` migrates and seeds first. */
export async function startUserService(env: UserEnv, options: { prepare?: boolean } = {}) {
  const log = createLogger(SUBGRAPH_NAME, env.LOG_LEVEL);
  const orm = await connectUserDatabase(env, log);
  if (options.prepare) {
    try {
      await migrate(orm);
      await seedUsers(orm, env);
    } catch (error) {
      // A refused seed (ADMIN_EMAIL taken) stops the start; leave no pool behind.
      await orm.close();
      throw error;
    }
  }
  const tokens = await UserTokenIssuer.create(env.signingKey, env.previousPublicKeys, env);
  const policy = { accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS, refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS };
  const { broker, housekeeping } = connectMessaging(orm, env, log);
  // Registration never waits for the broker: events wait in the outbox and the relay publishes them when it can.
  const relay = new OutboxRelay(orm, broker, log);
  relay.start();
  const metrics = createMetrics(SUBGRAPH_NAME);
  messagingMetrics(metrics, { orm, broker, relay });
  const { schema } = await buildUserSubgraph();
  const server = await serveSubgraph({
    name: SUBGRAPH_NAME,
    port: env.USER_PORT,
    production: env.NODE_ENV === 'production',
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    log,
    orm,
    schema,
    trust: new InternalTrust(SUBGRAPH_NAME, env),
    users: tokens.verifier(),
    metrics,
    // Every other service verifies access tokens with these public keys (cached; refetched for an unknown kid).
    routes: (app) => {
      app.get('/.well-known/jwks.json', (_req, res) => {
        res.setHeader('cache-control', 'public, max-age=300');
        res.json(tokens.jwks);
      });
    },
    extendContext: (base) => ({ ...base, users: new UserService(base.em, tokens, policy, base.correlationId, () => relay.nudge()) }),
  });
  return {
    server,
    orm,
    tokens,
    jwksUrl: new URL('/.well-known/jwks.json', server.url).toString(),
    close: async () => {
      await server.close();
      await housekeeping.stop();
      await relay.stop();
      await broker.close();
      await orm.close();
    },
  };
}
