import { kedaProblems } from './keda-credentials';
import {
  describeSecret,
  isShopDeployment,
  MIGRATOR_SECRET,
  problem,
  SECRET_OF_SERVICE,
} from './manifest-secrets';
import { podSpecsOf } from './pod-specs';
import type { ManifestProblem, RenderedResource } from './render-kustomization';

/**
 * Checks who may read which credentials in the rendered manifests, as compose has it: each
 * process logs in to Postgres and RabbitMQ as itself (deploy/k8s/README.md, "Secrets").
 *
 * - Each of the shop's Deployments reads one Secret, shop-<its name>: not another service's,
 *   not a shared one.
 * - The migration (whatever runs scripts/dist/migrate.js) takes DATABASE_URL from
 *   shop-migrator, and reads nothing else.
 * - KEDA's TriggerAuthentications read shop-queue-monitor only. Where that Secret is rendered
 *   (the dev overlay), its user is no service's and no full-access one; where the broker's
 *   definitions are rendered too, the user may read every queue a ScaledObject watches and do
 *   nothing else. Its host names a Service by its fully qualified name: KEDA's operator
 *   resolves names in its own namespace.
 *
 * Environments that create their Secrets out of the tree get the checks on names only.
 */

const MIGRATION_ENTRY = 'scripts/dist/migrate.js';

interface Container {
  command?: string[];
  args?: string[];
  env?: { name?: string; valueFrom?: { secretKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string } }[];
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: {
    secret?: { secretName?: string };
    projected?: { sources?: { secret?: { name?: string } }[] };
  }[];
}

interface SecretReference {
  secret: string;
  field: string;
  /** The environment variable it sets, for a secretKeyRef. */
  variable?: string;
}

export function checkLeastPrivilege(resources: RenderedResource[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const resource of resources) {
    for (const { pod, field } of podSpecsOf<PodSpec>(resource.object)) {
      problems.push(...migrationProblems(resource, pod, field));
      if (isShopDeployment(resource.object))
        problems.push(...serviceProblems(resource, pod, field, resources));
    }
  }
  problems.push(...kedaProblems(resources));
  return problems;
}

/** The migration logs in as migrator: DATABASE_URL from shop-migrator, and no other Secret. */
function migrationProblems(resource: RenderedResource, pod: PodSpec, field: string): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const { container, field: containerField } of containers(pod, field)) {
    if (!runsMigration(container)) continue;
    const read = containerSecrets(container, containerField);
    const databaseUrl = read.find(({ variable }) => variable === 'DATABASE_URL');
    if (databaseUrl?.secret !== MIGRATOR_SECRET) {
      const given = databaseUrl
        ? `DATABASE_URL from Secret "${databaseUrl.secret}"`
        : 'no DATABASE_URL from a Secret';
      problems.push(
        problem(
          resource,
          databaseUrl?.field ?? `${containerField}.env`,
          `gives the migration ${given}; it runs as migrator, from Secret "${MIGRATOR_SECRET}"`,
        ),
      );
    }
    for (const reference of read) {
      if (reference === databaseUrl || reference.secret === MIGRATOR_SECRET) continue;
      problems.push(
        problem(
          resource,
          reference.field,
          `gives the migration Secret "${reference.secret}"; it reads only "${MIGRATOR_SECRET}"`,
        ),
      );
    }
  }
  return problems;
}

/** A service's containers (but its migration) and volumes read its own Secret only. */
function serviceProblems(
  resource: RenderedResource,
  pod: PodSpec,
  field: string,
  resources: RenderedResource[],
): ManifestProblem[] {
  const own = SECRET_OF_SERVICE(resource.object.metadata.name);
  const references = [
    ...containers(pod, field)
      .filter(({ container }) => !runsMigration(container))
      .flatMap(({ container, field: containerField }) => containerSecrets(container, containerField)),
    ...volumeSecrets(pod, field),
  ];
  return references
    .filter(({ secret }) => secret !== own)
    .map(({ secret, field: referenceField }) =>
      problem(
        resource,
        referenceField,
        `reads Secret "${secret}", ${describeSecret(secret, resources)}; a service reads only its own, "${own}"`,
      ),
    );
}

function runsMigration(container: Container): boolean {
  return [...(container.command ?? []), ...(container.args ?? [])].some((part) =>
    part.includes(MIGRATION_ENTRY),
  );
}

function containers(pod: PodSpec, field: string): { container: Container; field: string }[] {
  return (['initContainers', 'containers'] as const).flatMap((kind) =>
    (pod[kind] ?? []).map((container, index) => ({ container, field: `${field}.${kind}[${index}]` })),
  );
}

function containerSecrets(container: Container, field: string): SecretReference[] {
  const references: SecretReference[] = [];
  (container.env ?? []).forEach((variable, index) => {
    const secret = variable.valueFrom?.secretKeyRef?.name;
    if (secret) {
      references.push({
        secret,
        field: `${field}.env[${index}].valueFrom.secretKeyRef.name`,
        variable: variable.name,
      });
    }
  });
  (container.envFrom ?? []).forEach((source, index) => {
    const secret = source.secretRef?.name;
    if (secret) references.push({ secret, field: `${field}.envFrom[${index}].secretRef.name` });
  });
  return references;
}

function volumeSecrets(pod: PodSpec, field: string): SecretReference[] {
  return (pod.volumes ?? []).flatMap((volume, index) => [
    ...(volume.secret?.secretName
      ? [{ secret: volume.secret.secretName, field: `${field}.volumes[${index}].secret.secretName` }]
      : []),
    ...(volume.projected?.sources ?? []).flatMap((source, sourceIndex) =>
      source.secret?.name
        ? [
            {
              secret: source.secret.name,
              field: `${field}.volumes[${index}].projected.sources[${sourceIndex}].secret.name`,
            },
          ]
        : [],
    ),
  ]);
}
