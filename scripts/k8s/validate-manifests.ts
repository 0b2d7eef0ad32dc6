import * as kedaV1alpha1 from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import { checkLeastPrivilege } from './least-privilege';
import type { ManifestProblem, RenderedResource } from './render-kustomization';

/**
 * Validates rendered manifests against the JSON schemas that kubernetes-models (Kubernetes'
 * OpenAPI) and @kubernetes-models/keda (KEDA's CRDs) ship, offline.
 *
 * Those schemas, like the API server's, accept fields they do not describe, so a misspelt
 * `readinesProbe` would pass and the pod would run without its probe. Kubernetes itself rejects
 * such a field only when the server validates strictly, which an old kubectl or a GitOps tool
 * may not ask for. So the validator also watches which fields the schema's check reads: the
 * compiled check reads every property its schema names, so a field present in the manifest that
 * it never read is unknown to the schema.
 *
 * Then the credentials: which Secret each workload and KEDA read, and what KEDA's RabbitMQ user
 * may do (least-privilege.ts).
 */

interface ModelClass {
  apiVersion: string;
  kind: string;
  prototype: { validate(): void };
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: { missingProperty?: string; allowedValues?: unknown[] };
}

/** apiVersion/kind -> the model that carries its schema. Add a module here to validate more kinds. */
const MODELS = new Map<string, ModelClass>();
for (const module of [coreV1, appsV1, batchV1, policyV1, autoscalingV2, networkingV1, kedaV1alpha1]) {
  for (const value of Object.values(module) as unknown[]) {
    const model = value as Partial<ModelClass>;
    if (
      typeof value === 'function' &&
      typeof model.apiVersion === 'string' &&
      typeof model.kind === 'string'
    ) {
      MODELS.set(`${model.apiVersion}/${model.kind}`, value as unknown as ModelClass);
    }
  }
}

export function validateManifest({ object, source }: RenderedResource): ManifestProblem[] {
  const resource = `${object.kind}/${object.metadata.name}`;
  const problem = (field: string, message: string) => ({ source, resource, field, message });
  const model = MODELS.get(`${object.apiVersion}/${object.kind}`);
  if (!model) {
    return [
      problem(
        'apiVersion',
        `no schema for ${object.apiVersion} ${object.kind} in scripts/k8s/validate-manifests.ts`,
      ),
    ];
  }

  const reads = new ReadTracker();
  try {
    // `validate` checks `this`; handing it the tracked copy lets the tracker see every read.
    model.prototype.validate.call(reads.track(structuredClone(object)));
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!errors) throw error;
    return errors.map((schemaError) => {
      const missing = schemaError.params.missingProperty;
      if (missing) return problem(fieldPath(`${schemaError.instancePath}/${missing}`), 'is required');
      const allowed = schemaError.params.allowedValues;
      const message = allowed
        ? `must be one of ${allowed.join(', ')}`
        : (schemaError.message ?? schemaError.keyword);
      return problem(fieldPath(schemaError.instancePath), message);
    });
  }
  // Only after a clean pass: a check that stopped early has not read everything it knows.
  return reads
    .unreadFields()
    .map((pointer) =>
      problem(fieldPath(pointer), `is not a field of ${object.kind} here (misspelt or misplaced?)`),
    );
}

export function validateManifests(resources: RenderedResource[]): ManifestProblem[] {
  return [...resources.flatMap(validateManifest), ...checkLeastPrivilege(resources)];
}

/** Hands out proxies of a document's objects and records which of their properties were read. */
class ReadTracker {
  private readonly readKeys = new Map<object, Set<string>>();
  /** Objects whose keys were listed: maps such as labels, whose keys are data, not fields. */
  private readonly listed = new Set<object>();
  private readonly proxies = new WeakMap<object, object>();
  private root: object | undefined;

  track<T extends object>(value: T): T {
    this.root ??= value;
    const existing = this.proxies.get(value);
    if (existing) return existing as T;
    const keys = new Set<string>();
    this.readKeys.set(value, keys);
    const proxy = new Proxy(value, {
      get: (target, key, receiver) => {
        if (typeof key === 'string') keys.add(key);
        const property = Reflect.get(target, key, receiver);
        return typeof property === 'object' && property !== null ? this.track(property) : property;
      },
      has: (target, key) => {
        if (typeof key === 'string') keys.add(key);
        return Reflect.has(target, key);
      },
      ownKeys: (target) => {
        this.listed.add(target);
        return Reflect.ownKeys(target);
      },
    });
    this.proxies.set(value, proxy);
    return proxy;
  }

  /** JSON pointers of the fields present but never read, in objects the schema described. */
  unreadFields(): string[] {
    const unread: string[] = [];
    const visit = (value: unknown, pointer: string) => {
      if (typeof value !== 'object' || value === null) return;
      const keys = this.readKeys.get(value);
      // Never handed out, or handed out but never looked into: a free-form part of the schema.
      if (!keys || (keys.size === 0 && !this.listed.has(value))) return;
      const describedFields = !Array.isArray(value) && !this.listed.has(value);
      for (const [key, child] of Object.entries(value)) {
        if (describedFields && !keys.has(key)) unread.push(`${pointer}/${key}`);
        else visit(child, `${pointer}/${key}`);
      }
    };
    visit(this.root, '');
    return unread;
  }
}

/** `/spec/containers/0/image` -> `spec.containers[0].image`. */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
