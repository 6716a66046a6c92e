// The whole system as `npm start` runs it: one process per service, on free ports, with the environment each reads.
// Used by the chaos run (behind its TCP proxies) and by tests that need real processes (traces, one per service).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { generateSigningKey } from '@shop/kit';

export const root = path.resolve(__dirname, '../../..');
export const ADMIN = {
  email: process.env.ADMIN_EMAIL ?? 'admin@example.com',
  password: process.env.ADMIN_PASSWORD ?? 'admin-password-123',
};

export const SERVICES = {
  user: 'subgraphs/user/dist/src/main.js',
  product: 'subgraphs/product/dist/src/main.js',
  cart: 'subgraphs/cart/dist/src/main.js',
  order: 'subgraphs/order/dist/src/main.js',
  recommendation: 'subgraphs/recommendation/dist/src/main.js',
  notification: 'workers/notification/dist/src/main.js',
  payment: 'workers/payment/dist/src/main.js',
  gateway: 'gateway/dist/src/main.js',
} as const;
export type ServiceName = keyof typeof SERVICES;
export type DatabaseName = Exclude<ServiceName, 'gateway'>;
/** The services that use RabbitMQ and Redis (each may be given its own address, e.g. a proxy's). */
export const BROKER_USERS = ['user', 'product', 'cart', 'order', 'recommendation', 'payment', 'notification'] as const;
export const REDIS_USERS = ['gateway', 'product', 'order'] as const;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitReady(name: string, port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready on port ${port} after ${timeoutMs / 1000}s`);
}

export interface ProcessSystemOptions {
  /** Names the exchange, queues and Redis prefix of this run. */
  runId: string;
  /** Each service's log file goes here, and the notification worker's mail. */
  logDir: string;
  /** The database URL each service is given. */
  databases: Record<DatabaseName, string>;
  rabbitmqUrl: (service: (typeof BROKER_USERS)[number]) => string;
  redisUrl: (service: (typeof REDIS_USERS)[number]) => string;
  logLevel?: string;
  /** Added to every service's environment (e.g. the OTEL_* variables). */
  commonEnv?: NodeJS.ProcessEnv;
  /** Called when a service exits unexpectedly (it is restarted a second later, as an orchestrator would). */
  onUnexpectedExit?: (message: string) => void;
}

/** The environments and ports of one run: what `npm start` would give each service, on free ports. */
export async function processEnvironments(options: ProcessSystemOptions) {
  const exchange = `run.${options.runId}`;
  const queues = {
    order: `${exchange}.order`,
    product: `${exchange}.product`,
    cart: `${exchange}.cart`,
    payment: `${exchange}.payment`,
    notification: `${exchange}.notification`,
    recommendation: `${exchange}.recommendation`,
  };
  const ports = {} as Record<ServiceName, number>;
  for (const name of Object.keys(SERVICES) as ServiceName[]) ports[name] = await freePort();
  const subgraph = (name: 'user' | 'product' | 'cart' | 'order' | 'recommendation') => `http://127.0.0.1:${ports[name]}/graphql`;
  const common: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: options.logLevel ?? 'warn',
    EVENTS_EXCHANGE: exchange,
    ORDER_QUEUE: queues.order,
    PRODUCT_QUEUE: queues.product,
    CART_QUEUE: queues.cart,
    PAYMENT_QUEUE: queues.payment,
    NOTIFICATION_QUEUE: queues.notification,
    RECOMMENDATION_QUEUE: queues.recommendation,
    REDIS_KEY_PREFIX: `run:${options.runId}:`,
    USER_SIGNING_KEY: JSON.stringify(generateSigningKey()),
    USER_JWKS: '',
    USER_JWKS_URL: `http://127.0.0.1:${ports.user}/.well-known/jwks.json`,
    GATEWAY_TOKEN_SECRET: randomBytes(32).toString('base64'),
    SERVICE_TOKEN_SECRET: randomBytes(32).toString('base64'),
    PAYMENT_TOKEN_KEY: randomBytes(32).toString('base64'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    MAIL_DIR: path.join(options.logDir, 'mail'),
    ...options.commonEnv,
  };
  const limits = Object.fromEntries(
    ['ANONYMOUS', 'USER', 'LOGIN_IP', 'LOGIN_ACCOUNT', 'REGISTER', 'REFRESH', 'LOGOUT', 'CHECKOUT'].map((b) => [
      `RATE_LIMIT_${b}`,
      '1000000/60',
    ]),
  );
  const { databases, rabbitmqUrl, redisUrl } = options;
  const envs: Record<ServiceName, NodeJS.ProcessEnv> = {
    user: { ...common, USER_PORT: String(ports.user), USER_DATABASE_URL: databases.user, RABBITMQ_URL: rabbitmqUrl('user') },
    product: {
      ...common,
      PRODUCT_PORT: String(ports.product),
      PRODUCT_DATABASE_URL: databases.product,
      RABBITMQ_URL: rabbitmqUrl('product'),
      REDIS_URL: redisUrl('product'),
    },
    cart: {
      ...common,
      CART_PORT: String(ports.cart),
      CART_DATABASE_URL: databases.cart,
      RABBITMQ_URL: rabbitmqUrl('cart'),
      PRODUCT_URL: subgraph('product'),
    },
    order: {
      ...common,
      ORDER_PORT: String(ports.order),
      ORDER_DATABASE_URL: databases.order,
      RABBITMQ_URL: rabbitmqUrl('order'),
      REDIS_URL: redisUrl('order'),
      CART_URL: subgraph('cart'),
      PRODUCT_URL: subgraph('product'),
    },
    recommendation: {
      ...common,
      RECOMMENDATION_PORT: String(ports.recommendation),
      RECOMMENDATION_DATABASE_URL: databases.recommendation,
      RABBITMQ_URL: rabbitmqUrl('recommendation'),
      PRODUCT_URL: subgraph('product'),
    },
    notification: {
      ...common,
      NOTIFICATION_PORT: String(ports.notification),
      NOTIFICATION_DATABASE_URL: databases.notification,
      RABBITMQ_URL: rabbitmqUrl('notification'),
    },
    payment: {
      ...common,
      PAYMENT_PORT: String(ports.payment),
      PAYMENT_DATABASE_URL: databases.payment,
      RABBITMQ_URL: rabbitmqUrl('payment'),
    },
    gateway: {
      ...common,
      PORT: String(ports.gateway),
      USER_URL: subgraph('user'),
      PRODUCT_URL: subgraph('product'),
      CART_URL: subgraph('cart'),
      ORDER_URL: subgraph('order'),
      RECOMMENDATION_URL: subgraph('recommendation'),
      REDIS_URL: redisUrl('gateway'),
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '200',
      ...limits,
    },
  };
  return { envs, ports, exchange, queues, gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql` };
}

export interface SpawnOptions {
  /** The checkout whose compiled services are run (default: this one); a benchmark's baseline is another worktree. */
  root?: string;
  /** Node options put before the entry point, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** Runs each service as its own process (as `npm start` does), restarting one that exits as an orchestrator would. */
export class Supervisor {
  private readonly children = new Map<ServiceName, ChildProcess>();
  private readonly expectedExit = new Set<ServiceName>();
  readonly unexpectedExits: string[] = [];
  stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly envs: Record<ServiceName, NodeJS.ProcessEnv>,
    private readonly onUnexpectedExit: (message: string) => void = () => undefined,
    private readonly spawnOptions: SpawnOptions = {},
  ) {}

  start(name: ServiceName) {
    const log = createWriteStream(path.join(this.logDir, `${name}.log`), { flags: 'a' });
    const tree = this.spawnOptions.root ?? root;
    const args = [...(this.spawnOptions.nodeArgs ?? []), '--enable-source-maps', path.join(tree, SERVICES[name])];
    const child = spawn(process.execPath, args, {
      cwd: tree,
      env: { ...process.env, ...this.envs[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      if (this.children.get(name) === child) this.children.delete(name);
      if (this.stopping) return;
      if (this.expectedExit.delete(name)) return;
      const message = `${name} (${signal ?? code}) after ${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
      this.unexpectedExits.push(message);
      this.onUnexpectedExit(message);
      setTimeout(() => !this.stopping && this.start(name), 1000);
    });
    this.children.set(name, child);
  }

  /** The user service first (the others fetch its JWKS), then the rest, then the gateway (it composes the subgraphs). */
  async startAll(ports: Record<ServiceName, number>) {
    this.start('user');
    await waitReady('user', ports.user);
    const rest = (Object.keys(SERVICES) as ServiceName[]).filter((s) => s !== 'gateway' && s !== 'user');
    for (const name of rest) this.start(name);
    await Promise.all(rest.map((name) => waitReady(name, ports[name])));
    this.start('gateway');
    await waitReady('gateway', ports.gateway);
  }

  /** The process id of a running service (for reading its CPU time and memory in /proc). */
  pid(name: ServiceName): number | undefined {
    return this.children.get(name)?.pid;
  }

  /** SIGTERM to one service, waiting for it to exit; it stays down until start(). */
  async stop(name: ServiceName) {
    const child = this.children.get(name);
    if (!child) return;
    this.expectedExit.add(name);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** SIGKILL, as a crash would, then a fresh process. */
  async crash(name: ServiceName) {
    const child = this.children.get(name);
    if (!child) return;
    this.expectedExit.add(name);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.start(name);
  }

  /** SIGTERM to all (a clean shutdown: each flushes what it holds), SIGKILL after 10 s. */
  async stopAll() {
    this.stopping = true;
    const children = [...this.children.values()];
    const exits = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children) child.kill('SIGTERM');
    const timer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 10_000);
    await Promise.all(exits);
    clearTimeout(timer);
  }
}
