import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { applyPatch, type Operation } from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the part of kustomize that
 * deploy/k8s uses, so CI can validate the manifests with no kustomize binary: resources (files
 * and directories), namespace, images, configMapGenerator and secretGenerator (literals, env
 * files, files; behavior create or merge; hashed names, and the references to them rewritten),
 * and patches in JSON 6902 form aimed by kind and name. Anything else stops the render with an
 * error naming the field, rather than producing something kustomize would not.
 */

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface RenderedResource {
  object: KubernetesObject;
  /** The file it came from (the kustomization.yaml for a generated one), relative to the working directory. */
  source: string;
}

/** What a check found wrong in one rendered resource. */
export interface ManifestProblem {
  /** The file the resource came from. */
  source: string;
  /** Kind/name, e.g. Deployment/checkout. */
  resource: string;
  /** Where in the resource, e.g. spec.template.spec.containers[0].ports[0].containerPort. */
  field: string;
  message: string;
}

export class KustomizeError extends Error {
  constructor(file: string, message: string) {
    super(`${path.relative(process.cwd(), file) || file}: ${message}`);
    this.name = 'KustomizeError';
  }
}

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'images',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
  'patches',
]);

/** The cluster-scoped kinds deploy/k8s might contain; the namespace transformer leaves them alone. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ClusterTriggerAuthentication',
]);

interface Resource extends RenderedResource {
  /** Set for a generated ConfigMap or Secret: its name before the hash suffix, and whether it gets one. */
  generated?: { name: string; hashSuffix: boolean };
}

export function renderKustomization(directory: string): RenderedResource[] {
  const resources = build(path.resolve(directory));
  nameGeneratedResources(resources);
  return resources.map(({ object, source }) => ({ object, source }));
}

function build(directory: string): Resource[] {
  const file = path.join(directory, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(directory, 'no kustomization.yaml in this directory');
  const [kustomization] = parseYamlFile(file);
  if (!isObject(kustomization)) throw new KustomizeError(file, 'expected a mapping');
  for (const field of Object.keys(kustomization)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) {
      throw new KustomizeError(file, `"${field}" is not supported by scripts/k8s/render-kustomization.ts`);
    }
  }

  const resources: Resource[] = [];
  for (const entry of list(kustomization.resources, file, 'resources')) {
    const target = path.resolve(directory, String(entry));
    if (!existsSync(target)) throw new KustomizeError(file, `resources: ${entry} does not exist`);
    if (statSync(target).isDirectory()) {
      resources.push(...build(target));
    } else {
      for (const object of parseYamlFile(target)) {
        resources.push({ object: asKubernetesObject(object, target), source: relative(target) });
      }
    }
  }

  const generatorOptions = (kustomization.generatorOptions ?? {}) as GeneratorOptions;
  checkGeneratorOptions(generatorOptions, file);
  const hashByDefault = !generatorOptions.disableNameSuffixHash;
  for (const kind of ['ConfigMap', 'Secret'] as const) {
    const field = kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator';
    for (const generator of list(kustomization[field], file, field)) {
      generate(kind, generator as Generator, { directory, file, hashByDefault }, resources);
    }
  }

  for (const patch of list(kustomization.patches, file, 'patches')) {
    applyJsonPatch(patch as PatchEntry, file, resources);
  }

  if (typeof kustomization.namespace === 'string') {
    for (const { object } of resources) {
      if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    }
  }

  for (const image of list(kustomization.images, file, 'images')) {
    setImage(image as ImageEntry, resources);
  }
  return resources;
}

// Generators --------------------------------------------------------------------------------

interface GeneratorOptions {
  disableNameSuffixHash?: boolean;
}

interface Generator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  literals?: string[];
  envs?: string[];
  files?: string[];
  type?: string;
  options?: GeneratorOptions;
}

const GENERATOR_FIELDS = new Set(['name', 'behavior', 'literals', 'envs', 'files', 'type', 'options']);

function generate(
  kind: 'ConfigMap' | 'Secret',
  generator: Generator,
  context: { directory: string; file: string; hashByDefault: boolean },
  resources: Resource[],
): void {
  const { directory, file } = context;
  for (const field of Object.keys(generator)) {
    if (!GENERATOR_FIELDS.has(field))
      throw new KustomizeError(file, `${kind} generator: "${field}" is not supported`);
  }
  checkGeneratorOptions(generator.options ?? {}, file);

  const data: Record<string, string> = {};
  for (const literal of generator.literals ?? []) Object.assign(data, keyValue(literal, file));
  for (const envFile of generator.envs ?? []) {
    const envPath = path.resolve(directory, envFile);
    for (const line of readFileSync(envPath, 'utf8').split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      Object.assign(data, keyValue(trimmed, envPath));
    }
  }
  for (const entry of generator.files ?? []) {
    const [key, source] = entry.includes('=') ? splitOnce(entry, '=') : [path.basename(entry), entry];
    data[key] = readFileSync(path.resolve(directory, source), 'utf8');
  }

  const behavior = generator.behavior ?? 'create';
  const existing = resources.find(
    (resource) => resource.object.kind === kind && resource.generated?.name === generator.name,
  );
  if (behavior === 'create') {
    if (existing)
      throw new KustomizeError(file, `${kind} ${generator.name} is already generated; use behavior: merge`);
    const object: KubernetesObject =
      kind === 'ConfigMap'
        ? { apiVersion: 'v1', kind, metadata: { name: generator.name }, data }
        : {
            apiVersion: 'v1',
            kind,
            metadata: { name: generator.name },
            type: generator.type ?? 'Opaque',
            data: Object.fromEntries(
              Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
          };
    const hashSuffix =
      generator.options?.disableNameSuffixHash === undefined
        ? context.hashByDefault
        : !generator.options.disableNameSuffixHash;
    resources.push({ object, source: relative(file), generated: { name: generator.name, hashSuffix } });
    return;
  }
  if (behavior !== 'merge')
    throw new KustomizeError(file, `generator behavior "${behavior}" is not supported`);
  if (!existing) throw new KustomizeError(file, `${kind} ${generator.name}: nothing to merge into`);
  const encode = (value: string) => (kind === 'Secret' ? Buffer.from(value).toString('base64') : value);
  const merged = existing.object.data as Record<string, string>;
  for (const [key, value] of Object.entries(data)) merged[key] = encode(value);
  if (generator.options?.disableNameSuffixHash !== undefined) {
    existing.generated = { name: generator.name, hashSuffix: !generator.options.disableNameSuffixHash };
  }
}

function checkGeneratorOptions(options: GeneratorOptions, file: string): void {
  for (const option of Object.keys(options)) {
    if (option !== 'disableNameSuffixHash') {
      throw new KustomizeError(file, `generator option "${option}" is not supported`);
    }
  }
}

/**
 * Gives each generated ConfigMap and Secret its final name, `<name>-<hash of its content>`, and
 * points every reference in a pod template at it, so changed settings roll the pods that read them.
 */
function nameGeneratedResources(resources: Resource[]): void {
  const renamed = new Map<string, string>();
  for (const { object, generated } of resources) {
    if (!generated?.hashSuffix) continue;
    object.metadata.name = `${generated.name}-${contentHash(object)}`;
    renamed.set(`${object.kind}/${generated.name}`, object.metadata.name);
  }
  const rename = (kind: string, reference: Reference | undefined, field = 'name') => {
    const newName = reference && renamed.get(`${kind}/${String(reference[field])}`);
    if (reference && newName) reference[field] = newName;
  };
  for (const { object } of resources) {
    for (const pod of podSpecs(object)) {
      for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        for (const source of container.envFrom ?? []) {
          rename('ConfigMap', source.configMapRef);
          rename('Secret', source.secretRef);
        }
        for (const variable of container.env ?? []) {
          rename('ConfigMap', variable.valueFrom?.configMapKeyRef);
          rename('Secret', variable.valueFrom?.secretKeyRef);
        }
      }
      for (const volume of pod.volumes ?? []) {
        rename('ConfigMap', volume.configMap);
        rename('Secret', volume.secret, 'secretName');
        for (const projected of volume.projected?.sources ?? []) {
          rename('ConfigMap', projected.configMap);
          rename('Secret', projected.secret);
        }
      }
      for (const pullSecret of pod.imagePullSecrets ?? []) rename('Secret', pullSecret);
    }
  }
}

/**
 * kustomize's name suffix (api/hasher/hasher.go): the SHA-256 of Go's JSON encoding of kind,
 * name, data (and a Secret's type), whose first ten hex digits have 0, 1, 3, a and e swapped for
 * letters so the suffix never reads as a number. The name it encodes is always empty: it looks
 * the name up with the single path segment "metadata/name", which matches nothing.
 */
function contentHash(object: KubernetesObject): string {
  const encoded: Record<string, unknown> = { kind: object.kind, name: '', data: object.data ?? '' };
  if (object.kind === 'Secret') {
    encoded.type = object.type ?? '';
    encoded.data = Object.fromEntries(
      Object.entries((object.data ?? {}) as Record<string, string>).map(([key, value]) => [
        key,
        folded(value),
      ]),
    );
  }
  const hex = createHash('sha256').update(goJson(encoded)).digest('hex');
  const swaps: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((digit) => swaps[digit] ?? digit).join('');
}

/**
 * A Secret's base64 value as kustomize writes it, and so hashes it (kyaml/yaml/datamap.go,
 * encodeBase64): from 70 characters on, in lines of 70, each ended by a newline. The API
 * server's decoder skips the newlines, so the rendered Secret keeps the value on one line.
 */
function folded(base64: string): string {
  const lineLength = 70;
  if (base64.length < lineLength) return base64;
  const lines: string[] = [];
  for (let start = 0; start < base64.length; start += lineLength)
    lines.push(base64.slice(start, start + lineLength));
  return lines.map((line) => `${line}\n`).join('');
}

/** JSON as Go's encoding/json writes it for maps: sorted keys, and <, >, & escaped. */
function goJson(value: unknown): string {
  const sorted = (item: unknown): unknown =>
    isObject(item)
      ? Object.fromEntries(
          Object.keys(item)
            .sort()
            .map((key) => [key, sorted(item[key])]),
        )
      : item;
  return JSON.stringify(sorted(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

// Patches and images ------------------------------------------------------------------------

interface PatchEntry {
  target?: { kind?: string; name?: string; [field: string]: unknown };
  patch?: string;
  path?: string;
}

function applyJsonPatch(entry: PatchEntry, file: string, resources: Resource[]): void {
  const { target, patch } = entry;
  const targetFields = Object.keys(target ?? {});
  if (!target?.kind || !target.name || targetFields.some((field) => field !== 'kind' && field !== 'name')) {
    throw new KustomizeError(file, 'patches: only a target with exactly kind and name is supported');
  }
  if (typeof patch !== 'string')
    throw new KustomizeError(file, 'patches: only an inline `patch:` is supported');
  const operations = parseYamlText(patch, file)[0];
  if (!Array.isArray(operations)) {
    throw new KustomizeError(file, 'patches: only JSON 6902 patches (a list of operations) are supported');
  }
  const matches = resources.filter(
    ({ object }) => object.kind === target.kind && object.metadata.name === target.name,
  );
  if (matches.length === 0) throw new KustomizeError(file, `patches: no ${target.kind} named ${target.name}`);
  for (const match of matches) {
    try {
      applyPatch(match.object, operations as Operation[], true);
    } catch (error) {
      throw new KustomizeError(file, `patches: ${target.kind}/${target.name}: ${(error as Error).message}`);
    }
  }
}

interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

function setImage(entry: ImageEntry, resources: Resource[]): void {
  for (const { object } of resources) {
    for (const pod of podSpecs(object)) {
      for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        const { name, tag, digest } = parseImage(container.image ?? '');
        if (name !== entry.name) continue;
        const newName = entry.newName ?? name;
        if (entry.digest) container.image = `${newName}@${entry.digest}`;
        else if (entry.newTag) container.image = `${newName}:${entry.newTag}`;
        else container.image = `${newName}${digest ? `@${digest}` : tag ? `:${tag}` : ''}`;
      }
    }
  }
}

/** Splits `registry:5000/name:tag@sha256:...`; the tag is after the last colon of the last path part. */
function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [reference, digest] = image.split('@') as [string, string | undefined];
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return { name: reference.slice(0, colon), tag: reference.slice(colon + 1), digest };
  return { name: reference, digest };
}

// Pod templates -----------------------------------------------------------------------------

/** An object naming a ConfigMap or Secret, by `name` (or `secretName` in a volume). */
type Reference = Record<string, unknown>;

interface Container {
  image?: string;
  envFrom?: { configMapRef?: Reference; secretRef?: Reference }[];
  env?: { valueFrom?: { configMapKeyRef?: Reference; secretKeyRef?: Reference } }[];
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: {
    configMap?: Reference;
    secret?: Reference;
    projected?: { sources?: { configMap?: Reference; secret?: Reference }[] };
  }[];
  imagePullSecrets?: Reference[];
}

/** The pod specs inside a workload: a Pod's own, a template's, or a CronJob's job template's. */
function podSpecs(object: KubernetesObject): PodSpec[] {
  return podSpecsOf<PodSpec>(object).map(({ pod }) => pod);
}

/**
 * The pod specs inside a workload, each with its field path: a Pod's own, a template's, or a
 * CronJob's job template's. `Spec` is the shape the caller reads of them.
 */
export function podSpecsOf<Spec>(object: KubernetesObject): { pod: Spec; field: string }[] {
  const spec = object.spec as
    | { template?: { spec?: unknown }; jobTemplate?: { spec?: { template?: { spec?: unknown } } } }
    | undefined;
  if (!spec) return [];
  if (object.kind === 'Pod') return [{ pod: spec as Spec, field: 'spec' }];
  const candidates = [
    { pod: spec.template?.spec, field: 'spec.template.spec' },
    { pod: spec.jobTemplate?.spec?.template?.spec, field: 'spec.jobTemplate.spec.template.spec' },
  ];
  return candidates.filter(({ pod }) => isObject(pod)) as { pod: Spec; field: string }[];
}

// YAML and small helpers --------------------------------------------------------------------

function parseYamlFile(file: string): unknown[] {
  return parseYamlText(readFileSync(file, 'utf8'), file);
}

function parseYamlText(text: string, file: string): unknown[] {
  const documents = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const [problem] = document.errors;
    if (problem) throw new KustomizeError(file, `invalid YAML: ${problem.message}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

function asKubernetesObject(value: unknown, file: string): KubernetesObject {
  const object = value as Partial<KubernetesObject>;
  if (!isObject(value) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
    throw new KustomizeError(file, 'every document must be a Kubernetes object with apiVersion and kind');
  }
  if (typeof object.metadata?.name !== 'string') {
    throw new KustomizeError(file, `${object.kind} without metadata.name`);
  }
  return value as KubernetesObject;
}

function list(value: unknown, file: string, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KustomizeError(file, `${field} must be a list`);
  return value;
}

function keyValue(entry: string, file: string): Record<string, string> {
  if (!entry.includes('=')) throw new KustomizeError(file, `"${entry}" is not KEY=value`);
  const [key, value] = splitOnce(entry, '=');
  return { [key]: value };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function relative(file: string): string {
  return path.relative(process.cwd(), file);
}
