import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { asKubernetesObject, isObject, list, parseYamlFile, relative } from './kustomize-files';
import {
  checkGeneratorOptions,
  type Generator,
  type GeneratorOptions,
  generate,
} from './kustomize-generators';
import { nameGeneratedResources } from './kustomize-name-hash';
import { applyJsonPatch, type ImageEntry, type PatchEntry, setImage } from './kustomize-patches';
import { KustomizeError, type RenderedResource, type Resource } from './kustomize-resource';

export type { KubernetesObject, ManifestProblem, RenderedResource } from './kustomize-resource';

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the part of kustomize that
 * deploy/k8s uses, so CI can validate the manifests with no kustomize binary: resources (files
 * and directories), namespace, images, configMapGenerator and secretGenerator (literals, env
 * files, files; behavior create or merge; hashed names, and the references to them rewritten),
 * and patches in JSON 6902 form aimed by kind and name. Anything else stops the render with an
 * error naming the field, rather than producing something kustomize would not.
 */

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
