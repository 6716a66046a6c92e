// No cluster, kubectl or kustomize binary here, so deploy/ is kept honest by rendering every kustomization
// (scripts/lib/kustomize.mjs), validating each object against the Kubernetes and KEDA API schemas (kubernetes-models),
// and reading what a kustomization that is applied directly (a root: one no other kustomization includes) would run
// against the code: every variable a service cannot do without reaches it, from a Secret where it is a secret, and no
// secret reaches a service that must not hold it; probes, ports, Services and URLs agree; autoscalers, disruption budgets,
// migrations and network policies are there and allow the calls the code makes and nothing more.
//
// Usage: node scripts/check-deploy.mjs [dir ...]   (default: deploy). A secretGenerator's env file that is not there
// (real secrets stay out of git) is read from its `.env.example` beside it, whose values must be placeholders.
import { Buffer } from 'node:buffer';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KustomizeError, readKustomization, renderKustomization } from './lib/kustomize.mjs';
import {
  BROWSER_ADDRESSES,
  HELD_ONLY_BY,
  LOOPBACK,
  NODE_SERVICES,
  parseDockerfile,
  read,
  readEnvModels,
  root,
  SHARED,
} from './lib/service-env.mjs';

const problems = [];
let checks = 0;
const check = (ok, message) => {
  checks += 1;
  if (!ok && !problems.includes(message)) problems.push(message);
  return Boolean(ok);
};

const { models, problems: modelProblems } = readEnvModels();
problems.push(...modelProblems);
const dockerfile = parseDockerfile(read('Dockerfile'));
const WORKERS = { payment: 'PAYMENT_QUEUE', notification: 'NOTIFICATION_QUEUE' };
const SERVED = Object.keys(NODE_SERVICES).filter((name) => !WORKERS[name]);
// Paths a service writes to, so they must sit on a writable volume when the root filesystem is read-only.
const WRITTEN_DIRS = { MAIL_DIR: ['notification'], SMS_DIR: ['notification'] };
const SCHEME_PORTS = {
  'postgres:': 5432,
  'postgresql:': 5432,
  'redis:': 6379,
  'rediss:': 6379,
  'amqp:': 5672,
  'amqps:': 5671,
  'smtp:': 587,
  'smtps:': 465,
};
const WEB_PORTS = { 'http:': 80, 'https:': 443 };
// An http(s) URL whose variable names one of our services (CART_URL, USER_JWKS_URL) is a call inside the cluster; any
// other (SMS_HTTP_URL) is a provider outside it.
const calleeOf = (key) => /^([A-Z]+)_(?:JWKS_)?URL$/.exec(key)?.[1].toLowerCase();
// Browser addresses (CORS_ORIGINS: pages allowed to call us) are never called by the service.
const isExternalWebUrl = (key, url) =>
  Boolean(WEB_PORTS[url.protocol]) && !NODE_SERVICES[calleeOf(key)] && !BROWSER_ADDRESSES.includes(key);
const PLACEHOLDER = /REPLACE_ME/;
// The gateway calls each subgraph at its supergraph URL unless told otherwise; loopback ones must be overridden.
const gatewayNeeds = [...read('schema/supergraph.graphql').matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)]
  .filter((m) => LOOPBACK.test(m[2]))
  .map((m) => `${m[1].toUpperCase()}_URL`);

const rel = (file) => path.relative(root, file) || '.';
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------------------------------
// Schemas: each object against its kind's model class.

const MODEL_MODULES = { 'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1' };
const modelModules = new Map();
async function modelClass(apiVersion, kind) {
  const specifier = MODEL_MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`;
  if (!modelModules.has(specifier)) modelModules.set(specifier, await import(specifier).catch(() => undefined));
  const model = modelModules.get(specifier)?.[kind];
  return model?.kind === kind && model?.apiVersion === apiVersion ? model : undefined;
}

async function validateSchema(where, object) {
  const id = `${object.kind}/${object.metadata?.name}`;
  if (!check(object.apiVersion && object.kind, `${where}: an object without apiVersion or kind`)) return;
  check(object.metadata?.name, `${where}: ${object.kind} without metadata.name`);
  const Model = await modelClass(object.apiVersion, object.kind);
  if (!check(Model, `${where}: ${id}: no schema for ${object.apiVersion} ${object.kind}`)) return;
  try {
    new Model(object).validate();
    checks += 1;
  } catch (error) {
    check(false, `${where}: ${id}: ${error.message.replaceAll('data/', '')}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Rendering: every kustomization below a directory; roots are the ones no other includes.

function kustomizationDirs(dir) {
  const found = [];
  const walk = (current) => {
    const entries = readdirSync(current, { withFileTypes: true });
    if (entries.some((entry) => ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].includes(entry.name))) found.push(current);
    for (const entry of entries) if (entry.isDirectory() && entry.name !== 'node_modules') walk(path.join(current, entry.name));
  };
  walk(dir);
  return found;
}

const usedExamples = new Set();
function readWithExamples(file) {
  if (existsSync(file) || !existsSync(`${file}.example`)) return readFileSync(file, 'utf8');
  usedExamples.add(`${file}.example`);
  return readFileSync(`${file}.example`, 'utf8');
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading a rendering.

const nsOf = (object) => object.metadata?.namespace ?? 'default';
const find = (objects, kind, name, namespace) => objects.find((o) => o.kind === kind && o.metadata?.name === name && nsOf(o) === namespace);

function selects(selector, labels) {
  if (!isObject(selector)) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(labels[key]);
    if (operator === 'NotIn') return !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    return !(key in labels);
  });
  return byLabels && byExpressions;
}

function secretData(secret) {
  const data = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]),
  );
  return { ...data, ...secret.stringData };
}

/** Every variable the container gets, with where it comes from; references to what is not rendered are problems. */
function environmentOf(container, namespace, objects, where) {
  const env = new Map();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = ref && find(objects, kind, ref.name, namespace);
    if (!check(object || ref?.optional, `${where}: envFrom ${kind} ${ref?.name}, which is not in the rendering`)) continue;
    const data = object ? (kind === 'Secret' ? secretData(object) : (object.data ?? {})) : {};
    for (const [key, value] of Object.entries(data)) {
      const name = `${source.prefix ?? ''}${key}`;
      check(!env.has(name), `${where}: ${name} comes from ${env.get(name)?.source} and ${kind} ${ref.name}; the last one wins, unseen`);
      env.set(name, { value, from: kind, source: `${kind} ${ref.name}` });
    }
  }
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef ?? entry.valueFrom?.configMapKeyRef;
    if (ref) {
      const kind = entry.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
      const object = find(objects, kind, ref.name, namespace);
      const data = object ? (kind === 'Secret' ? secretData(object) : (object.data ?? {})) : {};
      if (
        !check(
          ref.key in data || ref.optional,
          `${where}: ${entry.name} refers to ${kind} ${ref.name} key ${ref.key}, which is not rendered`,
        )
      )
        continue;
      env.set(entry.name, { value: data[ref.key], from: kind, source: `${kind} ${ref.name}` });
    } else if (entry.valueFrom) env.set(entry.name, { value: undefined, from: 'field', source: 'a field of the pod' });
    else env.set(entry.name, { value: entry.value ?? '', from: 'literal', source: 'the manifest' });
  }
  return env;
}

const parseUrl = (value) => {
  try {
    return /^[a-z][a-z0-9+.-]*:\/\//.test(value ?? '') ? new URL(value) : undefined;
  } catch {
    return undefined;
  }
};

/** A workload's main container (named after the service, or the only one) and what it is. */
function workloadsOf(objects, where) {
  const workloads = [];
  for (const object of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
    const template = object.spec?.template ?? {};
    const labels = template.metadata?.labels ?? {};
    const service = labels['app.kubernetes.io/name'];
    const migration = object.kind === 'Job';
    const id = `${object.kind}/${object.metadata?.name}`;
    if (!check(NODE_SERVICES[service], `${where}: ${id}: its pods' app.kubernetes.io/name (${service}) is not one of the services`))
      continue;
    if (migration && !check(labels['app.kubernetes.io/component'] === 'migration', `${where}: ${id}: a Job that is not a migration`))
      continue;
    const containers = template.spec?.containers ?? [];
    const container = containers.find((c) => c.name === service) ?? (containers.length === 1 ? containers[0] : undefined);
    if (!check(container, `${where}: ${id}: no container named ${service}`)) continue;
    workloads.push({ object, id, service, migration, labels, pod: template.spec, container, namespace: nsOf(object) });
  }
  return workloads;
}

// ---------------------------------------------------------------------------------------------------------------------
// What one workload needs.

function checkEnvironment(where, workload, env) {
  const { service, container, pod } = workload;
  const model = models[service];
  if (!model) return;
  const needed = new Set(model.requiredInProduction);
  for (const [key, v] of model.vars) if (!v.defaulted || v.loopbackDefault) needed.add(key);
  if (service === 'gateway') for (const key of gatewayNeeds) needed.add(key);
  for (const key of needed) {
    const why = model.requiredInProduction.has(key)
      ? 'is required in production'
      : model.vars.get(key)?.loopbackDefault
        ? 'defaults to a loopback address, which in a pod is the pod itself'
        : gatewayNeeds.includes(key)
          ? "falls back to the supergraph's loopback URL"
          : 'has no default';
    check(env.has(key), `${where}: ${key} is not provided, and it ${why}`);
  }
  for (const [key, { source }] of env) {
    check(model.vars.has(key), `${where}: gets ${key} from ${source}, which ${model.file} does not read`);
    const holders = HELD_ONLY_BY[key];
    check(!holders || holders.includes(service), `${where}: must not hold ${key} (only ${holders?.join(', ')} may)`);
  }
  for (const key of [...model.requiredInProduction, ...Object.keys(HELD_ONLY_BY)]) {
    const given = env.get(key);
    check(!given || given.from === 'Secret', `${where}: ${key} is a secret, but comes from ${given?.source}; use a Secret`);
  }
  for (const [key, { value, from, source }] of env) {
    const url = parseUrl(value);
    check(from === 'Secret' || !url?.password, `${where}: ${key} carries a password in ${source}; credentials belong in a Secret`);
  }
  check(
    env.get('NODE_ENV')?.value === 'production',
    `${where}: NODE_ENV is ${env.get('NODE_ENV')?.value ?? 'not set'}, expected production`,
  );
  for (const [key, services] of Object.entries(WRITTEN_DIRS)) {
    if (workload.migration || !services.includes(service) || !model.vars.has(key)) continue;
    const dir = env.get(key)?.value;
    const mounted = (container.volumeMounts ?? []).some(
      (m) => !m.readOnly && dir && (dir === m.mountPath || dir.startsWith(`${m.mountPath}/`)),
    );
    check(mounted, `${where}: ${key} (${dir ?? 'its default, under the image'}) is written to, but no writable volume is mounted there`);
  }
  // Service links inject <SERVICE>_PORT=tcp://… for every Service in the namespace; some of those are port variables here.
  if (pod?.enableServiceLinks !== false) {
    const clash = [...model.vars.keys()].find(
      (key) => /^[A-Z]+_(PORT|SERVICE_HOST|SERVICE_PORT)$/.test(key) && NODE_SERVICES[key.split('_')[0].toLowerCase()],
    );
    check(!clash, `${where}: enableServiceLinks is not false, so the Service links would set ${clash} to tcp://…`);
  }
}

function checkPodHardening(where, { pod, container }) {
  const podSecurity = pod?.securityContext ?? {};
  const security = { ...podSecurity, ...container.securityContext };
  check(security.runAsNonRoot === true, `${where}: runAsNonRoot is not true`);
  check(
    Number.isInteger(security.runAsUser) && security.runAsUser > 0,
    `${where}: runAsUser is not a non-zero number (the image's user "node" is a name the kubelet cannot verify as non-root)`,
  );
  check(container.securityContext?.readOnlyRootFilesystem === true, `${where}: readOnlyRootFilesystem is not true`);
  check(container.securityContext?.allowPrivilegeEscalation === false, `${where}: allowPrivilegeEscalation is not false`);
  check((container.securityContext?.capabilities?.drop ?? []).includes('ALL'), `${where}: capabilities do not drop ALL`);
  check(security.seccompProfile?.type === 'RuntimeDefault', `${where}: no RuntimeDefault seccomp profile`);
  check(pod?.automountServiceAccountToken === false, `${where}: mounts a service account token it has no use for`);
  const resources = container.resources ?? {};
  for (const key of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) {
    const [group, name] = key.split('.');
    check(resources[group]?.[name] !== undefined, `${where}: no resources.${key}`);
  }
}

function listenPort(service, env) {
  const spec = NODE_SERVICES[service];
  const given = spec.portVars.map((key) => env.get(key)?.value).find((value) => value !== undefined);
  return Number(given ?? models[service]?.vars.get(spec.portVars.at(-1))?.defaultValue ?? spec.port);
}

function resolvePort(port, container) {
  return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}

function checkProbes(where, { container }, port) {
  check(
    (container.ports ?? []).some((p) => p.containerPort === port),
    `${where}: does not declare containerPort ${port}, where it listens`,
  );
  for (const [probe, pathname] of [
    ['readinessProbe', '/ready'],
    ['livenessProbe', '/health'],
  ]) {
    const get = container[probe]?.httpGet;
    if (!check(get, `${where}: no ${probe} (httpGet ${pathname})`)) continue;
    check(get.path === pathname, `${where}: ${probe} asks ${get.path}, expected ${pathname}`);
    check(resolvePort(get.port, container) === port, `${where}: ${probe} asks port ${get.port}, but it listens on ${port}`);
  }
  const startup = container.startupProbe?.httpGet;
  if (startup) check(startup.path === '/health', `${where}: startupProbe asks ${startup.path}, expected /health`);
}

function checkImage(where, { service, container, migration }) {
  const repository = /^(.+?)(?::[\w][\w.-]*)?(?:@.+)?$/.exec(container.image ?? '')?.[1] ?? '';
  const base = repository
    .split('/')
    .at(-1)
    .replace(/^shop-/, '');
  check(base === service, `${where}: image ${container.image} is not the ${service} image (built with --target ${service})`);
  const chain = dockerfile.chain(service);
  if (!check(chain.length, `${where}: the Dockerfile has no "${service}" target`)) return;
  if (migration) {
    const command = [...(container.command ?? []), ...(container.args ?? [])];
    const script = `${NODE_SERVICES[service].dir}/dist/src/db.js`;
    check(
      command[0] === 'node' && command[1] === script && ['setup', 'migrate'].includes(command[2]),
      `${where}: runs "${command.join(' ')}", expected node ${script} setup (or migrate)`,
    );
    const copied = chain.some((stage) =>
      stage.lines.some((line) => /^COPY\s/i.test(line) && line.includes(`${NODE_SERVICES[service].dir}/dist/src`)),
    );
    check(copied, `${where}: the ${service} image does not hold ${script}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Network policies: who may reach whom, evaluated the way the API defines it (a pod selected by no policy of a type
// is open for that type; otherwise some rule of some selecting policy must allow the peer and the port).

const KUBE_DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [] };
const namespaceLabels = (namespace) => ({ 'kubernetes.io/metadata.name': namespace });

function peerMatches(peer, other, policyNamespace) {
  if (peer.ipBlock) return other.external === true;
  if (other.external) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(other.namespace))
    : other.namespace === policyNamespace;
  return namespaceOk && (!peer.podSelector || selects(peer.podSelector, other.labels));
}

function portMatches(rulePorts, port, protocol, target) {
  if (!rulePorts?.length) return true;
  return rulePorts.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : target.ports?.find((named) => named.name === p.port)?.containerPort;
    return number !== undefined && port >= number && port <= (p.endPort ?? number);
  });
}

function allowedBy(policies, pod, direction, other, port, protocol, target) {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const selecting = policies.filter((policy) => {
    const types = policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return nsOf(policy) === pod.namespace && types.includes(type) && selects(policy.spec?.podSelector ?? {}, pod.labels);
  });
  if (!selecting.length) return true;
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  return selecting.some((policy) =>
    (policy.spec?.[direction] ?? []).some(
      (rule) =>
        (!rule[peersKey]?.length || rule[peersKey].some((peer) => peerMatches(peer, other, nsOf(policy)))) &&
        portMatches(rule.ports, port, protocol, target),
    ),
  );
}

function reachable(policies, from, to, port, protocol = 'TCP') {
  const egress = from.external || allowedBy(policies, from, 'egress', to, port, protocol, to);
  // kube-dns's own policies are not ours to read.
  const ingress = to.external || to === KUBE_DNS || allowedBy(policies, to, 'ingress', from, port, protocol, to);
  return egress && ingress;
}

// ---------------------------------------------------------------------------------------------------------------------
// A root: what `kubectl apply -k` of it would run.

function checkRoot(where, objects, migrationJobs) {
  const workloads = workloadsOf(objects, where);
  for (const configMap of objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const [key, value] of Object.entries(configMap.data ?? {})) {
      check(
        !parseUrl(value)?.password,
        `${where}: ConfigMap ${configMap.metadata?.name}: ${key} carries a password; credentials belong in a Secret`,
      );
    }
  }
  const deployments = workloads.filter((w) => !w.migration);
  const resolved = new Map();
  for (const workload of workloads) {
    const at = `${where}: ${workload.id}`;
    const env = environmentOf(workload.container, workload.namespace, objects, at);
    resolved.set(workload, env);
    checkEnvironment(at, workload, env);
    checkPodHardening(at, workload);
    checkImage(at, workload);
    if (workload.migration) {
      check(['Never', 'OnFailure'].includes(workload.pod?.restartPolicy), `${at}: restartPolicy must be Never or OnFailure`);
      check(workload.object.spec?.backoffLimit !== undefined, `${at}: no backoffLimit`);
    }
  }
  // Every pod: DNS, and the outside only on the ports of what it is configured to use.
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const outside = { external: true };
  for (const workload of workloads) {
    const pod = { namespace: workload.namespace, labels: workload.labels, ports: workload.container.ports ?? [] };
    const at = `${where}: ${workload.id}`;
    check(reachable(policies, pod, KUBE_DNS, 53, 'UDP'), `${at}: network policies stop its DNS lookups (kube-dns, 53/UDP)`);
    for (const [key, { value }] of resolved.get(workload)) {
      const url = parseUrl(value);
      const external = url && isExternalWebUrl(key, url);
      if (!url || !(SCHEME_PORTS[url.protocol] || external) || !models[workload.service]?.vars.has(key)) continue;
      if (workload.migration && !key.endsWith('_DATABASE_URL')) continue;
      const port = Number(url.port || SCHEME_PORTS[url.protocol] || WEB_PORTS[url.protocol]);
      check(reachable(policies, pod, outside, port), `${at}: network policies stop it from reaching ${key}'s port ${port}`);
    }
    check(!reachable(policies, pod, outside, 9), `${at}: may reach any address outside the cluster on any port`);
  }
  // Default deny: a pod of the namespace that no policy names (a debug pod, a forgotten job) gets nowhere.
  const unnamed = { namespace: workloads[0]?.namespace ?? 'default', labels: {}, ports: [] };
  const closed = !reachable(policies, unnamed, outside, 9) && !reachable(policies, outside, unnamed, 9);
  check(!workloads.length || closed, `${where}: a pod no policy names may be reached or reach out: no default-deny policy`);
  if (!deployments.length) return;

  for (const service of Object.keys(NODE_SERVICES)) {
    const found = deployments.filter((w) => w.service === service);
    check(found.length === 1, `${where}: ${found.length} Deployments of ${service}, expected 1`);
  }

  const services = objects.filter((o) => o.kind === 'Service');
  const autoscalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const scaledObjects = objects.filter((o) => o.kind === 'ScaledObject');
  const shared = Object.fromEntries(SHARED.map((key) => [key, new Map()]));
  const pods = new Map(deployments.map((w) => [w, { namespace: w.namespace, labels: w.labels, ports: w.container.ports ?? [] }]));
  const edges = new Set();

  for (const workload of deployments) {
    const { service, object, namespace } = workload;
    const at = `${where}: ${workload.id}`;
    const env = resolved.get(workload);
    const port = listenPort(service, env);
    checkProbes(at, workload, port);
    for (const key of SHARED) if (env.get(key)?.value !== undefined) shared[key].set(service, env.get(key).value);

    // Migrations: a service that does not migrate itself has a Job that does, with the same image.
    if (
      models[service]?.vars.has('MIGRATE_ON_START') &&
      [...(models[service]?.vars.keys() ?? [])].some((key) => key.endsWith('_DATABASE_URL'))
    ) {
      const migrates = !['false', '0'].includes(env.get('MIGRATE_ON_START')?.value ?? 'true');
      check(!migrates, `${at}: MIGRATE_ON_START is not false, so every replica migrates as it starts; the migration Job does that`);
      const job = migrationJobs.find((w) => w.service === service);
      if (check(job, `${at}: no migration Job for ${service} in this kustomization or one directly below it`)) {
        check(
          job.container.image === workload.container.image,
          `${at}: image ${workload.container.image}, but its migration runs ${job.container.image}`,
        );
      }
    }

    // A Service in front of the gateway and each subgraph, selecting its pods and nothing else.
    const front = services.find((s) => s.metadata?.name === service && nsOf(s) === namespace);
    if (SERVED.includes(service) && check(front, `${at}: no Service named ${service}`)) {
      check(selects({ matchLabels: front.spec?.selector ?? {} }, workload.labels), `${at}: Service ${service} does not select its pods`);
      check(
        (front.spec?.ports ?? []).some((p) => resolvePort(p.targetPort ?? p.port, workload.container) === port),
        `${at}: Service ${service} does not forward to port ${port}`,
      );
      for (const other of [...workloads.filter((w) => w !== workload), ...migrationJobs]) {
        check(
          nsOf(other.object) !== namespace ||
            !Object.keys(front.spec?.selector ?? {}).length ||
            !selects({ matchLabels: front.spec.selector }, other.labels),
          `${at}: Service ${service} also selects the pods of ${other.id}`,
        );
      }
    }

    // Scaling: an HPA for the gateway and subgraphs, KEDA on the queue for the workers; never both, never replicas.
    const target = (ref) => ref?.name === object.metadata.name && (ref?.kind ?? 'Deployment') === 'Deployment';
    const hpas = autoscalers.filter((h) => nsOf(h) === namespace && target(h.spec?.scaleTargetRef));
    const scaled = scaledObjects.filter((s) => nsOf(s) === namespace && target(s.spec?.scaleTargetRef));
    if (hpas.length || scaled.length)
      check(object.spec?.replicas === undefined, `${at}: sets replicas, which each apply would reset under its autoscaler`);
    if (WORKERS[service]) {
      check(!hpas.length, `${at}: has a HorizontalPodAutoscaler besides KEDA's`);
      if (check(scaled.length === 1, `${at}: ${scaled.length} KEDA ScaledObjects, expected 1`)) {
        const spec = scaled[0].spec;
        const queue = env.get(WORKERS[service])?.value ?? models[service]?.vars.get(WORKERS[service])?.defaultValue;
        const trigger = (spec.triggers ?? []).find((t) => t.type === 'rabbitmq');
        if (check(trigger, `${at}: its ScaledObject has no rabbitmq trigger`)) {
          check(
            trigger.metadata?.queueName === queue,
            `${at}: KEDA watches queue ${trigger.metadata?.queueName}, but it consumes ${queue} (${WORKERS[service]})`,
          );
          const auth = find(
            objects,
            trigger.authenticationRef?.kind ?? 'TriggerAuthentication',
            trigger.authenticationRef?.name,
            namespace,
          );
          const host = (auth?.spec?.secretTargetRef ?? []).find((ref) => ref.parameter === 'host');
          const secret = host && find(objects, 'Secret', host.name, namespace);
          check(
            secret && host.key in secretData(secret),
            `${at}: the rabbitmq trigger's TriggerAuthentication ${trigger.authenticationRef?.name} does not take host from a rendered Secret key`,
          );
        }
        check(
          (spec.minReplicaCount ?? 0) >= 1,
          `${at}: KEDA may scale it to zero, which stops its outbox relay (and the mail sender) until a message arrives`,
        );
      }
    } else if (check(hpas.length === 1, `${at}: ${hpas.length} HorizontalPodAutoscalers, expected 1`)) {
      check(hpas[0].apiVersion === 'autoscaling/v2', `${at}: its autoscaler is ${hpas[0].apiVersion}, expected autoscaling/v2`);
    }
    const budgets = objects.filter(
      (o) => o.kind === 'PodDisruptionBudget' && nsOf(o) === namespace && selects(o.spec?.selector, workload.labels),
    );
    check(budgets.length === 1, `${at}: ${budgets.length} PodDisruptionBudgets select its pods, expected 1`);

    // URLs to our services: a Service that exists, on its port, in front of the service the variable names.
    for (const [key, { value }] of env) {
      if (BROWSER_ADDRESSES.includes(key)) continue;
      const url = parseUrl(value);
      if (!url || !['http:', 'https:'].includes(url.protocol) || isExternalWebUrl(key, url)) continue;
      const [host, hostNamespace = namespace] = url.hostname.replace(/\.svc(\.cluster\.local)?$/, '').split('.');
      const callee = calleeOf(key);
      const frontOf = services.find((s) => s.metadata?.name === host && nsOf(s) === hostNamespace);
      if (!check(frontOf, `${at}: ${key} points at ${url.hostname}, which is no Service in the rendering`)) continue;
      const servicePort = (frontOf.spec?.ports ?? []).find((p) => p.port === Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
      check(servicePort, `${at}: ${key} uses port ${url.port}, which Service ${host} does not expose`);
      const calleeWorkload = deployments.find(
        (w) => w.namespace === hostNamespace && selects({ matchLabels: frontOf.spec?.selector ?? {} }, w.labels),
      );
      if (callee && NODE_SERVICES[callee])
        check(calleeWorkload?.service === callee, `${at}: ${key} reaches ${calleeWorkload?.service ?? 'nothing'}, not ${callee}`);
      check(url.pathname === (key === 'USER_JWKS_URL' ? '/.well-known/jwks.json' : '/graphql'), `${at}: ${key} has path ${url.pathname}`);
      if (calleeWorkload && servicePort) {
        const podPort = resolvePort(servicePort.targetPort ?? servicePort.port, calleeWorkload.container);
        edges.add(`${service}>${calleeWorkload.service}`);
        check(
          reachable(policies, pods.get(workload), pods.get(calleeWorkload), podPort),
          `${at}: network policies stop it from reaching ${calleeWorkload.service}:${podPort}, which it calls (${key})`,
        );
      }
    }
  }

  for (const [key, values] of Object.entries(shared)) {
    const listed = [...values].map(([service, value]) => `${service}=${PLACEHOLDER.test(value) ? value : '…'}`).join(', ');
    check(
      new Set(values.values()).size <= 1,
      `${where}: ${key} differs between services (${listed}); tokens from one would be refused by another`,
    );
  }

  // Network policies: nothing else among our pods, nothing from outside but the gateway, and the outside only on
  // the ports of the services each one is configured to use.
  if (!check(policies.length, `${where}: no NetworkPolicies: every pod may reach every other`)) return;
  const stranger = { namespace: deployments[0].namespace, labels: {}, ports: [] };
  for (const callee of deployments.filter((w) => SERVED.includes(w.service))) {
    const port = listenPort(callee.service, resolved.get(callee));
    for (const caller of deployments.filter((w) => w !== callee)) {
      if (edges.has(`${caller.service}>${callee.service}`)) continue;
      check(
        !reachable(policies, pods.get(caller), pods.get(callee), port),
        `${where}: ${caller.service} may reach ${callee.service}:${port}, which it never calls`,
      );
    }
    const open = callee.service === 'gateway';
    for (const [who, from] of [
      ['any address outside the cluster', outside],
      ['any other pod of the namespace', stranger],
    ]) {
      // Ingress alone: whether the caller's own egress lets it out is that caller's business.
      const admitted = allowedBy(policies, pods.get(callee), 'ingress', from, port, 'TCP', pods.get(callee));
      check(admitted === open, `${where}: ${callee.service} ${open ? 'does not admit' : 'admits'} ${who} on port ${port}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------

const targets = (process.argv.length > 2 ? process.argv.slice(2) : ['deploy']).map((dir) => path.resolve(dir));
for (const target of targets) {
  if (!check(existsSync(target), `${rel(target)}: no such directory`)) continue;
  const dirs = kustomizationDirs(target);
  if (!check(dirs.length, `${rel(target)}: no kustomization.yaml`)) continue;
  const kinds = new Map();
  const included = new Set();
  for (const dir of dirs) {
    try {
      const kustomization = readKustomization(dir, readWithExamples);
      kinds.set(dir, kustomization.kind);
      for (const entry of [...(kustomization.resources ?? []), ...(kustomization.components ?? [])]) included.add(path.resolve(dir, entry));
    } catch (error) {
      check(false, error instanceof KustomizeError ? error.message.replaceAll(`${root}/`, '') : String(error));
    }
  }
  const renders = new Map();
  for (const dir of dirs.filter((d) => kinds.get(d) === 'Kustomization')) {
    try {
      const objects = renderKustomization(dir, { readFile: readWithExamples });
      renders.set(dir, objects);
      for (const object of objects) await validateSchema(rel(dir), object);
    } catch (error) {
      check(false, error instanceof KustomizeError ? error.message.replaceAll(`${root}/`, '') : `${rel(dir)}: ${error}`);
    }
  }
  const roots = [...renders.keys()].filter((dir) => !included.has(dir));
  check(roots.length, `${rel(target)}: every kustomization is included by another; nothing is applied directly`);
  for (const dir of roots) {
    // A root's migrations: its own Jobs, or those of a kustomization directly below it (overlays/x/migrate).
    const migrationJobs = roots
      .filter((other) => other === dir || path.dirname(other) === dir)
      .flatMap((other) => workloadsOf(renders.get(other), rel(other)).filter((w) => w.migration));
    checkRoot(rel(dir), renders.get(dir), migrationJobs);
  }
}
for (const example of usedExamples) {
  for (const line of readFileSync(example, 'utf8').split('\n')) {
    const m = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) check(PLACEHOLDER.test(m[2]), `${rel(example)}: ${m[1]} is not a placeholder (REPLACE_ME); examples are committed`);
  }
}

if (problems.length) {
  console.error(`Kubernetes manifests disagree with the API schemas or the code:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
const note = usedExamples.size ? ` (secrets from ${usedExamples.size} .env.example placeholder files)` : '';
console.log(`deploy: ${checks} checks passed${note}`);
