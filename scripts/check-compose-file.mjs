// No Docker engine runs here, so docker-compose.yml is kept honest by reading it against the code:
// every env name it sets is one the service reads, production-required secrets are set, ports, health
// checks and subgraph URLs agree, dependencies wait for health, and the Dockerfile has each target.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const read = (file) => readFileSync(path.join(root, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true });
const dockerfile = read('Dockerfile');

const services = {
  user: { dir: 'subgraphs/user', portVar: 'USER_PORT', port: 4001 },
  product: { dir: 'subgraphs/product', portVar: 'PRODUCT_PORT', port: 4002 },
  cart: { dir: 'subgraphs/cart', portVar: 'CART_PORT', port: 4003 },
  order: { dir: 'subgraphs/order', portVar: 'ORDER_PORT', port: 4004 },
  gateway: { dir: 'gateway', portVar: 'PORT', port: 4000 },
};

const envNames = (source) => new Set([...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]));
// `requireInProduction([...])` (packages/kit/src/env.ts) always adds JWT_SECRET to the names it is given.
const requiredInProduction = (source) =>
  new Set(
    [...source.matchAll(/requireInProduction\(\[?([^)\]]*)\]?\)/g)].flatMap((m) => [
      'JWT_SECRET',
      ...[...m[1].matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((n) => n[1]),
    ]),
  );
const kitEnv = read('packages/kit/src/env.ts');

const problems = [];
let checks = 0;
const check = (ok, message) => {
  checks += 1;
  if (!ok) problems.push(message);
};

for (const [name, spec] of Object.entries(services)) {
  const service = compose.services?.[name];
  check(service, `${name}: missing from docker-compose.yml`);
  if (!service) continue;
  const source = read(`${spec.dir}/src/environment.ts`);
  const usesCommon = source.includes('commonEnv');
  const reads = new Set([...envNames(source), ...(usesCommon ? envNames(kitEnv) : [])]);
  const required = requiredInProduction(source);
  const env = service.environment ?? {};

  for (const key of Object.keys(env)) check(reads.has(key), `${name}: sets ${key}, which ${spec.dir}/src/environment.ts does not read`);
  for (const key of required) check(key in env, `${name}: ${key} is required in production but not set`);

  const port = Number(env[spec.portVar] ?? spec.port);
  const probe = JSON.stringify(service.healthcheck?.test ?? '');
  check(service.healthcheck, `${name}: no healthcheck`);
  check(probe.includes(`127.0.0.1:${port}/ready`), `${name}: healthcheck does not probe /ready on its port ${port}`);
  for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
    check(condition?.condition === 'service_healthy', `${name}: depends_on ${dependency} does not wait for service_healthy`);
    check(compose.services?.[dependency]?.healthcheck, `${name}: depends on ${dependency}, which has no healthcheck`);
  }
  check(new RegExp(`^FROM \\S+ AS ${name}$`, 'm').test(dockerfile), `Dockerfile: no "${name}" target`);
  check(service.build?.target === name, `${name}: build.target is not "${name}"`);
  check(existsSync(path.join(root, spec.dir, 'src/main.ts')), `${name}: ${spec.dir}/src/main.ts (the image's entry) does not exist`);
  check(dockerfile.includes(`"${spec.dir}/dist/src/main.js"`), `Dockerfile: the ${name} target does not run ${spec.dir}/dist/src/main.js`);

  // Services that call other services must point at the right compose service and port.
  for (const [key, value] of Object.entries(env)) {
    const target = /^([A-Z]+)_URL$/.exec(key)?.[1]?.toLowerCase();
    if (!target || !(target in services)) continue;
    const expected = `http://${target}:${services[target].port}/graphql`;
    const targetPort = compose.services?.[target]?.environment?.[services[target].portVar];
    check(value === expected, `${name}: ${key} is ${value}, expected ${expected}`);
    check(
      Number(targetPort ?? services[target].port) === services[target].port,
      `${target}: listens on ${targetPort}, but ${name} calls :${services[target].port}`,
    );
  }
}
const published = Object.entries(compose.services ?? {})
  .filter(([, s]) => s.ports?.length)
  .map(([n]) => n);
check(published.join() === 'gateway', `only the gateway should publish ports, found: ${published.join(', ')}`);

if (problems.length) {
  console.error(`docker-compose.yml disagrees with the code:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`compose file: ${checks} checks passed`);
