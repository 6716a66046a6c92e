// `npm start`: builds what changed, then runs every subgraph (each creates, migrates and seeds its own database),
// the gateway and the storefront against the local Postgres/Redis/RabbitMQ, prints the URLs, and stops them all on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const started = Date.now();
const services = [
  { name: 'user', entry: 'subgraphs/user/dist/src/main.js', port: process.env.USER_PORT ?? '4001' },
  { name: 'product', entry: 'subgraphs/product/dist/src/main.js', port: process.env.PRODUCT_PORT ?? '4002' },
  { name: 'cart', entry: 'subgraphs/cart/dist/src/main.js', port: process.env.CART_PORT ?? '4003' },
  { name: 'order', entry: 'subgraphs/order/dist/src/main.js', port: process.env.ORDER_PORT ?? '4004' },
  { name: 'reco', entry: 'subgraphs/recommendation/dist/src/main.js', port: process.env.RECOMMENDATION_PORT ?? '4005' },
  { name: 'notify', entry: 'workers/notification/dist/src/main.js', port: process.env.NOTIFICATION_PORT ?? '4101' },
  { name: 'payment', entry: 'workers/payment/dist/src/main.js', port: process.env.PAYMENT_PORT ?? '4102' },
];
const gatewayPort = process.env.PORT ?? process.env.GATEWAY_PORT ?? '4000';
const storefrontPort = process.env.STOREFRONT_PORT ?? '3000';

const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const children = new Map();
let stopping = false;

function run(name, entry, env) {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}]`.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) console.log(prefix, line);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`${prefix} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.set(name, child);
}

async function waitReady(name, port, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready on port ${port} after ${timeoutMs / 1000}s`);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const exits = [...children.values()].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children.values()) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 10_000);
  await Promise.all(exits);
  clearTimeout(timer);
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  for (const service of services) run(service.name, service.entry, {});
  await Promise.all(services.map((s) => waitReady(s.name, s.port)));
  run('gateway', 'gateway/dist/src/main.js', {
    USER_URL: process.env.USER_URL ?? `http://127.0.0.1:${services[0].port}/graphql`,
    PRODUCT_URL: process.env.PRODUCT_URL ?? `http://127.0.0.1:${services[1].port}/graphql`,
    CART_URL: process.env.CART_URL ?? `http://127.0.0.1:${services[2].port}/graphql`,
    ORDER_URL: process.env.ORDER_URL ?? `http://127.0.0.1:${services[3].port}/graphql`,
    RECOMMENDATION_URL: process.env.RECOMMENDATION_URL ?? `http://127.0.0.1:${services[4].port}/graphql`,
    // The storefront's page, opened as localhost or 127.0.0.1, may call the API from the browser.
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? `http://localhost:${storefrontPort},http://127.0.0.1:${storefrontPort}`,
  });
  await waitReady('gateway', gatewayPort);
  run('store', 'storefront/dist/src/server/main.js', {
    STOREFRONT_PORT: storefrontPort,
    GATEWAY_URL: process.env.GATEWAY_URL ?? `http://localhost:${gatewayPort}/graphql`,
  });
  await waitReady('storefront', storefrontPort);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
  Shop is up in ${seconds}s
    Storefront: http://localhost:${storefrontPort}   (admin: admin@example.com / admin-password-123 unless ADMIN_* are set)
    GraphQL (and Apollo Sandbox in a browser): http://localhost:${gatewayPort}/graphql
    Health: http://localhost:${gatewayPort}/health   Readiness: http://localhost:${gatewayPort}/ready
    Services: ${services.map((s) => `${s.name} :${s.port}`).join(', ')}
    Mails (no SMTP_URL set): var/mail/*.eml
  Ctrl-C stops everything.
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
