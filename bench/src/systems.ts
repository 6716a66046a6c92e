// The systems a run measures: the seven services as processes (this checkout's build or a baseline worktree's), and
// Hive Gateway as a peer in front of the same subgraph processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dropDatabases, testDatabaseUrl } from '@shop/kit/testing';
import { queuesEmpty, removeExchange } from '@shop/messaging/testing';
import { processEnvironments, Supervisor, waitReady, type DatabaseName, type ServiceName } from '@shop/gateway/test/processes';
import type { Probe } from './procfs.js';

export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const WORKERS = ['payment', 'notification'] as const;
export const SUBGRAPHS = ['user', 'product', 'cart', 'order', 'recommendation'] as const;

/** Processes whose CPU is reported besides the services (all their processes: Postgres backends included). */
export const SHARED_PROBES: Record<string, Probe> = {
  postgres: { comm: 'postgres' },
  redis: { comm: 'redis-server' },
  rabbitmq: { comm: 'beam.smp' },
};

export interface ProcessSystemOptions {
  label: string;
  /** The checkout whose compiled services run. */
  tree: string;
  runId: string;
  logDir: string;
  nodeArgs: string[];
}

type Environments = Awaited<ReturnType<typeof processEnvironments>>;

/** One system's processes, restartable: its databases, queues, keys and ports stay the same across rounds. */
export class ProcessSystem {
  private run?: Environments;
  private supervisor?: Supervisor;
  private readonly databases: Record<DatabaseName, string>;

  constructor(readonly options: ProcessSystemOptions) {
    this.databases = {
      user: testDatabaseUrl('user'),
      product: testDatabaseUrl('product'),
      cart: testDatabaseUrl('cart'),
      order: testDatabaseUrl('order'),
      payment: testDatabaseUrl('payment'),
      notification: testDatabaseUrl('notification'),
      recommendation: testDatabaseUrl('recommendation'),
    };
  }

  get gatewayUrl(): string {
    return this.run!.gatewayUrl;
  }

  get env(): Environments['envs'] {
    return this.run!.envs;
  }

  async start(): Promise<void> {
    mkdirSync(this.options.logDir, { recursive: true });
    this.run ??= await processEnvironments({
      runId: this.options.runId,
      logDir: this.options.logDir,
      databases: this.databases,
      rabbitmqUrl: () => RABBITMQ_URL,
      redisUrl: () => 'redis://127.0.0.1:6379',
      // Tokens outlive the run (all rounds use the seeded ones); subscribers of one user may hold many sockets.
      commonEnv: { ACCESS_TOKEN_TTL_SECONDS: '86400', WS_MAX_SOCKETS_PER_USER: '100000' },
    });
    this.supervisor = new Supervisor(
      this.options.logDir,
      this.run.envs,
      (message) => console.error(`[bench] ${this.options.label}: ${message} exited unexpectedly; restarting it`),
      { root: this.options.tree, nodeArgs: this.options.nodeArgs },
    );
    await this.supervisor.startAll(this.run.ports);
  }

  pid(name: ServiceName): number | undefined {
    return this.supervisor?.pid(name);
  }

  probes(): Record<string, Probe | undefined> {
    const pid = (name: ServiceName) => {
      const id = this.pid(name);
      return id === undefined ? undefined : { pid: id };
    };
    return {
      gateway: pid('gateway'),
      ...Object.fromEntries([...SUBGRAPHS, ...WORKERS].map((name) => [name, pid(name)])),
      ...SHARED_PROBES,
    };
  }

  async stopService(name: ServiceName): Promise<void> {
    await this.supervisor!.stop(name);
  }

  async startService(name: ServiceName): Promise<void> {
    this.supervisor!.start(name);
    await waitReady(name, this.run!.ports[name]);
  }

  /** Waits (up to `timeoutMs`) until every consumer queue of the system but `except`'s, main and retry, is empty. */
  queuesEmpty(timeoutMs: number, except: ServiceName[] = []): Promise<boolean> {
    const queues = Object.entries(this.run!.queues).filter(([consumer]) => !(except as string[]).includes(consumer));
    return queuesEmpty(
      RABBITMQ_URL,
      this.run!.exchange,
      queues.map(([, queue]) => queue),
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await this.supervisor?.stopAll();
    this.supervisor = undefined;
  }

  /** Drops its databases and its exchange and queues. */
  async destroy(): Promise<void> {
    await this.stop();
    await dropDatabases(Object.values(this.databases)).catch((error: unknown) => console.error('[bench] dropping databases:', error));
    if (this.run) await removeExchange(RABBITMQ_URL, this.run.exchange, Object.values(this.run.queues)).catch(() => undefined);
  }
}

/** Hive Gateway (CLI, one process, Rust planner) in front of a running system's subgraphs, on the port ours had. */
export class HiveGateway {
  private child?: ChildProcess;

  constructor(
    private readonly system: ProcessSystem,
    private readonly root: string,
    private readonly dir: string,
    private readonly nodeArgs: string[],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const env = this.system.env.gateway;
    const urls: Record<string, string | undefined> = {
      user: env.USER_URL,
      product: env.PRODUCT_URL,
      cart: env.CART_URL,
      order: env.ORDER_URL,
      recommendation: env.RECOMMENDATION_URL,
    };
    const supergraph = readFileSync(path.join(this.root, 'schema/supergraph.graphql'), 'utf8').replace(
      /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
      (whole, name: string) => (urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole),
    );
    const supergraphPath = path.join(this.dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, supergraph);
    const bin = require.resolve('@graphql-hive/gateway/package.json').replace(/package\.json$/, 'dist/bin.js');
    const log = createWriteStream(path.join(this.dir, 'hive.log'), { flags: 'a' });
    this.child = spawn(
      process.execPath,
      [
        ...this.nodeArgs,
        bin,
        'supergraph',
        supergraphPath,
        '--host',
        '127.0.0.1',
        '--port',
        String(env.PORT),
        '--config-path',
        path.join(__dirname, 'hive', 'gateway.config.js'),
      ],
      {
        cwd: this.dir,
        env: { ...process.env, NODE_ENV: 'test', GATEWAY_TOKEN_SECRET: env.GATEWAY_TOKEN_SECRET, BENCH_SUPERGRAPH_PATH: supergraphPath },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    const url = `http://127.0.0.1:${env.PORT}/graphql`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`Hive Gateway exited (${this.child.exitCode}); see ${this.dir}/hive.log`);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`Hive Gateway not answering on ${url} after 60 s; see ${this.dir}/hive.log`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }
}
