import { isObject } from './kustomize-files';
import type { KubernetesObject } from './kustomize-resource';

/** An object naming a ConfigMap or Secret, by `name` (or `secretName` in a volume). */
export type Reference = Record<string, unknown>;

interface Container {
  image?: string;
  envFrom?: { configMapRef?: Reference; secretRef?: Reference }[];
  env?: { valueFrom?: { configMapKeyRef?: Reference; secretKeyRef?: Reference } }[];
}

export interface PodSpec {
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
export function podSpecs(object: KubernetesObject): PodSpec[] {
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
