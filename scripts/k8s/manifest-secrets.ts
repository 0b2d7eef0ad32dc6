import type { KubernetesObject, ManifestProblem, RenderedResource } from './render-kustomization';

/** The shop's Secrets by name, whose they are, and reading them from the rendered manifests. */

export const SECRET_OF_SERVICE = (service: string) => `shop-${service}`;
export const MIGRATOR_SECRET = 'shop-migrator';
export const QUEUE_MONITOR_SECRET = 'shop-queue-monitor';

const PART_OF = 'event-driven-checkout';

export function problem(
  { object, source }: RenderedResource,
  field: string,
  message: string,
): ManifestProblem {
  return { source, resource: `${object.kind}/${object.metadata.name}`, field, message };
}

export function describeSecret(name: string, resources: RenderedResource[]): string {
  if (name === MIGRATOR_SECRET) return "the migration's";
  if (name === QUEUE_MONITOR_SECRET) return "KEDA's";
  const service = resources.find(
    ({ object }) => isShopDeployment(object) && SECRET_OF_SERVICE(object.metadata.name) === name,
  );
  return service ? `${service.object.metadata.name}'s` : "shared or no service's own";
}

export function isShopDeployment(object: KubernetesObject): boolean {
  const labels = object.metadata.labels as Record<string, string> | undefined;
  return object.kind === 'Deployment' && labels?.['app.kubernetes.io/part-of'] === PART_OF;
}

/** A rendered Secret's (or ConfigMap's) value for a key, decoded. */
export function secretValue(object: KubernetesObject, key: string): string | undefined {
  const data = object.data as Record<string, string> | undefined;
  const stringData = object.stringData as Record<string, string> | undefined;
  if (stringData?.[key] !== undefined) return stringData[key];
  const value = data?.[key];
  if (value === undefined) return undefined;
  return object.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
}

export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

export function userOf(url: string): string | undefined {
  const username = parseUrl(url.trim())?.username;
  return username ? decodeURIComponent(username) : undefined;
}
