// No Docker engine runs here, so docker-compose.yml and the Dockerfile are kept honest by reading them against the code:
// env names are ones the services read, secrets the code requires are set, ports, health checks and service URLs agree,
// dependencies wait for health, and the Dockerfile builds and starts every service.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  BROWSER_ADDRESSES,
  composePort,
  environmentOf,
  HELD_ONLY_BY,
  INFRASTRUCTURE,
  LOOPBACK,
  NODE_SERVICES,
  parseDockerfile,
  read,
  readEnvModels,
  root,
  SHARED,
} from './lib/service-env.mjs';

const problems = [];
const warnings = [];
let checks = 0;
const check = (ok, message) => {
  checks += 1;
  if (!ok) problems.push(message);
  return Boolean(ok);
};

const { models, problems: modelProblems } = readEnvModels();
problems.push(...modelProblems);

// Workspaces by package name, to follow a service's @shop/* dependencies into the image.
const workspaces = JSON.parse(read('package.json')).workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(path.join(root, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(root, pattern.slice(0, -2), d.name, 'package.json')))
        .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
    : [pattern],
);
const manifests = new Map(
  workspaces.filter((dir) => existsSync(path.join(root, dir, 'package.json'))).map((dir) => [dir, JSON.parse(read(`${dir}/package.json`))]),
);
const workspaceDirByName = new Map([...manifests].map(([dir, manifest]) => [manifest.name, dir]));
/** The workspaces `dir` needs at run time: its own and its dependencies' `dependencies`, transitively. */
function runtimeWorkspaces(dir, seen = new Set()) {
  for (const name of Object.keys(manifests.get(dir)?.dependencies ?? {})) {
    const dependency = workspaceDirByName.get(name);
    if (dependency && !seen.has(dependency)) {
      seen.add(dependency);
      runtimeWorkspaces(dependency, seen);
    }
  }
  return seen;
}

const compose = parse(read('docker-compose.yml'), { merge: true });
const services = compose?.services ?? {};
const dockerfile = parseDockerfile(read('Dockerfile'));

// Where each node service listens: its port variable in compose, else the code's default.
const listening = Object.fromEntries(Object.keys(NODE_SERVICES).map((name) => [name, composePort(name, services[name], models)]));
const portOf = (name) => listening[name] ?? INFRASTRUCTURE[name]?.port;

// A service with `profiles` (the monitoring tools) starts only when its profile is asked for: a plain `docker compose up`
// must not need it. It may publish a port to this machine (127.0.0.1), and may go without a healthcheck when its image
// has nothing to run one with, if it says so (`disable: true`) and nothing waits for it to be healthy.
const optional = (name) => Boolean(services[name]?.profiles?.length);
const healthless = (name) => services[name]?.healthcheck?.disable === true;
for (const [name, service] of Object.entries(services)) {
  check(
    service.healthcheck && (!service.healthcheck.disable || (optional(name) && healthless(name))),
    `${name}: no healthcheck${service.healthcheck?.disable ? ' (only a service with profiles may disable it)' : ''}`,
  );
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) {
    check(dependsOn.length === 0, `${name}: depends_on is a list, so it waits for start, not health; use { condition: service_healthy }`);
    continue;
  }
  for (const [dependency, options] of Object.entries(dependsOn)) {
    check(services[dependency], `${name}: depends_on ${dependency}, which is not a compose service`);
    check(options?.condition === 'service_healthy', `${name}: depends_on ${dependency} does not use condition: service_healthy`);
    check(!healthless(dependency), `${name}: waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
    check(
      optional(name) || !optional(dependency),
      `${name}: depends_on ${dependency}, which runs only with --profile ${services[dependency]?.profiles?.join('/')}; a plain docker compose up would fail`,
    );
  }
}

const published = Object.keys(services).filter((name) => services[name].ports?.length && !optional(name));
check(
  published.every((name) => ['gateway', 'storefront'].includes(name)),
  `only the gateway and the storefront may publish ports; published: ${published.join(', ') || 'none'}`,
);
for (const name of Object.keys(services).filter(optional)) {
  for (const mapping of services[name].ports ?? []) {
    const hostIp =
      typeof mapping === 'object' ? mapping.host_ip : String(mapping).split(':').length === 3 ? String(mapping).split(':')[0] : '';
    check(hostIp === '127.0.0.1', `${name}: publishes ${typeof mapping === 'object' ? JSON.stringify(mapping) : mapping} beyond 127.0.0.1`);
  }
}

const databases = new Map();
const shared = Object.fromEntries(SHARED.map((key) => [key, new Map()]));

for (const [name, spec] of Object.entries(NODE_SERVICES)) {
  const service = services[name];
  if (!check(service, `${name}: missing from docker-compose.yml`)) continue;
  const env = environmentOf(service);
  const model = models[name];
  const port = listening[name];
  const dependsOn = Array.isArray(service.depends_on) ? {} : (service.depends_on ?? {});

  // Names: everything compose sets is read by the code, and everything the code cannot do without is set.
  if (!model) {
    warnings.push(`${name}: ${spec.dir}/src/environment.ts does not exist yet; skipped its variable names`);
  } else {
    for (const key of Object.keys(env)) check(model.vars.has(key), `${name}: sets ${key}, which ${model.file} does not read`);
    for (const [key, v] of model.vars) {
      if (!v.defaulted) check(env[key] !== undefined, `${name}: ${key} has no default in ${model.file} but is not set`);
      if (v.loopbackDefault) {
        check(
          env[key] !== undefined,
          `${name}: ${key} defaults to a loopback address, which in a container is the container itself; set it`,
        );
      }
    }
    for (const key of model.requiredInProduction) check(env[key] !== undefined, `${name}: ${key} is required in production but not set`);
    for (const [key, holders] of Object.entries(HELD_ONLY_BY)) {
      check(env[key] === undefined || holders.includes(name), `${name}: must not hold ${key} (only ${holders.join(', ')} may)`);
    }
    for (const key of SHARED) {
      const value = env[key] ?? model.vars.get(key)?.defaultValue;
      if (model.vars.has(key) && value !== undefined) shared[key].set(name, value);
    }
  }
  check(env.NODE_ENV === 'production', `${name}: NODE_ENV is ${env.NODE_ENV ?? 'not set'}, expected production`);

  // Health: the probe asks this service's own /ready, on the port it listens on, and accepts 200 only.
  const probe = [service.healthcheck?.test ?? []].flat().join(' ');
  check(
    probe.includes(`127.0.0.1:${port}/ready`),
    `${name}: healthcheck does not GET http://127.0.0.1:${port}/ready (it listens on ${port})`,
  );
  check(/status\s*===?\s*200/.test(probe), `${name}: healthcheck must exit 1 unless the status is 200`);

  // URLs: each points at a compose service, on its port, and this service waits for it to be healthy.
  for (const [key, value] of Object.entries(env)) {
    if (!value || value.includes('${') || BROWSER_ADDRESSES.includes(key) || !/^[a-z][a-z0-9+.-]*:\/\//.test(value)) continue;
    let url;
    try {
      url = new URL(value);
    } catch {
      check(false, `${name}: ${key} is not a valid URL: ${value}`);
      continue;
    }
    const host = url.hostname;
    if (!check(services[host], `${name}: ${key} points at ${host}, which is not a compose service`)) continue;
    const urlPort = Number(url.port || { 'http:': 80, 'https:': 443 }[url.protocol]);
    check(urlPort === portOf(host), `${name}: ${key} uses port ${urlPort}, but ${host} listens on ${portOf(host)}`);
    check(dependsOn[host], `${name}: ${key} calls ${host}, but ${name} does not depend_on it`);
    if (INFRASTRUCTURE[host]) {
      check(INFRASTRUCTURE[host].schemes.includes(url.protocol), `${name}: ${key} speaks ${url.protocol} to ${host}`);
    } else {
      const expectedPath = key === 'USER_JWKS_URL' ? '/.well-known/jwks.json' : '/graphql';
      check(url.pathname === expectedPath, `${name}: ${key} should end in ${expectedPath}, not ${url.pathname}`);
    }
    const target = /^([A-Z]+)_(?:JWKS_)?URL$/.exec(key)?.[1].toLowerCase();
    if (target && NODE_SERVICES[target]) check(host === target, `${name}: ${key} points at ${host}, not at ${target}`);
    if (host === 'postgres') {
      const database = url.pathname.slice(1);
      check(!databases.has(database), `${name}: ${key} shares database ${database} with ${databases.get(database)}`);
      databases.set(database, name);
    }
  }

  // Image: compose builds this service's Dockerfile target, which starts its main.js and exposes its port.
  check(service.build?.target === name, `${name}: build.target is ${service.build?.target}, expected ${name}`);
  check(['.', './'].includes(service.build?.context), `${name}: build.context should be the repository root`);
  const chain = dockerfile.chain(name);
  if (!check(chain.length, `Dockerfile: no "${name}" target (FROM ... AS ${name})`)) continue;
  const instructions = chain.flatMap((stage) => stage.lines);
  const entry = `${spec.dir}/dist/src/main.js`;
  const cmd = instructions.find((line) => /^CMD\s/i.test(line));
  check(cmd?.includes(`"${entry}"`), `Dockerfile: the ${name} target does not run ${entry}`);
  check(existsSync(path.join(root, spec.dir, 'src/main.ts')), `${name}: ${spec.dir}/src/main.ts (the image's entry) does not exist`);
  for (const dir of [spec.dir, ...runtimeWorkspaces(spec.dir)]) {
    check(
      instructions.some((line) => /^COPY\s/i.test(line) && line.includes(`${dir}/dist`)),
      `Dockerfile: the ${name} target does not copy ${dir}/dist${dir === spec.dir ? '' : `, which ${name} depends on`}`,
    );
  }
  const exposed = instructions.filter((line) => /^EXPOSE\s/i.test(line)).flatMap((line) => line.split(/\s+/).slice(1).map(Number));
  check(exposed.includes(port), `Dockerfile: the ${name} target exposes ${exposed.join(', ') || 'nothing'}, but it listens on ${port}`);
  const user = instructions.find((line) => /^USER\s/i.test(line))?.split(/\s+/)[1];
  check(user && !['root', '0'].includes(user), `Dockerfile: the ${name} target runs as root`);
}

// The gateway: a URL for every subgraph whose supergraph URL is a loopback one, and its published port is its own.
const gatewayEnv = environmentOf(services.gateway);
for (const m of read('schema/supergraph.graphql').matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
  const key = `${m[1].toUpperCase()}_URL`;
  if (LOOPBACK.test(m[2])) check(gatewayEnv[key], `gateway: ${key} is not set, so it would call the supergraph's ${m[2]}`);
}
for (const mapping of services.gateway?.ports ?? []) {
  const containerPort = Number(typeof mapping === 'object' ? mapping.target : String(mapping).split('/')[0].split(':').at(-1));
  check(containerPort === listening.gateway, `gateway: publishes container port ${containerPort}, but listens on ${listening.gateway}`);
}
if (!gatewayEnv.SUPERGRAPH_PATH) {
  check(
    dockerfile.chain('gateway').some((stage) => stage.lines.some((line) => /^COPY\s.*schema\/supergraph\.graphql/i.test(line))),
    'Dockerfile: the gateway target does not copy schema/supergraph.graphql',
  );
}

// The storefront is a page in a browser: its GATEWAY_URL is the gateway as published on the host (a compose hostname
// means nothing to the browser), the gateway admits the storefront's origin, and its image serves the built page.
const storefront = services.storefront;
if (check(storefront, 'storefront: missing from docker-compose.yml')) {
  // `${NAME:-default}` is what compose uses when NAME is not set; that is the value checked.
  const valueOf = (value) => (value === undefined ? undefined : (/^\$\{[A-Z0-9_]+:-(.*)\}$/.exec(value)?.[1] ?? value));
  const env = environmentOf(storefront);
  const file = 'storefront/src/server/environment.ts';
  const known = new Set([...read(file).matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):\s/gm)].map((m) => m[1]));
  for (const key of Object.keys(env)) check(known.has(key), `storefront: sets ${key}, which ${file} does not read`);
  const port = Number(valueOf(env.STOREFRONT_PORT) ?? 3000);
  const hostPort = (service, target) =>
    (service?.ports ?? [])
      .map((m) => (typeof m === 'object' ? m : { published: String(m).split(':').at(-2), target: String(m).split(':').at(-1) }))
      .find((m) => Number(m.target) === target)?.published;
  const gatewayUrl = URL.parse(valueOf(env.GATEWAY_URL) ?? 'http://localhost:4000/graphql');
  if (check(gatewayUrl, `storefront: GATEWAY_URL ${env.GATEWAY_URL} is not a URL`)) {
    check(
      !services[gatewayUrl.hostname],
      `storefront: GATEWAY_URL names ${gatewayUrl.hostname}, a compose hostname the browser cannot reach`,
    );
    check(
      gatewayUrl.port === String(hostPort(services.gateway, listening.gateway)),
      `storefront: GATEWAY_URL uses port ${gatewayUrl.port}, not the one the gateway is published on`,
    );
  }
  const published = hostPort(storefront, port);
  if (check(published, `storefront: does not publish its port ${port}`)) {
    const origins = (valueOf(gatewayEnv.CORS_ORIGINS) ?? 'http://localhost:3000').split(',').map((o) => o.trim());
    check(
      origins.includes(`http://localhost:${published}`),
      `gateway: CORS_ORIGINS does not admit the storefront (http://localhost:${published})`,
    );
  }
  const instructions = dockerfile.chain('storefront').flatMap((stage) => stage.lines);
  check(storefront.build?.target === 'storefront', 'storefront: build.target should be storefront');
  check(
    instructions.find((line) => /^CMD\s/i.test(line))?.includes('"storefront/dist/src/server/main.js"'),
    'Dockerfile: the storefront target does not run storefront/dist/src/server/main.js',
  );
  check(
    instructions.some((line) => /^COPY\s/i.test(line) && line.includes('storefront/dist/public')),
    'Dockerfile: the storefront target does not copy the built page (storefront/dist/public)',
  );
  const exposed = instructions.filter((line) => /^EXPOSE\s/i.test(line)).flatMap((line) => line.split(/\s+/).slice(1).map(Number));
  check(exposed.includes(port), `Dockerfile: the storefront target does not expose ${port}`);
  const user = instructions.find((line) => /^USER\s/i.test(line))?.split(/\s+/)[1];
  check(user && !['root', '0'].includes(user), 'Dockerfile: the storefront target runs as root');
}

for (const [key, values] of Object.entries(shared)) {
  const distinct = new Set(values.values());
  const listed = [...values].map(([service, value]) => `${service}=${value ?? '(unset)'}`).join(', ');
  check(distinct.size <= 1, `${key} differs between services (${listed}); tokens from one would be refused by another`);
}

// npm ci in the image needs every workspace's package.json before the sources are copied.
const manifestCopies = [...dockerfile.stages.values()].flatMap((stage) => stage.lines).filter((line) => /^COPY\s/i.test(line));
for (const workspace of workspaces) {
  check(
    manifestCopies.some((line) => line.split(/\s+/).includes(`${workspace}/package.json`)),
    `Dockerfile: workspace ${workspace} has no \`COPY ${workspace}/package.json\` before npm ci`,
  );
}

for (const warning of warnings) console.warn(`warning: ${warning}`);
if (problems.length) {
  console.error(`docker-compose.yml / Dockerfile disagree with the code:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`compose file: ${checks} checks passed`);
