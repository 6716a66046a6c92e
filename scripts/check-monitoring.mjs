// No Docker engine, Prometheus or Grafana runs here, so the monitoring profile is kept honest by reading it against the
// compose file and the code: every scrape target is a compose service on the port where its code serves /metrics, and
// every service of the stack is scraped; every metric, label and known label value in the alerts and the dashboards is
// one the code defines (prom-client definitions in the sources, and prom-client's default metrics); every panel's
// datasource is provisioned; the collector's pipelines use only components it defines, listen where other containers
// reach them and export to Jaeger; the files compose mounts are the ones checked.
//
// Usage: node scripts/check-monitoring.mjs [dir]   (default: monitoring). A dir stands in for monitoring/: the files
// docker-compose.yml mounts from ./monitoring/... are read from <dir>/... instead (scripts/fixtures/monitoring-broken).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { analysePromQL, resultLabels } from './lib/promql.mjs';
import { composePort, environmentOf, NODE_SERVICES, read, readEnvModels, root } from './lib/service-env.mjs';

const MOUNTED_ROOT = 'monitoring';
const checkedRoot = path.resolve(process.argv[2] ?? MOUNTED_ROOT);
const rel = (file) => path.relative(root, file).split(path.sep).join('/') || '.';

const problems = [];
let checks = 0;
/** Records a check; `where` is the file (absolute or repository-relative) the message is about. */
const check = (ok, where, message) => {
  checks += 1;
  const line = `${path.isAbsolute(where) ? rel(where) : where}: ${message}`;
  if (!ok && !problems.includes(line)) problems.push(line);
  return Boolean(ok);
};
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const readYaml = (file) => {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    check(false, file, `does not parse: ${error.message.split('\n')[0]}`);
    return undefined;
  }
};
const DURATION = /^(\d+(ms|[smhdwy]))+$/;
const seconds = (duration) =>
  [...String(duration).matchAll(/(\d+)(ms|[smhdwy])/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[unit],
    0,
  );

// ---------------------------------------------------------------------------------------------------------------------
// The code: which metrics exist, with which labels, and where each service serves them.

function sourceFiles() {
  const dirs = ['gateway/src'];
  for (const group of ['packages', 'subgraphs', 'workers']) {
    for (const name of readdirSync(path.join(root, group))) dirs.push(`${group}/${name}/src`);
  }
  return dirs
    .filter((dir) => existsSync(path.join(root, dir)))
    .flatMap((dir) =>
      readdirSync(path.join(root, dir), { recursive: true })
        .map((entry) => `${dir}/${entry.split(path.sep).join('/')}`)
        .filter((file) => /\.ts$/.test(file) && !/\.(spec|test|d)\.ts$|\/generated\.ts$/.test(file)),
    );
}
const sources = new Map(sourceFiles().map((file) => [file, read(file)]));
const lineOf = (source, index) => source.slice(0, index).split('\n').length;

/** The index of the bracket closing the one at `open`, skipping strings and comments; -1 if none. */
function closing(source, open) {
  let depth = 0;
  for (let i = open; i < source.length; i += 1) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i);
    else if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i) + 1;
    else if (`'"\``.includes(c)) for (i += 1; i < source.length && source[i] !== c; i += source[i] === '\\' ? 2 : 1);
    else if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c) && --depth === 0) return i;
    if (i < 0) return -1;
  }
  return -1;
}
/** The argument text of every call matched by `callee` (a regex source ending before the parenthesis). */
function calls(source, callee) {
  return [...source.matchAll(new RegExp(`${callee}\\s*(?:<[^>()]*>)?\\s*\\(`, 'g'))].map((m) => {
    const open = m.index + m[0].length - 1;
    return { index: m.index, args: source.slice(open + 1, closing(source, open)) };
  });
}
const quoted = (text) => [...(text ?? '').matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);

/** Metric families by name: { type, labels, file }. A label list chosen at run time counts as every list it may be. */
function codeMetrics() {
  const metrics = new Map();
  const add = (name, type, labels, file) => {
    check(
      !metrics.has(name) || metrics.get(name).type === type,
      file,
      `${name} is defined as a ${type} and as a ${metrics.get(name)?.type}`,
    );
    const known = metrics.get(name);
    metrics.set(name, { type, labels: new Set([...(known?.labels ?? []), ...labels]), file });
  };
  for (const [file, source] of sources) {
    for (const m of source.matchAll(/\bnew\s+(Counter|Gauge|Histogram|Summary)\s*(?:<[^>()]*>)?\s*\(\s*\{/g)) {
      const open = m.index + m[0].length - 1;
      const definition = source.slice(open, closing(source, open) + 1);
      const type = m[1].toLowerCase();
      const where = `${file}:${lineOf(source, m.index)}`;
      const labelSource = !/\blabelNames\b/.test(definition)
        ? ''
        : (/\blabelNames\s*:\s*\[([^\]]*)\]/.exec(definition)?.[1] ??
          (/\blabelNames\s*(?:[,}]|:\s*labelNames\b)/.test(definition) ? /\bconst labelNames\s*=([^;]*);/.exec(source)?.[1] : undefined));
      check(labelSource !== undefined, where, 'cannot read the label names of this metric');
      const labels = quoted(labelSource);
      const literal = /\bname\s*:\s*(['"])([^'"]+)\1/.exec(definition)?.[2];
      const template = /\bname\s*:\s*`\$\{[^}]+\}([^`]*)`/.exec(definition)?.[1];
      let names = [];
      if (literal) names = [literal];
      else if (template) {
        // `${options.prefix}_duration_seconds`: one metric per prefix passed to this file's exported functions.
        const exported = [...source.matchAll(/export function (\w+)/g)].map((f) => f[1]);
        const prefixes = [...sources.values()].flatMap((other) =>
          calls(other, `(?<!function )\\b(?:${exported.join('|')})`).flatMap((call) =>
            [...call.args.matchAll(/\bprefix\s*:\s*'([^']+)'/g)].map((p) => p[1]),
          ),
        );
        names = [...new Set(prefixes)].map((prefix) => `${prefix}${template}`);
      } else if (/[{,]\s*name\s*[,}]/.test(definition)) {
        // `const gauge = (name: string, ...) => new Gauge({ name, ... })`: the names it is called with.
        const helper = [...source.slice(0, m.index).matchAll(/const (\w+) = \(\s*name\b/g)].at(-1)?.[1];
        if (helper) names = [...source.matchAll(new RegExp(`\\b${helper}\\(\\s*'([^']+)'`, 'g'))].map((c) => c[1]);
      }
      if (check(names.length, where, `cannot read the name of this ${m[1]}`)) for (const name of names) add(name, type, labels, file);
    }
  }
  // prom-client's default metrics, as the kit turns them on: the names and labels of the installed version.
  const kitMetrics = read('packages/kit/src/metrics.ts');
  if (/collectDefaultMetrics\(/.test(kitMetrics)) {
    const promClient = createRequire(path.join(root, 'packages/kit/package.json'))('prom-client');
    const registry = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: registry });
    for (const metric of registry.getMetricsAsArray()) {
      add(metric.name, metric.constructor.name.toLowerCase(), metric.labelNames ?? [], 'prom-client (collectDefaultMetrics)');
    }
    registry.clear();
  }
  // `setDefaultLabels({ service })`: the keys are the labels every sample gets.
  const defaultLabels = (/setDefaultLabels\(\{([^}]*)\}\)/.exec(kitMetrics)?.[1] ?? '')
    .split(',')
    .map((entry) => entry.split(':')[0].trim())
    .filter(Boolean);
  for (const family of metrics.values()) defaultLabels.forEach((label) => family.labels.add(label));
  return metrics;
}

// Series Prometheus adds to every target's scrape, with its target labels.
const SCRAPE_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
];

/** Every series name a query may select: the family's own, or a histogram's/summary's parts. */
function seriesCatalogue(families, targetLabels) {
  const series = new Map();
  for (const [name, family] of families) {
    const labels = new Set([...family.labels, ...targetLabels]);
    const part = (suffix, type, extra = []) =>
      series.set(`${name}${suffix}`, { family: name, type, labels: new Set([...labels, ...extra]) });
    if (family.type === 'histogram') {
      part('_bucket', 'counter', ['le']);
      part('_sum', 'counter');
      part('_count', 'counter');
    } else if (family.type === 'summary') {
      part('', 'summary', ['quantile']);
      part('_sum', 'counter');
      part('_count', 'counter');
    } else part('', family.type);
  }
  for (const name of SCRAPE_SERIES) series.set(name, { family: name, type: 'gauge', labels: new Set(targetLabels) });
  return series;
}

/** The values the code gives some labels, each read from where the code sets them. */
function knownLabelValues(serviceNames, jobNames) {
  const topology = read('packages/messaging/src/topology.ts');
  const queueNames = /export const queueNames = [^=]*=>\s*\(\{([\s\S]*?)\}\);/.exec(topology)?.[1] ?? '';
  const kinds = [...queueNames.matchAll(/(?:^|,)\s*(\w+)\s*:/g)].map((k) => k[1]);
  const union = (file, name) => quoted(new RegExp(`type ${name} = ([^;]*);`).exec(read(file))?.[1]);
  const eventTypes = [...read('packages/messaging/src/contracts.ts').matchAll(/^\s+'([a-z_]+\.[a-z_]+)':\s*z\./gm)].map((e) => e[1]);
  const fetchFailures = quoted(/type FetchObserver = \([^)]*failure:\s*([^)]*)\)/.exec(read('gateway/src/gateway.ts'))?.[1]);
  const subgraphs = [...read('schema/supergraph.graphql').matchAll(/@join__graph\(name: "([^"]+)"/g)].map((g) => g[1]);
  const rules = [
    { family: ['messaging_queue_depth'], label: 'kind', values: kinds, from: 'queueNames in packages/messaging/src/topology.ts' },
    {
      family: ['messaging_consumed_total'],
      label: 'outcome',
      values: union('packages/messaging/src/consumer.ts', 'Outcome'),
      from: 'Outcome',
    },
    {
      family: ['messaging_events_published_total', 'messaging_consumed_total'],
      label: 'type',
      values: [...eventTypes, 'unknown'],
      from: 'the event contracts',
    },
    {
      family: ['gateway_request_duration_seconds', 'graphql_operation_duration_seconds'],
      label: 'outcome',
      values: union('packages/kit/src/metrics.ts', 'RequestOutcome'),
      from: 'RequestOutcome',
    },
    { family: ['gateway_subgraph_fetch_errors_total'], label: 'reason', values: fetchFailures, from: 'FetchObserver' },
    {
      family: ['gateway_subgraph_fetch_errors_total', 'gateway_subgraph_fetch_duration_seconds'],
      label: 'subgraph',
      values: subgraphs,
      from: 'the supergraph',
    },
    { family: '*', label: 'service', values: serviceNames, from: "the services' createMetrics()" },
    { family: '*', label: 'job', values: jobNames, from: 'the scrape jobs' },
  ];
  for (const rule of rules) check(rule.values.length, 'scripts/check-monitoring.mjs', `read no values of ${rule.label} from ${rule.from}`);
  return rules;
}

/** The names the services give their registries (the `service` label), resolving `createMetrics(SUBGRAPH_NAME)`. */
function serviceLabelValues() {
  const names = [];
  for (const [name, spec] of Object.entries(NODE_SERVICES)) {
    const files = [...sources].filter(([file]) => file.startsWith(`${spec.dir}/src/`));
    for (const [file, source] of files) {
      for (const m of source.matchAll(/createMetrics\(\s*(?:'([^']+)'|(\w+))\s*\)/g)) {
        const value = m[1] ?? files.map(([, other]) => new RegExp(`export const ${m[2]} = '([^']+)'`).exec(other)?.[1]).find(Boolean);
        if (check(value, file, `cannot resolve createMetrics(${m[2]}) of ${name}`)) names.push(value);
      }
    }
  }
  return names;
}

/** The path the kit serves metrics at, and the compose port variable each service passes to a server that serves them. */
function metricsEndpoints() {
  const kit = (file) => read(`packages/kit/src/${file}`);
  const routePath = /app\.get\('([^']+)'/.exec(/export function metricsRoute[\s\S]*?\n}\n/.exec(kit('metrics.ts'))?.[0] ?? '')?.[1];
  const healthPath = /req\.url === '([^']+)' && metrics/.exec(kit('health-server.ts'))?.[1];
  check(routePath, 'packages/kit/src/metrics.ts', 'metricsRoute serves no path this check can read');
  check(healthPath, 'packages/kit/src/health-server.ts', 'the health server serves no metrics path this check can read');
  check(routePath === healthPath, 'packages/kit/src/health-server.ts', `serves metrics at ${healthPath}, metricsRoute at ${routePath}`);
  const subgraphMounts = /metricsRoute\(options\.metrics\)/.test(kit('subgraph-service.ts'));
  check(subgraphMounts, 'packages/kit/src/subgraph-service.ts', 'serveSubgraph no longer mounts metricsRoute(options.metrics)');
  const servers = {
    serveSubgraph: (args) => subgraphMounts && /(?:^|[{,])\s*metrics\s*(?:[,}]|:)/.test(args),
    startHealthServer: (args) => Boolean(healthPath) && /(?:^|[{,])\s*metrics\s*(?:[,}]|:)/.test(args),
    startHttpService: (args) => /\bmetricsRoute\(/.test(args),
  };
  const ports = {};
  for (const [name, spec] of Object.entries(NODE_SERVICES)) {
    for (const [file, source] of sources) {
      if (!file.startsWith(`${spec.dir}/src/`)) continue;
      for (const [server, serves] of Object.entries(servers)) {
        for (const call of calls(source, `\\b${server}`)) {
          if (!serves(call.args)) continue;
          const portVar = /\bport\s*:\s*env\.([A-Z_]+)/.exec(call.args)?.[1];
          check(!/\bhost\s*:/.test(call.args), file, `${server} is given a host: Prometheus in another container may not reach it`);
          if (check(spec.portVars.includes(portVar), file, `${server} serves metrics on env.${portVar}, not on ${spec.portVars.join('/')}`))
            ports[name] = portVar;
        }
      }
    }
  }
  return { path: routePath, ports };
}

// ---------------------------------------------------------------------------------------------------------------------
// docker-compose.yml: the tools, and which files they read.

const compose = parse(read('docker-compose.yml'), { merge: true });
const services = compose?.services ?? {};
const { models, problems: modelProblems } = readEnvModels();
for (const problem of modelProblems) check(false, 'scripts/lib/service-env.mjs', problem);

const TOOLS = {
  prometheus: { image: /^(?:docker\.io\/|quay\.io\/)?prom(?:etheus)?\/prometheus$/, title: 'Prometheus' },
  grafana: { image: /^(?:docker\.io\/)?grafana\/grafana(?:-oss)?$/, title: 'Grafana' },
  collector: {
    image:
      /^(?:docker\.io\/|ghcr\.io\/open-telemetry\/opentelemetry-collector-releases\/)?(?:otel\/)?opentelemetry-collector(?:-contrib)?$/,
    title: 'an OpenTelemetry Collector',
  },
  // Jaeger 2: all-in-one by default, listening on 0.0.0.0 in its image (JAEGER_LISTEN_HOST). Jaeger 1 is end of life.
  jaeger: { image: /^(?:docker\.io\/|cr\.jaegertracing\.io\/)?jaegertracing\/jaeger$/, title: 'Jaeger 2' },
};
const JAEGER_PORTS = { ui: 16686, otlpGrpc: 4317, otlpHttp: 4318 };
const imageOf = (service) => {
  const [named, digest] = String(service?.image ?? '').split('@');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return { repository: hasTag ? named.slice(0, colon) : named, tag: hasTag ? named.slice(colon + 1) : undefined, digest };
};
const tools = {};
for (const [role, tool] of Object.entries(TOOLS)) {
  const found = Object.entries(services).filter(([, service]) => tool.image.test(imageOf(service).repository));
  if (
    !check(found.length === 1, 'docker-compose.yml', `needs one ${tool.title} service, has ${found.map(([n]) => n).join(', ') || 'none'}`)
  )
    continue;
  const [name, service] = found[0];
  tools[role] = { name, service, env: environmentOf(service) };
  const { tag, digest } = imageOf(service);
  check(
    digest || (tag && tag !== 'latest' && /\d/.test(tag)),
    'docker-compose.yml',
    `${name}: image ${service.image} is not pinned to a version`,
  );
  check(
    Array.isArray(service.profiles) && service.profiles.join() === 'monitoring',
    'docker-compose.yml',
    `${name}: should run only with --profile monitoring (profiles: [monitoring])`,
  );
}
for (const [name, service] of Object.entries(services)) {
  if (!service.profiles?.includes('monitoring') && Object.values(tools).some((t) => t.name === name)) continue;
  for (const volume of service.volumes ?? []) {
    const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
    if (!/^\.\.?\//.test(source ?? '')) continue;
    check(existsSync(path.join(root, source)), 'docker-compose.yml', `${name}: mounts ${source}, which does not exist`);
  }
}
const commandArgs = (service) => [service?.command ?? []].flat().flatMap((arg) => String(arg).split(/\s+/));
const flag = (service, name) => {
  const args = commandArgs(service);
  const at = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (at < 0) return undefined;
  return args[at].includes('=') ? args[at].slice(name.length + 1) : args[at + 1];
};
/** The repository path bind-mounted at `containerPath` in `tool`'s container, read from the checked directory. */
function mounted(tool, containerPath, what) {
  for (const volume of tool?.service.volumes ?? []) {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (!/^\.\.?\//.test(source ?? '')) continue;
    const rest = path.posix.relative(target, containerPath);
    if (rest.startsWith('..') || path.posix.isAbsolute(rest)) continue;
    const repoPath = path.posix.join(path.posix.normalize(source), rest);
    if (
      !check(
        repoPath === MOUNTED_ROOT || repoPath.startsWith(`${MOUNTED_ROOT}/`),
        'docker-compose.yml',
        `${tool.name}: ${what} comes from ${repoPath}, outside ${MOUNTED_ROOT}/`,
      )
    )
      return undefined;
    return path.join(checkedRoot, repoPath.slice(MOUNTED_ROOT.length));
  }
  check(false, 'docker-compose.yml', `${tool?.name}: nothing from the repository is mounted at ${containerPath} (${what})`);
  return undefined;
}
const hostPort = (address) => {
  const m = /^(?:([a-z]+):\/\/)?(\[[^\]]*\]|[^:/]*)(?::(\d+))?/.exec(String(address ?? ''));
  return { scheme: m?.[1], host: m?.[2], port: m?.[3] === undefined ? undefined : Number(m[3]) };
};
const publishedTargets = (service) =>
  (service?.ports ?? []).map((mapping) =>
    typeof mapping === 'object'
      ? { host: Number(mapping.published), container: Number(mapping.target) }
      : { host: Number(String(mapping).split(':').at(-2)), container: Number(String(mapping).split('/')[0].split(':').at(-1)) },
  );

// ---------------------------------------------------------------------------------------------------------------------
// Prometheus: the scrape targets against compose and the code.

const families = codeMetrics();
const endpoints = metricsEndpoints();
const prometheusPort = Number(/:(\d+)$/.exec(flag(tools.prometheus?.service, '--web.listen-address') ?? ':9090')[1]);
const prometheusConfigPath = flag(tools.prometheus?.service, '--config.file') ?? '/etc/prometheus/prometheus.yml';
const prometheusFile = tools.prometheus && mounted(tools.prometheus, prometheusConfigPath, 'its --config.file');
const prometheus = prometheusFile && existsSync(prometheusFile) ? readYaml(prometheusFile) : undefined;
if (prometheusFile) check(existsSync(prometheusFile), prometheusFile, 'does not exist');

const jobNames = [];
const targetLabels = new Set(['job', 'instance']);
let scrapeInterval;
const ruleFiles = [];
if (isObject(prometheus)) {
  const where = prometheusFile;
  scrapeInterval = prometheus.global?.scrape_interval ?? '1m';
  const timeout = prometheus.global?.scrape_timeout ?? '10s';
  check(DURATION.test(scrapeInterval) && DURATION.test(timeout), where, 'global scrape_interval / scrape_timeout are not durations');
  check(seconds(timeout) <= seconds(scrapeInterval), where, `scrape_timeout ${timeout} is longer than scrape_interval ${scrapeInterval}`);
  for (const entry of prometheus.rule_files ?? []) {
    const containerPath = path.posix.resolve(path.posix.dirname(prometheusConfigPath), entry);
    if (!check(!/[*?[]/.test(entry), where, `rule_files ${entry}: globs are not read by this check`)) continue;
    const file = mounted(tools.prometheus, containerPath, `rule file ${entry}`);
    if (file && check(existsSync(file), where, `rule_files ${entry}: ${rel(file)} does not exist`)) ruleFiles.push(file);
  }
  check(ruleFiles.length, where, 'rule_files lists no alert rules');
  const scrapedBy = {};
  for (const job of prometheus.scrape_configs ?? []) {
    const name = job.job_name;
    check(!jobNames.includes(name), where, `job ${name} is defined twice`);
    jobNames.push(name);
    const metricsPath = job.metrics_path ?? '/metrics';
    check(metricsPath === endpoints.path, where, `job ${name}: metrics_path ${metricsPath}, but the services serve ${endpoints.path}`);
    check((job.scheme ?? 'http') === 'http', where, `job ${name}: the services serve plain http`);
    const discovery = Object.keys(job).filter((key) => key.endsWith('_sd_configs'));
    check(!discovery.length, where, `job ${name}: ${discovery.join(', ')} is not read by this check; use static_configs`);
    for (const group of job.static_configs ?? []) {
      for (const label of Object.keys(group.labels ?? {})) {
        check(label !== 'service', where, `job ${name}: a target label service would clash with the services' own service label`);
        targetLabels.add(label);
      }
      for (const target of group.targets ?? []) {
        const { host, port } = hostPort(target);
        if (!check(services[host], where, `job ${name}: target ${target}: ${host} is not a compose service`)) continue;
        if (!check(NODE_SERVICES[host], where, `job ${name}: target ${target}: ${host} serves no metrics the code defines`)) continue;
        const listens = composePort(host, services[host], models);
        check(port === listens, where, `job ${name}: target ${target}: ${host} listens on ${listens}`);
        check(endpoints.ports[host], where, `job ${name}: target ${target}: ${host}'s code serves no /metrics`);
        (scrapedBy[host] ??= []).push(name);
      }
    }
  }
  for (const name of Object.keys(NODE_SERVICES)) {
    check(scrapedBy[name], where, `${name} is not scraped (it serves ${endpoints.path} on ${composePort(name, services[name], models)})`);
    check((scrapedBy[name]?.length ?? 0) <= 1, where, `${name} is scraped by ${scrapedBy[name]?.join(' and ')}: every series twice`);
  }
} else if (prometheus !== undefined) check(false, prometheusFile, 'is not a mapping');

const series = seriesCatalogue(families, targetLabels);
const labelValueRules = knownLabelValues(serviceLabelValues(), jobNames);

/**
 * Checks one PromQL expression: its series exist, their matchers use their labels and known values, rate-like
 * functions get counters, groupings name labels that exist, histogram_quantile keeps `le`. Returns the analysis.
 */
function checkQuery(where, expr, { variables = new Set() } = {}) {
  let analysis;
  try {
    analysis = analysePromQL(String(expr));
  } catch (error) {
    check(false, where, `cannot read ${JSON.stringify(expr)}: ${error.message}`);
    return undefined;
  }
  const labelsInQuery = new Set();
  for (const selector of analysis.selectors) {
    const known = series.get(selector.metric);
    if (!known) {
      const family = families.get(selector.metric);
      check(
        false,
        where,
        family
          ? `${selector.metric} is a ${family.type}: select ${selector.metric}_bucket, _sum or _count`
          : `${selector.metric} is not a metric the code defines`,
      );
      continue;
    }
    known.labels.forEach((label) => labelsInQuery.add(label));
    if (['rate', 'irate', 'increase'].includes(selector.argumentOf))
      check(
        known.type === 'counter',
        where,
        `${selector.argumentOf}(${selector.metric}): ${selector.metric} is a ${known.type}, not a counter`,
      );
    if (['deriv', 'delta', 'predict_linear'].includes(selector.argumentOf))
      check(
        known.type === 'gauge',
        where,
        `${selector.argumentOf}(${selector.metric}): ${selector.metric} is a ${known.type}, not a gauge`,
      );
    for (const { label, op, value } of selector.matchers) {
      if (!check(known.labels.has(label), where, `${selector.metric} has no label ${label} (it has ${[...known.labels].join(', ')})`))
        continue;
      const rule = labelValueRules.find((r) => r.label === label && (r.family === '*' || r.family.includes(known.family)));
      if (!rule || value.includes('$')) continue;
      const literal = op === '=' || op === '!=' ? [value] : /^[\w.\\-]+(\|[\w.\\-]+)*$/.test(value) ? value.split('|') : [];
      for (const v of literal.map((x) => x.replace(/\\\./g, '.'))) {
        check(rule.values.includes(v), where, `${selector.metric}{${label}${op}"${value}"}: ${label} is one of ${rule.values.join(', ')}`);
      }
    }
  }
  // A series the code does not define has already been reported: its labels are unknown, so groupings are not judged.
  const allKnown = analysis.selectors.every((s) => series.has(s.metric));
  for (const aggregation of allKnown ? analysis.aggregations : []) {
    for (const label of aggregation.labels) {
      check(labelsInQuery.has(label), where, `${aggregation.op} ${aggregation.grouping} (${label}): no series of the query has ${label}`);
    }
  }
  for (const label of analysis.matching) check(labelsInQuery.has(label), where, `matches on ${label}, which no series of the query has`);
  if (analysis.functions.has('histogram_quantile')) {
    const buckets = analysis.selectors.some((s) => s.metric.endsWith('_bucket'));
    const keepsLe = analysis.aggregations.every((a) => (a.grouping === 'by' ? a.labels.includes('le') : !a.labels.includes('le')));
    check(buckets && keepsLe, where, 'histogram_quantile needs _bucket series aggregated by (le, ...)');
  }
  // Aggregations joined by an operator must group alike, or the sides share no series and the result is empty.
  if (!analysis.matching.length && analysis.aggregations.length > 1) {
    const outer = Math.min(...analysis.aggregations.map((a) => a.depth));
    const groupings = new Set(
      analysis.aggregations.filter((a) => a.depth === outer).map((a) => `${a.grouping} (${[...a.labels].sort().join(', ')})`),
    );
    check(groupings.size === 1, where, `combines aggregations ${[...groupings].join(' and ')}: the sides share no series`);
  }
  for (const variable of analysis.variables) check(variables.has(variable), where, `uses $${variable}, which is not defined`);
  const labelsOf = (selector) => series.get(selector.metric)?.labels ?? new Set();
  analysis.labels = resultLabels(analysis, labelsOf);
  return analysis;
}

// ---------------------------------------------------------------------------------------------------------------------
// Alert rules: readable, about metrics that exist, and covering what the README says to alert on.

const REQUIRED_ALERTS = [
  { what: 'a dead-letter queue that is not empty', metric: 'messaging_queue_depth', matcher: ['kind', 'dead'] },
  { what: 'the outbox oldest age', metric: 'messaging_outbox_oldest_age_seconds' },
  { what: 'a consumer backlog (main queue depth)', metric: 'messaging_queue_depth', matcher: ['kind', 'main'] },
  { what: 'an open circuit breaker', metric: 'service_client_circuit_state' },
  { what: 'the gateway error ratio', metric: 'gateway_request_duration_seconds_count', matcher: ['outcome', 'error'] },
  { what: 'p99 latency', metric: 'gateway_request_duration_seconds_bucket', fn: 'histogram_quantile' },
  { what: 'a scrape target down', metric: 'up' },
];
const alertNames = new Set();
const alertQueries = [];
for (const file of ruleFiles) {
  const doc = readYaml(file);
  if (doc === undefined) continue;
  if (!check(Array.isArray(doc?.groups), file, 'has no groups')) continue;
  const groupNames = new Set();
  for (const group of doc.groups) {
    check(group?.name && !groupNames.has(group.name), file, `group ${group?.name}: needs a name of its own`);
    groupNames.add(group?.name);
    for (const rule of group?.rules ?? []) {
      const where = `${rel(file)}: ${rule.alert ?? rule.record ?? '(unnamed rule)'}`;
      if (!check(rule.alert && !rule.record, file, `${rule.record ?? '(unnamed rule)'}: only alerting rules are read by this check`))
        continue;
      check(!alertNames.has(rule.alert), file, `alert ${rule.alert} is defined twice`);
      alertNames.add(rule.alert);
      check(rule.for === undefined || DURATION.test(rule.for), where, `for: ${rule.for} is not a duration`);
      check(['critical', 'warning'].includes(rule.labels?.severity), where, 'needs labels.severity critical or warning');
      check(rule.annotations?.summary, where, 'needs annotations.summary');
      const analysis = checkQuery(where, rule.expr);
      if (!analysis) continue;
      alertQueries.push(analysis);
      for (const text of Object.values(rule.annotations ?? {})) {
        for (const m of String(text).matchAll(/\$labels\.(\w+)/g)) {
          check(analysis.labels.has(m[1]), where, `an annotation uses $labels.${m[1]}, which the result does not carry`);
        }
      }
    }
  }
}
if (ruleFiles.length) {
  for (const required of REQUIRED_ALERTS) {
    const covered = alertQueries.some(
      (a) =>
        (!required.fn || a.functions.has(required.fn)) &&
        a.selectors.some(
          (s) =>
            s.metric === required.metric &&
            (!required.matcher ||
              s.matchers.some((m) => m.label === required.matcher[0] && m.op === '=' && m.value === required.matcher[1])),
        ),
    );
    check(
      covered,
      ruleFiles[0],
      `no alert on ${required.what} (${required.metric}${required.matcher ? `{${required.matcher[0]}="${required.matcher[1]}"}` : ''})`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Grafana: datasources against compose, dashboards against the datasources and the metrics.

const BUILT_IN_DATASOURCES = new Set(['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana']);
const GRAFANA_VARIABLES = ['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms'];
const datasources = new Map();
const yamlFiles = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(dir, f))
    : [];
const grafana = tools.grafana;
const provisioning = grafana && mounted(grafana, grafana.env.GF_PATHS_PROVISIONING ?? '/etc/grafana/provisioning', 'its provisioning');
if (provisioning) {
  const files = yamlFiles(path.join(provisioning, 'datasources'));
  check(files.length, path.join(provisioning, 'datasources'), 'provisions no datasources');
  for (const file of files) {
    const doc = readYaml(file);
    if (doc === undefined) continue;
    check(doc?.apiVersion === 1, file, 'needs apiVersion: 1');
    for (const ds of doc?.datasources ?? []) {
      const where = `${rel(file)}: ${ds.name}`;
      if (!check(ds.uid && !datasources.has(ds.uid), file, `${ds.name}: needs a uid of its own`)) continue;
      datasources.set(ds.uid, ds);
      const { scheme, host, port } = hostPort(ds.url);
      check(scheme === 'http', where, `url ${ds.url} is not http://<service>:<port>`);
      if (ds.type === 'prometheus') {
        check(
          host === tools.prometheus?.name && port === prometheusPort,
          where,
          `url ${ds.url}: Prometheus is ${tools.prometheus?.name}:${prometheusPort}`,
        );
        const interval = ds.jsonData?.timeInterval;
        check(
          !interval || !scrapeInterval || interval === scrapeInterval,
          where,
          `timeInterval ${interval} is not the scrape interval ${scrapeInterval}`,
        );
      } else if (ds.type === 'jaeger') {
        check(
          host === tools.jaeger?.name && port === JAEGER_PORTS.ui,
          where,
          `url ${ds.url}: Jaeger's query API is ${tools.jaeger?.name}:${JAEGER_PORTS.ui}`,
        );
      } else check(false, where, `type ${ds.type}: only prometheus and jaeger datasources are provisioned here`);
    }
  }
  for (const type of ['prometheus', 'jaeger']) {
    check(
      [...datasources.values()].some((ds) => ds.type === type),
      path.join(provisioning, 'datasources'),
      `no ${type} datasource`,
    );
  }
}

const dashboardFiles = [];
if (provisioning) {
  const files = yamlFiles(path.join(provisioning, 'dashboards'));
  check(files.length, path.join(provisioning, 'dashboards'), 'provisions no dashboards');
  for (const file of files) {
    const doc = readYaml(file);
    if (doc === undefined) continue;
    check(doc?.apiVersion === 1, file, 'needs apiVersion: 1');
    for (const provider of doc?.providers ?? []) {
      if (
        !check(provider.type === 'file' && provider.options?.path, file, `${provider.name}: only file providers with options.path are read`)
      )
        continue;
      const dir = mounted(grafana, provider.options.path, `dashboards of provider ${provider.name}`);
      if (
        !dir ||
        !check(
          existsSync(dir) && statSync(dir).isDirectory(),
          file,
          `${provider.name}: ${provider.options.path} is not a mounted directory`,
        )
      )
        continue;
      const json = readdirSync(dir).filter((f) => f.endsWith('.json'));
      check(json.length, file, `${provider.name}: ${rel(dir)} holds no dashboards`);
      dashboardFiles.push(...json.map((f) => path.join(dir, f)));
    }
  }
  const home = grafana.env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
  if (home) {
    const file = mounted(grafana, home, 'GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH');
    check(file && existsSync(file), 'docker-compose.yml', `${grafana.name}: the home dashboard ${home} is not a mounted file`);
  }
}

const dashboardUids = new Set();
for (const file of dashboardFiles) {
  let dashboard;
  try {
    dashboard = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    check(false, file, `does not parse: ${error.message}`);
    continue;
  }
  check(dashboard.uid && !dashboardUids.has(dashboard.uid), file, `needs a uid of its own (${dashboard.uid})`);
  dashboardUids.add(dashboard.uid);
  check(dashboard.title, file, 'needs a title');
  const variables = new Set(GRAFANA_VARIABLES);
  for (const variable of dashboard.templating?.list ?? []) variables.add(variable.name);
  const checkDatasource = (where, datasource) => {
    if (datasource === undefined || datasource === null) return check(false, where, 'names no datasource (the default would be guessed)');
    const uid = typeof datasource === 'string' ? datasource : datasource.uid;
    if (BUILT_IN_DATASOURCES.has(uid) || (typeof datasource === 'object' && datasource.type === 'datasource')) return undefined;
    const ds = datasources.get(uid);
    if (!check(ds, where, `datasource uid ${uid} is not provisioned (${[...datasources.keys()].join(', ')})`)) return undefined;
    check(
      typeof datasource !== 'object' || !datasource.type || datasource.type === ds.type,
      where,
      `datasource ${uid} is a ${ds.type}, not ${datasource.type}`,
    );
    return ds;
  };
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const where = `${rel(file)}: variable ${variable.name}`;
    const ds = checkDatasource(where, variable.datasource);
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    const m = /^label_values\(\s*(?:(.*),\s*)?(\w+)\s*\)$/.exec(String(query ?? '').trim());
    if (ds?.type === 'prometheus' && check(m, where, `query ${query}: only label_values(...) is read by this check`)) {
      const analysis = m[1] ? checkQuery(where, m[1], { variables }) : undefined;
      const labels = analysis ? new Set(analysis.selectors.flatMap((s) => [...(series.get(s.metric)?.labels ?? [])])) : targetLabels;
      check(labels.has(m[2]) || !m[1], where, `label_values: the series have no label ${m[2]}`);
    }
  }
  const panelIds = new Set();
  const walk = (panels) => {
    for (const panel of panels ?? []) {
      const where = `${rel(file)}: panel "${panel.title}"`;
      check(Number.isInteger(panel.id) && !panelIds.has(panel.id), where, `needs an id of its own (${panel.id})`);
      panelIds.add(panel.id);
      check(isObject(panel.gridPos), where, 'needs a gridPos');
      if (panel.type === 'row') {
        walk(panel.panels);
        continue;
      }
      if (panel.type === 'text') continue;
      const panelDs = checkDatasource(where, panel.datasource);
      check((panel.targets ?? []).length, where, 'has no queries');
      for (const target of panel.targets ?? []) {
        const ds = target.datasource ? checkDatasource(`${where} ${target.refId}`, target.datasource) : panelDs;
        if (ds?.type !== 'prometheus') continue;
        const analysis =
          check(target.expr, `${where} ${target.refId}`, 'has no expr') &&
          checkQuery(`${where} ${target.refId}`, target.expr, { variables });
        if (!analysis) continue;
        for (const m of String(target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
          check(analysis.labels.has(m[1]), `${where} ${target.refId}`, `legend {{${m[1]}}}: the result has no label ${m[1]}`);
        }
      }
    }
  };
  walk(dashboard.panels);
}

// ---------------------------------------------------------------------------------------------------------------------
// The OpenTelemetry Collector: pipelines of defined components, reachable receivers, and an exporter to Jaeger.

const collector = tools.collector;
const collectorDefault = /contrib/.test(imageOf(collector?.service).repository)
  ? '/etc/otelcol-contrib/config.yaml'
  : '/etc/otelcol/config.yaml';
const collectorConfigPath = flag(collector?.service, '--config') ?? collectorDefault;
const collectorFile = collector && mounted(collector, collectorConfigPath, 'its --config');
const otel = collectorFile && existsSync(collectorFile) ? readYaml(collectorFile) : undefined;
if (collectorFile) check(existsSync(collectorFile), collectorFile, 'does not exist');
// Renamed in collector 0.144; the old names still load, with a warning at every start.
const RENAMED = { exporters: { otlp: 'otlp_grpc', otlphttp: 'otlp_http' } };
const collectorVersion = (imageOf(collector?.service).tag ?? '').split('.').map(Number);
const renamedApply = collectorVersion[0] > 0 || collectorVersion[1] >= 144;
let otlpHttpPort;
if (isObject(otel)) {
  const where = collectorFile;
  const kinds = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];
  const defined = Object.fromEntries(kinds.map((kind) => [kind, new Set(Object.keys(otel[kind] ?? {}))]));
  const used = Object.fromEntries(kinds.map((kind) => [kind, new Set()]));
  const typeOf = (id) => id.split('/')[0];
  const pipelines = otel.service?.pipelines ?? {};
  check(Object.keys(pipelines).length, where, 'service.pipelines is empty');
  for (const [id, pipeline] of Object.entries(pipelines)) {
    check(
      ['traces', 'metrics', 'logs', 'profiles'].includes(typeOf(id)),
      where,
      `pipeline ${id}: not a traces, metrics, logs or profiles pipeline`,
    );
    for (const kind of ['receivers', 'processors', 'exporters']) {
      const list = pipeline?.[kind] ?? [];
      if (kind !== 'processors') check(list.length, where, `pipeline ${id} has no ${kind}`);
      for (const component of list) {
        const isConnector = kind !== 'processors' && defined.connectors.has(component);
        check(
          defined[kind].has(component) || isConnector,
          where,
          `pipeline ${id}: ${kind.slice(0, -1)} ${component} is not defined under ${kind}`,
        );
        used[isConnector ? 'connectors' : kind].add(component);
      }
    }
  }
  for (const extension of otel.service?.extensions ?? []) {
    check(defined.extensions.has(extension), where, `service.extensions: ${extension} is not defined under extensions`);
    used.extensions.add(extension);
  }
  for (const kind of kinds) {
    for (const component of defined[kind])
      check(used[kind].has(component), where, `${kind.slice(0, -1)} ${component} is defined but used nowhere`);
    for (const component of defined[kind]) {
      const newer = RENAMED[kind]?.[typeOf(component)];
      check(!(newer && renamedApply), where, `${kind.slice(0, -1)} ${component}: the type is ${newer} since collector 0.144`);
    }
  }
  // The OTLP receiver: gRPC and HTTP on an address other containers reach (the default is localhost).
  const receiverPorts = [];
  for (const id of [...defined.receivers].filter((r) => typeOf(r) === 'otlp')) {
    for (const [protocol, port] of [
      ['grpc', JAEGER_PORTS.otlpGrpc],
      ['http', JAEGER_PORTS.otlpHttp],
    ]) {
      const endpoint = otel.receivers[id]?.protocols?.[protocol]?.endpoint;
      const address = hostPort(endpoint);
      const reachable = check(
        endpoint && ['0.0.0.0', '', '[::]'].includes(address.host),
        where,
        `receiver ${id}: protocols.${protocol}.endpoint ${endpoint ?? '(default: localhost)'} is not reachable from other containers; use 0.0.0.0:${port}`,
      );
      if (reachable) receiverPorts.push(address.port);
      if (reachable && protocol === 'http') otlpHttpPort = address.port;
    }
  }
  check(receiverPorts.length, where, 'no otlp receiver');
  for (const { container } of publishedTargets(collector.service)) {
    check(
      receiverPorts.includes(container),
      where,
      `docker-compose.yml publishes ${collector.name}:${container}, where no receiver listens`,
    );
  }
  // Traces go to Jaeger over OTLP.
  const traceExporters = Object.entries(pipelines)
    .filter(([id]) => typeOf(id) === 'traces')
    .flatMap(([, p]) => p?.exporters ?? [])
    .filter((id) => ['otlp_grpc', 'otlp', 'otlp_http', 'otlphttp'].includes(typeOf(id)));
  check(traceExporters.length, where, 'no traces pipeline exports over OTLP');
  const toJaeger = traceExporters.filter((id) => {
    const config = otel.exporters?.[id] ?? {};
    const grpc = ['otlp_grpc', 'otlp'].includes(typeOf(id));
    const { scheme, host, port } = hostPort(config.endpoint);
    const expected = grpc ? JAEGER_PORTS.otlpGrpc : JAEGER_PORTS.otlpHttp;
    if (host !== tools.jaeger?.name) return false;
    check(port === expected, where, `exporter ${id}: Jaeger takes OTLP ${grpc ? 'gRPC' : 'HTTP'} on ${tools.jaeger?.name}:${expected}`);
    if (grpc)
      check(
        scheme === 'https' || config.tls?.insecure === true,
        where,
        `exporter ${id}: Jaeger speaks plain gRPC here; set tls.insecure: true`,
      );
    else check(scheme === 'http', where, `exporter ${id}: endpoint should be http://${tools.jaeger?.name}:${expected}`);
    return true;
  });
  check(toJaeger.length, where, `no traces exporter sends to ${tools.jaeger?.name ?? 'Jaeger'}`);
} else if (otel !== undefined) check(false, collectorFile, 'is not a mapping');

// Jaeger: all-in-one with its built-in configuration, listening where the collector and Grafana reach it.
if (tools.jaeger) {
  check(!flag(tools.jaeger.service, '--config'), 'docker-compose.yml', `${tools.jaeger.name}: its own --config is not read by this check`);
  const listen = tools.jaeger.env.JAEGER_LISTEN_HOST;
  check(
    listen === undefined || listen === '0.0.0.0',
    'docker-compose.yml',
    `${tools.jaeger.name}: JAEGER_LISTEN_HOST ${listen} hides it from the other containers`,
  );
}
for (const [role, ports] of [
  ['prometheus', [prometheusPort]],
  ['grafana', [Number(grafana?.env.GF_SERVER_HTTP_PORT ?? 3000)]],
  ['jaeger', Object.values(JAEGER_PORTS)],
]) {
  for (const { container } of publishedTargets(tools[role]?.service)) {
    check(ports.includes(container), 'docker-compose.yml', `${tools[role].name}: publishes ${container}, where it does not listen`);
  }
}

// The tools run beside the plain stack, so none may take a host port one of its services publishes (3000 is the storefront's).
const stackPorts = new Map(
  Object.entries(services)
    .filter(([, service]) => !service.profiles?.length)
    .flatMap(([name, service]) => publishedTargets(service).map(({ host }) => [host, name])),
);
for (const tool of Object.values(tools)) {
  for (const { host } of publishedTargets(tool.service)) {
    check(
      !stackPorts.has(host),
      'docker-compose.yml',
      `${tool.name}: publishes host port ${host}, which ${stackPorts.get(host)} publishes too`,
    );
  }
}

// How to turn traces on, as the README and the compose file say it: the collector's OTLP HTTP receiver.
for (const file of ['README.md', 'docker-compose.yml']) {
  const mentions = [...read(file).matchAll(/OTEL_EXPORTER_OTLP_ENDPOINT\s*[=:]\s*['"]?([a-z]+:\/\/[^\s'"`)]+)/g)].map((m) => m[1]);
  check(mentions.length, file, 'does not say how to send traces (OTEL_EXPORTER_OTLP_ENDPOINT=http://<collector>:<port>)');
  for (const url of mentions) {
    const { scheme, host, port } = hostPort(url);
    const published = publishedTargets(collector?.service).find((p) => p.container === otlpHttpPort)?.host;
    const ok =
      scheme === 'http' &&
      ((host === collector?.name && port === otlpHttpPort) || (['127.0.0.1', 'localhost'].includes(host) && port === published));
    check(ok, file, `OTEL_EXPORTER_OTLP_ENDPOINT=${url}: the collector takes OTLP HTTP at http://${collector?.name}:${otlpHttpPort}`);
  }
}

if (problems.length) {
  console.error(`${rel(checkedRoot)}/ disagrees with docker-compose.yml or the code:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`monitoring: ${checks} checks passed (${families.size} metric families from the code, ${jobNames.length} scrape jobs)`);
