// What each service reads from its environment, read off its src/environment.ts (the zod model) without running it,
// and the repository's rules about who holds what. Shared by check-compose-file.mjs and check-deploy.mjs, so the
// compose file and the Kubernetes manifests are held to the same model.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const read = (file) => readFileSync(path.join(root, file), 'utf8');

export const NODE_SERVICES = {
  user: { dir: 'subgraphs/user', portVars: ['USER_PORT'], port: 4001 },
  product: { dir: 'subgraphs/product', portVars: ['PRODUCT_PORT'], port: 4002 },
  cart: { dir: 'subgraphs/cart', portVars: ['CART_PORT'], port: 4003 },
  order: { dir: 'subgraphs/order', portVars: ['ORDER_PORT'], port: 4004 },
  recommendation: { dir: 'subgraphs/recommendation', portVars: ['RECOMMENDATION_PORT'], port: 4005 },
  // The gateway takes PORT first, then GATEWAY_PORT.
  gateway: { dir: 'gateway', portVars: ['PORT', 'GATEWAY_PORT'], port: 4000 },
  notification: { dir: 'workers/notification', portVars: ['NOTIFICATION_PORT'], port: 4101 },
  payment: { dir: 'workers/payment', portVars: ['PAYMENT_PORT'], port: 4102 },
};
export const INFRASTRUCTURE = {
  postgres: { schemes: ['postgres:', 'postgresql:'], port: 5432 },
  redis: { schemes: ['redis:', 'rediss:'], port: 6379 },
  rabbitmq: { schemes: ['amqp:', 'amqps:'], port: 5672 },
};
// Variables whose value must be the same everywhere they are set: token issuer and audience, the internal secrets
// (the gateway's checked by every subgraph, the services' own), and the key that seals payment tokens.
export const SHARED = ['JWT_ISSUER', 'JWT_AUDIENCE', 'GATEWAY_TOKEN_SECRET', 'SERVICE_TOKEN_SECRET', 'PAYMENT_TOKEN_KEY'];
const SUBGRAPHS = ['user', 'product', 'cart', 'order', 'recommendation'];
// Who may hold what: only the user service signs user tokens and knows the admin's password; the gateway never holds
// the services' secret; the workers hold neither internal credential; only order seals and payment opens payment tokens.
export const HELD_ONLY_BY = {
  USER_SIGNING_KEY: ['user'],
  ADMIN_PASSWORD: ['user'],
  SERVICE_TOKEN_SECRET: SUBGRAPHS,
  GATEWAY_TOKEN_SECRET: ['gateway', ...SUBGRAPHS],
  PAYMENT_TOKEN_KEY: ['order', 'payment'],
  // The SMS provider's credential: only the notification worker sends SMS.
  SMS_HTTP_TOKEN: ['notification'],
};
// Kit name lists a service may pass to requireInProduction.
const KIT_REQUIRED_LISTS = { SUBGRAPH_SECRETS: ['GATEWAY_TOKEN_SECRET', 'SERVICE_TOKEN_SECRET'] };
// Addresses of pages in people's browsers (whom the gateway answers), not of services it calls: not checked as service URLs.
export const BROWSER_ADDRESSES = ['CORS_ORIGINS'];
export const LOOPBACK = /\b(localhost|127\.0\.0\.1)\b|\[::1\]/;

/**
 * The top-level `KEY: expression` entries of every `.object({ ... })` in `source`. Strings, comments and regex literals
 * are skipped while matching brackets, so `/^[A-Z]{3}$/` or a `'` in a comment cannot end an entry early.
 */
function objectEntries(source) {
  const entries = [];
  for (const m of source.matchAll(/\.object\(\s*\{/g)) {
    let depth = 0;
    let part = m.index + m[0].length;
    for (let i = part; i < source.length; i += 1) {
      const c = source[i];
      if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i);
      else if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i) + 1;
      else if (c === '/' && /[(,=:[!&|?{};]\s*$/.test(source.slice(Math.max(0, i - 20), i))) {
        for (let inClass = false, j = i + 1; j < source.length; j += 1) {
          if (source[j] === '\\') j += 1;
          else if (source[j] === '[') inClass = true;
          else if (source[j] === ']') inClass = false;
          else if (source[j] === '/' && !inClass) {
            i = j;
            break;
          }
        }
      } else if (`'"\``.includes(c)) {
        for (let j = i + 1; j < source.length; j += 1) {
          if (source[j] === '\\') j += 1;
          else if (source[j] === c) {
            i = j;
            break;
          }
        }
      } else if ('([{'.includes(c)) depth += 1;
      else if (')]}'.includes(c) && depth > 0) depth -= 1;
      else if ((c === '}' || c === ',') && depth === 0) {
        entries.push(source.slice(part, i));
        part = i + 1;
        if (c === '}') break;
      }
      if (i < 0) break;
    }
  }
  return entries
    .map((entry) => entry.replace(/^(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*))*/, '').trim())
    .map((entry) => /^([A-Z][A-Z0-9_]*)\s*:([\s\S]*)$/.exec(entry))
    .filter(Boolean)
    .map((m) => [m[1], m[2].trim()]);
}

/** `const name = <expression>;` helpers, from kit and from the file itself, so `port(4001)` is known to have a default. */
function parseHelpers(...sources) {
  const helpers = new Map();
  for (const source of sources) {
    for (const m of source.matchAll(/^(?:export )?const ([A-Za-z_$][\w$]*) =([\s\S]*?;)\s*$/gm)) helpers.set(m[1], m[2]);
  }
  return helpers;
}

/** Each declared variable: whether it may be left unset, its default when a literal, and whether that default is loopback. */
function describeVariables(entries, helpers) {
  return new Map(
    entries.map(([name, expression]) => {
      const helper = helpers.get(/^([A-Za-z_$][\w$]*)/.exec(expression)?.[1]) ?? '';
      const full = `${expression}\n${helper}`;
      // `queueName('payment')`: a helper whose default is its argument.
      const argument = /\.default\(\s*[A-Za-z_$]/.test(helper) ? /^[A-Za-z_$][\w$]*\(\s*(['"])(.*?)\1/.exec(expression)?.[2] : undefined;
      const literal = /\.default\(\s*(['"])(.*?)\1\s*\)/.exec(full)?.[2] ?? /\bport\((\d+)\)/.exec(full)?.[1] ?? argument;
      return [name, { defaulted: /\.default\(|\.optional\(\)/.test(full), defaultValue: literal, loopbackDefault: LOOPBACK.test(full) }];
    }),
  );
}

/** Quoted variable names in array literals of a source that enforces `required in production` (inline or via kit's helper). */
function namesRequiredInProduction(source, declared) {
  if (!/required in production|requireInProduction\(/.test(source)) return [];
  return [...source.matchAll(/\[([^\]]*)\]/g)]
    .flatMap((m) => [...m[1].matchAll(/['"]([A-Z][A-Z0-9_]*)['"]/g)].map((n) => n[1]))
    .filter((name) => declared.has(name));
}

/**
 * What each service's environment.ts reads: `vars` (name -> { defaulted, defaultValue, loopbackDefault }) and
 * `requiredInProduction`, or undefined for a service whose file does not exist yet. Kit fragments a service composes
 * in with `.and(fragment)` (or `.and(fragment.pick({ A: true }))`) count as read.
 */
export function readEnvModels() {
  const problems = [];
  const kitSource = read('packages/kit/src/env.ts');
  const kitHelpers = parseHelpers(kitSource);
  if (!kitHelpers.has('commonEnv')) problems.push('packages/kit/src/env.ts: no `export const commonEnv` to read the common variables from');
  const kitRequired = namesRequiredInProduction(kitSource, describeVariables(objectEntries(kitHelpers.get('commonEnv') ?? ''), kitHelpers));

  const modelOf = (dir) => {
    const file = `${dir}/src/environment.ts`;
    if (!existsSync(path.join(root, file))) return undefined;
    const source = read(file);
    const fragments = [...source.matchAll(/\.and\(\s*([A-Za-z_$][\w$]*)(?:\.pick\(\{([^}]*)\}\))?\s*\)/g)]
      .filter((m) => kitHelpers.get(m[1])?.includes('.object('))
      .flatMap(([, name, picked]) => {
        const vars = [...describeVariables(objectEntries(kitHelpers.get(name)), kitHelpers)];
        const keep = picked && new Set([...picked.matchAll(/([A-Z][A-Z0-9_]*)\s*:\s*true/g)].map((p) => p[1]));
        return keep ? vars.filter(([key]) => keep.has(key)) : vars;
      });
    const vars = new Map([...fragments, ...describeVariables(objectEntries(source), parseHelpers(kitSource, source))]);
    const listed = Object.entries(KIT_REQUIRED_LISTS).flatMap(([list, names]) => (new RegExp(`\\b${list}\\b`).test(source) ? names : []));
    const required = new Set([...kitRequired.filter((name) => vars.has(name)), ...listed, ...namesRequiredInProduction(source, vars)]);
    return { file, vars, requiredInProduction: required };
  };
  const models = Object.fromEntries(Object.entries(NODE_SERVICES).map(([name, spec]) => [name, modelOf(spec.dir)]));
  return { models, problems };
}

/** A compose service's `environment` (a map or a `KEY=value` list) as strings; a bare `KEY` is undefined. */
export function environmentOf(service) {
  const env = service?.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? undefined : String(v)]));
  return Object.fromEntries(
    env.map((entry) => [entry.split('=')[0], entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : undefined]),
  );
}

/** Where a node service listens in compose: its port variable there, else the code's default (from `readEnvModels`). */
export function composePort(name, service, models) {
  const spec = NODE_SERVICES[name];
  const env = environmentOf(service);
  const setVar = spec.portVars.find((v) => env[v] !== undefined);
  const codeDefault = models[name]?.vars.get(spec.portVars.at(-1))?.defaultValue;
  return Number(setVar ? env[setVar] : (codeDefault ?? spec.port));
}

/** Dockerfile stages by name, each with its parent (a stage or an image) and its instructions (continuations joined). */
export function parseDockerfile(text) {
  const stages = new Map();
  let current;
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(trimmed);
    if (from) {
      current = { parent: from[1], lines: [] };
      stages.set(from[2] ?? `#${stages.size}`, current);
    } else current?.lines.push(trimmed);
  }
  const chain = (name) => {
    const result = [];
    for (let stage = stages.get(name); stage && !result.includes(stage); stage = stages.get(stage.parent)) result.push(stage);
    return result;
  };
  return { stages, chain };
}
