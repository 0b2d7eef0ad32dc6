import { applyPatch, type Operation } from 'fast-json-patch';
import { parseYamlText } from './kustomize-files';
import { KustomizeError, type Resource } from './kustomize-resource';
import { podSpecs } from './pod-specs';

/** JSON 6902 patches aimed by kind and name, and the images transformer. */

export interface PatchEntry {
  target?: { kind?: string; name?: string; [field: string]: unknown };
  patch?: string;
  path?: string;
}

export function applyJsonPatch(entry: PatchEntry, file: string, resources: Resource[]): void {
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

export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export function setImage(entry: ImageEntry, resources: Resource[]): void {
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
