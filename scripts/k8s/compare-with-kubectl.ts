import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject, RenderedResource } from './render-kustomization';

/**
 * Checks render-kustomization.ts against the real thing where kubectl is installed: the same
 * resources, field for field. Returns one line per difference.
 */
export function compareWithKubectl(directory: string, rendered: RenderedResource[]): string[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', directory], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    return [`kubectl kustomize ${directory} failed: ${(error as Error).message}`];
  }
  const theirs = new Map<string, KubernetesObject>();
  for (const document of parseAllDocuments(output)) {
    const object = document.toJS() as KubernetesObject;
    theirs.set(key(object), normalise(object));
  }

  const differences: string[] = [];
  for (const { object } of rendered) {
    const other = theirs.get(key(object));
    if (!other) differences.push(`${key(object)}: kubectl kustomize does not render it`);
    else if (!isDeepStrictEqual(JSON.parse(JSON.stringify(object)), other)) {
      differences.push(`${key(object)}: kubectl kustomize renders it differently`);
    }
    theirs.delete(key(object));
  }
  for (const missing of theirs.keys()) differences.push(`${missing}: rendered by kubectl kustomize only`);
  return differences;
}

function key(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** kustomize folds long base64 values over lines; the API server's decoder skips the breaks. */
function normalise(object: KubernetesObject): KubernetesObject {
  if (object.kind === 'Secret' && object.data) {
    const data = object.data as Record<string, string>;
    for (const name of Object.keys(data)) data[name] = String(data[name]).replace(/\s/g, '');
  }
  return object;
}
