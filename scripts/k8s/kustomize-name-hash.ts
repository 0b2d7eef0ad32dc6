import { createHash } from 'node:crypto';
import { isObject } from './kustomize-files';
import type { KubernetesObject, Resource } from './kustomize-resource';
import { podSpecs, type Reference } from './pod-specs';

/**
 * Gives each generated ConfigMap and Secret its final name, `<name>-<hash of its content>`, and
 * points every reference in a pod template at it, so changed settings roll the pods that read them.
 */
export function nameGeneratedResources(resources: Resource[]): void {
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
