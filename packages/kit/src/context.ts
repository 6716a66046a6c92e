import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Caller } from './auth.js';

/** What every subgraph resolver receives: its own EntityManager fork, the caller, and a request-scoped logger. */
export interface ServiceContext {
  em: EntityManager;
  caller: Caller | null;
  correlationId: string;
  log: Logger;
  /** Aborted when the client (the gateway) gave up on this request or its deadline passed: stop working for it. */
  signal?: AbortSignal;
}
