// A renderer for the small part of Kustomize that deploy/ uses, so `npm run check` can validate what
// `kubectl apply -k` would send without a kustomize binary (none installs here, and no npm package renders it).
// Anything outside this subset is refused by name rather than ignored, so a manifest never means one thing to
// kubectl and another to the check:
//   resources     files (multi-document YAML) and directories holding a kustomization; no URLs
//   components    directories holding a `kind: Component`, applied to what has been accumulated so far
//   namespace     set on every namespaced object
//   labels        `pairs` on every object's metadata, and with `includeTemplates` on pod templates; `includeSelectors`
//                 is refused (selectors are immutable: changing them breaks the next apply)
//   images        name -> newName / newTag / digest, on containers and initContainers of pod templates
//   patches       strategic-merge patches (`path:` or inline `patch:`, one document each) matched by their own kind and name;
//                 no `target:`, no JSON 6902; lists merge by Kubernetes' merge keys for pod specs, others are replaced;
//                 `null` removes a field, `$patch: delete` a list item
//   configMapGenerator / secretGenerator
//                 `envs` (KEY=VALUE lines, `#` comments, the value taken as written) and `literals`; behavior create;
//                 generatorOptions.disableNameSuffixHash must be true (no hashed names, so no name references to rewrite)
// Kustomize's order is followed: resources, components, generators, then patches, namespace, labels, images.
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export class KustomizeError extends Error {
  name = 'KustomizeError';
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'namespace',
  'labels',
  'images',
  'patches',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);
// Kinds that live outside any namespace (the ones a shop's manifests could plausibly hold).
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ClusterTriggerAuthentication',
]);
// Strategic-merge keys of the pod-spec lists; `ports` is keyed by containerPort in a container, by port in a Service.
const MERGE_KEYS = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const idOf = (object) => `${object.kind}/${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;

function kustomizationFile(dir) {
  const file = KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  return file;
}

function parseYaml(text, file) {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length) throw new KustomizeError(`${file}: ${document.errors[0].message}`);
    const value = document.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

/** The kustomization in `dir`, with its kind checked and unsupported fields refused. */
export function readKustomization(dir, readFile = (file) => readFileSync(file, 'utf8')) {
  const file = kustomizationFile(dir);
  const [kustomization = {}] = parseYaml(readFile(file), file);
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length) throw new KustomizeError(`${file}: ${unsupported.join(', ')} not supported by scripts/lib/kustomize.mjs`);
  return { file, kind: kustomization.kind ?? 'Kustomization', ...kustomization };
}

/** Strategic merge of `patch` into `base` (both plain data); returns the merged value. */
export function strategicMerge(base, patch, field = '') {
  if (isObject(base) && isObject(patch)) {
    const merged = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new KustomizeError(`patch directive ${key} is not supported (only $patch: delete in list items)`);
      if (value === null) delete merged[key];
      else merged[key] = key in base ? strategicMerge(base[key], value, key) : value;
    }
    return merged;
  }
  const mergeKey = MERGE_KEYS[field];
  if (Array.isArray(base) && Array.isArray(patch) && mergeKey) {
    const merged = [...base];
    for (const item of patch) {
      if (!isObject(item)) return patch;
      const key = typeof mergeKey === 'function' ? mergeKey(item) : mergeKey;
      const index = merged.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
      const { $patch, ...rest } = item;
      if ($patch === 'delete') {
        if (index >= 0) merged.splice(index, 1);
      } else if ($patch !== undefined) throw new KustomizeError(`$patch: ${$patch} is not supported`);
      else if (index >= 0) merged[index] = strategicMerge(merged[index], rest, '');
      else merged.push(rest);
    }
    return merged;
  }
  return patch;
}

function parseEnvFile(text, file) {
  const pairs = [];
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trimStart();
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new KustomizeError(`${file}:${n + 1}: expected KEY=VALUE (taking a value from the environment is not supported)`);
    pairs.push([line.slice(0, at), line.slice(at + 1)]);
  }
  return pairs;
}

function generate(kustomization, dir, readFile) {
  const generators = [
    ...(kustomization.configMapGenerator ?? []).map((spec) => ({ kind: 'ConfigMap', spec })),
    ...(kustomization.secretGenerator ?? []).map((spec) => ({ kind: 'Secret', spec })),
  ];
  if (generators.length && kustomization.generatorOptions?.disableNameSuffixHash !== true) {
    throw new KustomizeError(`${kustomization.file}: set generatorOptions.disableNameSuffixHash: true (hashed names are not supported)`);
  }
  return generators.map(({ kind, spec }) => {
    const unsupported = Object.keys(spec).filter((key) => !['name', 'envs', 'literals', 'type', 'behavior', 'options'].includes(key));
    if (unsupported.length)
      throw new KustomizeError(`${kustomization.file}: ${kind} generator ${spec.name}: ${unsupported.join(', ')} not supported`);
    if ((spec.behavior ?? 'create') !== 'create')
      throw new KustomizeError(`${kustomization.file}: generator behavior ${spec.behavior} is not supported`);
    const pairs = [
      ...(spec.envs ?? []).flatMap((env) => {
        const file = path.resolve(dir, env);
        if (path.relative(dir, file).startsWith('..'))
          throw new KustomizeError(`${kustomization.file}: ${env} is outside the kustomization's directory`);
        return parseEnvFile(readFile(file), file);
      }),
      ...(spec.literals ?? []).map((literal) => {
        const at = literal.indexOf('=');
        if (at <= 0) throw new KustomizeError(`${kustomization.file}: literal "${literal}" is not KEY=VALUE`);
        return [literal.slice(0, at), literal.slice(at + 1).replace(/^(['"])(.*)\1$/, '$2')];
      }),
    ];
    const data = {};
    for (const [key, value] of pairs) {
      if (key in data) throw new KustomizeError(`${kustomization.file}: ${kind} ${spec.name} gets ${key} twice`);
      data[key] = kind === 'Secret' ? Buffer.from(value).toString('base64') : value;
    }
    const options = { ...kustomization.generatorOptions, ...spec.options };
    const metadata = { name: spec.name };
    if (options.labels) metadata.labels = { ...options.labels };
    if (options.annotations) metadata.annotations = { ...options.annotations };
    return { apiVersion: 'v1', kind, metadata, ...(kind === 'Secret' ? { type: spec.type ?? 'Opaque' } : {}), data };
  });
}

function podTemplates(object) {
  return [object.spec?.template, object.spec?.jobTemplate?.spec?.template].filter(isObject);
}

function transform(kustomization, dir, objects, readFile) {
  let result = objects;
  for (const entry of kustomization.patches ?? []) {
    if (entry.target)
      throw new KustomizeError(`${kustomization.file}: patches with target are not supported (name the object in the patch)`);
    const source = entry.path ? path.resolve(dir, entry.path) : kustomization.file;
    const documents = parseYaml(entry.path ? readFile(source) : entry.patch, source);
    // As in kustomize: a `patches` entry is one patch (several documents need patchesStrategicMerge).
    if (documents.length !== 1) throw new KustomizeError(`${source}: a patch holds ${documents.length} documents; give each its own entry`);
    for (const patch of documents) {
      const matches = result.filter((object) => object.kind === patch.kind && object.metadata?.name === patch.metadata?.name);
      if (matches.length !== 1)
        throw new KustomizeError(`${source}: patch for ${patch.kind}/${patch.metadata?.name} matches ${matches.length} objects`);
      result = result.map((object) => (object === matches[0] ? strategicMerge(object, patch) : object));
    }
  }
  if (kustomization.namespace) {
    result = result.map((object) =>
      CLUSTER_SCOPED.has(object.kind) ? object : { ...object, metadata: { ...object.metadata, namespace: kustomization.namespace } },
    );
  }
  for (const label of kustomization.labels ?? []) {
    if (label.includeSelectors) throw new KustomizeError(`${kustomization.file}: labels with includeSelectors are not supported`);
    result = result.map((object) => {
      const labelled = strategicMerge(object, { metadata: { labels: label.pairs } });
      if (label.includeTemplates) {
        for (const template of podTemplates(labelled)) template.metadata = strategicMerge(template.metadata ?? {}, { labels: label.pairs });
      }
      return labelled;
    });
  }
  for (const image of kustomization.images ?? []) {
    result = result.map((object) => {
      const copy = JSON.parse(JSON.stringify(object));
      for (const template of podTemplates(copy)) {
        for (const container of [...(template.spec?.containers ?? []), ...(template.spec?.initContainers ?? [])]) {
          const m = /^(.+?)(?::([\w][\w.-]*))?(?:@(.+))?$/.exec(container.image ?? '');
          if (!m || m[1] !== image.name) continue;
          const name = image.newName ?? m[1];
          const tag = image.newTag ?? m[2];
          container.image = image.digest ? `${name}@${image.digest}` : tag ? `${name}:${tag}` : name;
        }
      }
      return copy;
    });
  }
  return result;
}

function accumulate(dir, kustomization, readFile, expectKind) {
  if (kustomization.kind !== expectKind)
    throw new KustomizeError(`${kustomization.file}: expected kind ${expectKind}, found ${kustomization.kind}`);
  let objects = [];
  for (const resource of kustomization.resources ?? []) {
    if (/^[a-z]+:\/\//.test(resource)) throw new KustomizeError(`${kustomization.file}: remote resource ${resource} is not supported`);
    const target = path.resolve(dir, resource);
    if (!existsSync(target)) throw new KustomizeError(`${kustomization.file}: resource ${resource} does not exist`);
    objects.push(...(statSync(target).isDirectory() ? renderKustomization(target, { readFile }) : parseYaml(readFile(target), target)));
  }
  for (const component of kustomization.components ?? []) {
    const componentDir = path.resolve(dir, component);
    objects = accumulate(componentDir, readKustomization(componentDir, readFile), readFile, 'Component').apply(objects);
  }
  return {
    apply: (inherited) => {
      const all = [...inherited, ...objects, ...generate(kustomization, dir, readFile)];
      const seen = new Set();
      for (const object of all) {
        if (seen.has(idOf(object))) throw new KustomizeError(`${kustomization.file}: ${idOf(object)} is defined twice`);
        seen.add(idOf(object));
      }
      return transform(kustomization, dir, all, readFile);
    },
  };
}

/**
 * The objects `kubectl apply -k <dir>` would send. `readFile` lets a caller stand in for files that are kept out of
 * git (a secretGenerator's env files).
 */
export function renderKustomization(dir, { readFile = (file) => readFileSync(file, 'utf8') } = {}) {
  const absolute = path.resolve(dir);
  return accumulate(absolute, readKustomization(absolute, readFile), readFile, 'Kustomization').apply([]);
}
