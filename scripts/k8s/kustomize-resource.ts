import path from 'node:path';

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

export interface Resource extends RenderedResource {
  /** Set for a generated ConfigMap or Secret: its name before the hash suffix, and whether it gets one. */
  generated?: { name: string; hashSuffix: boolean };
}
