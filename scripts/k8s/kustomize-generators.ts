import { readFileSync } from 'node:fs';
import path from 'node:path';
import { keyValue, relative, splitOnce } from './kustomize-files';
import { type KubernetesObject, KustomizeError, type Resource } from './kustomize-resource';

/** configMapGenerator and secretGenerator: literals, env files and files; behavior create or merge. */

export interface GeneratorOptions {
  disableNameSuffixHash?: boolean;
}

export interface Generator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  literals?: string[];
  envs?: string[];
  files?: string[];
  type?: string;
  options?: GeneratorOptions;
}

const GENERATOR_FIELDS = new Set(['name', 'behavior', 'literals', 'envs', 'files', 'type', 'options']);

export function generate(
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

export function checkGeneratorOptions(options: GeneratorOptions, file: string): void {
  for (const option of Object.keys(options)) {
    if (option !== 'disableNameSuffixHash') {
      throw new KustomizeError(file, `generator option "${option}" is not supported`);
    }
  }
}
