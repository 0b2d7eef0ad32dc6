import {
  describeSecret,
  isShopDeployment,
  parseUrl,
  problem,
  QUEUE_MONITOR_SECRET,
  SECRET_OF_SERVICE,
  secretValue,
  userOf,
} from './manifest-secrets';
import type { KubernetesObject, ManifestProblem, RenderedResource } from './render-kustomization';

/**
 * KEDA's credentials (least-privilege.ts): its TriggerAuthentications read shop-queue-monitor
 * only, whose user is no service's and no full-access one and, where the broker's definitions
 * are rendered, may only look up the lengths of the queues a ScaledObject watches; its hosts
 * name Services by their fully qualified names.
 */

/** Users with every right on the broker (scripts/rabbitmq/shop-accounts.ts). */
const FULL_ACCESS_USERS = ['admin', 'guest'];
/** Kubernetes' default cluster domain: a Service is <name>.<namespace>.svc.cluster.local. */
const SERVICE_DOMAIN = 'svc.cluster.local';

interface RabbitDefinitions {
  users: { name: string; tags?: string[] | string }[];
  permissions: { user: string; configure: string; write: string; read: string }[];
}

interface KedaContext {
  resources: RenderedResource[];
  /** The RabbitMQ users of the services' own Secrets. */
  serviceUsers: Set<string>;
  /** The broker's definitions, where they are rendered. */
  definitions: ReturnType<typeof rabbitDefinitions>;
  /** Every rendered Service's namespaces, by its name. */
  services: Map<string, string[]>;
}

/** A TriggerAuthentication parameter's value, from a rendered Secret. */
interface Parameter {
  value: string;
  secret: RenderedResource;
  field: string;
}

/** KEDA reads shop-queue-monitor; its user may only read queue lengths, its host resolves from KEDA's namespace. */
export function kedaProblems(resources: RenderedResource[]): ManifestProblem[] {
  const context: KedaContext = {
    resources,
    serviceUsers: serviceRabbitUsers(resources),
    definitions: rabbitDefinitions(resources),
    services: servicesByName(resources),
  };
  return resources.flatMap((resource) => {
    const { kind } = resource.object;
    if (kind === 'ScaledObject') return triggerHostProblems(resource, context);
    if (kind === 'TriggerAuthentication' || kind === 'ClusterTriggerAuthentication') {
      return authenticationProblems(resource, context);
    }
    return [];
  });
}

/** A host written into a trigger itself, rather than read from the TriggerAuthentication. */
function triggerHostProblems(resource: RenderedResource, { services }: KedaContext): ManifestProblem[] {
  const triggers =
    (resource.object.spec as { triggers?: { metadata?: { host?: string } }[] })?.triggers ?? [];
  return triggers.flatMap((trigger, index) => {
    const host = trigger.metadata?.host;
    const hostProblem = host === undefined ? undefined : unqualifiedHost(host, services);
    return hostProblem ? [problem(resource, `spec.triggers[${index}].metadata.host`, hostProblem)] : [];
  });
}

function authenticationProblems(resource: RenderedResource, context: KedaContext): ManifestProblem[] {
  const { object } = resource;
  const problems: ManifestProblem[] = [];
  const targets =
    (object.spec as { secretTargetRef?: { parameter: string; name: string; key: string }[] })
      ?.secretTargetRef ?? [];
  const parameters = new Map<string, Parameter>();
  targets.forEach((target, index) => {
    if (target.name !== QUEUE_MONITOR_SECRET) {
      const whose = describeSecret(target.name, context.resources);
      problems.push(
        problem(
          resource,
          `spec.secretTargetRef[${index}].name`,
          `reads Secret "${target.name}", ${whose}; KEDA reads RabbitMQ as queue-monitor, from "${QUEUE_MONITOR_SECRET}" only`,
        ),
      );
    }
    const secret = context.resources.find(
      ({ object: candidate }) =>
        candidate.kind === 'Secret' &&
        candidate.metadata.name === target.name &&
        candidate.metadata.namespace === object.metadata.namespace,
    );
    const value = secret && secretValue(secret.object, target.key);
    if (secret && value !== undefined) {
      parameters.set(target.parameter, { value, secret, field: `data.${target.key}` });
    }
  });

  const host = parameters.get('host');
  const hostProblem = host && unqualifiedHost(host.value, context.services);
  if (host && hostProblem) problems.push(problem(host.secret, host.field, hostProblem));

  // KEDA takes the username parameter over the user in the host's URL.
  const userParameter = parameters.get('username') ?? host;
  const user = parameters.get('username')?.value ?? (host && userOf(host.value));
  if (!user || !userParameter) return problems;
  if (context.serviceUsers.has(user)) {
    problems.push(
      problem(
        userParameter.secret,
        userParameter.field,
        `logs KEDA in as "${user}", a service's RabbitMQ user`,
      ),
    );
  } else if (FULL_ACCESS_USERS.includes(user)) {
    problems.push(
      problem(
        userParameter.secret,
        userParameter.field,
        `logs KEDA in as "${user}", a user with every right`,
      ),
    );
  }
  const { definitions } = context;
  if (definitions) {
    const queues = watchedQueues(context.resources, object);
    for (const message of monitorProblems(user, definitions.definitions, queues)) {
      problems.push(problem(definitions.resource, definitions.field, message));
    }
  }
  return problems;
}

/** What the broker's definitions let KEDA's user do, beyond reading the lengths of its queues. */
function monitorProblems(user: string, definitions: RabbitDefinitions, queues: string[]): string[] {
  const account = definitions.users.find(({ name }) => name === user);
  if (!account) return [`has no user "${user}", the one KEDA logs in as`];
  const messages: string[] = [];
  const tags =
    typeof account.tags === 'string' ? account.tags.split(',').filter(Boolean) : (account.tags ?? []);
  if (tags.length > 0)
    messages.push(`gives KEDA's user "${user}" the tags ${tags.join(', ')}; it needs none`);
  const permissions = definitions.permissions.filter((permission) => permission.user === user);
  for (const { configure, write, read } of permissions) {
    // Configure would let it declare and delete queues, read consume from them.
    const rights = [
      ...(matchesNothing(configure) ? [] : ['configure (declare, delete)']),
      ...(matchesNothing(read) ? [] : ['read (consume)']),
    ];
    if (rights.length > 0) {
      messages.push(
        `lets KEDA's user "${user}" ${rights.join(' and ')} queues; it may only look up their lengths`,
      );
    }
    // A passive declare, how the scaler reads a length, needs any one of the three (RabbitMQ 4.2.7+).
    const patterns = [configure, write, read].filter((pattern) => !matchesNothing(pattern));
    for (const queue of queues) {
      if (!patterns.some((pattern) => new RegExp(pattern).test(queue))) {
        messages.push(`does not let KEDA's user "${user}" look up ${queue}, which a ScaledObject watches`);
      }
    }
  }
  if (permissions.length === 0) messages.push(`gives KEDA's user "${user}" no access to any virtual host`);
  return messages;
}

/** Why a host does not resolve from KEDA's namespace, or undefined when it does. */
function unqualifiedHost(host: string, services: Map<string, string[]>): string | undefined {
  const hostname = parseUrl(host)?.hostname ?? host;
  const [service = '', namespace = '', ...rest] = hostname.split('.');
  const namespaces = services.get(service) ?? [];
  const qualified = (ns: string) => `${service}.${ns}.${SERVICE_DOMAIN}`;
  if (!hostname.includes('.')) {
    return `names host "${hostname}", which KEDA resolves in its own namespace (keda)${namespaces[0] ? `; write ${qualified(namespaces[0])}` : ''}`;
  }
  if (rest.join('.') === SERVICE_DOMAIN) {
    if (namespaces.length > 0 && !namespaces.includes(namespace)) {
      return `names host "${hostname}", but Service ${service} is in namespace ${namespaces.join(', ')}`;
    }
    return undefined;
  }
  if (namespaces.includes(namespace)) {
    return `names host "${hostname}", which is not fully qualified; write ${qualified(namespace)}`;
  }
  return undefined;
}

/** The queues of the ScaledObjects that authenticate with this TriggerAuthentication. */
function watchedQueues(resources: RenderedResource[], authentication: KubernetesObject): string[] {
  return resources.flatMap(({ object }) => {
    if (object.kind !== 'ScaledObject') return [];
    const triggers =
      (
        object.spec as {
          triggers?: { metadata?: { queueName?: string }; authenticationRef?: { name?: string } }[];
        }
      )?.triggers ?? [];
    return triggers.flatMap((trigger) =>
      trigger.authenticationRef?.name === authentication.metadata.name && trigger.metadata?.queueName
        ? [trigger.metadata.queueName]
        : [],
    );
  });
}

/** The RabbitMQ users in the AMQP_URLs of the Secrets the shop's Deployments read. */
function serviceRabbitUsers(resources: RenderedResource[]): Set<string> {
  const read = new Set(
    resources
      .filter(({ object }) => isShopDeployment(object))
      .map(({ object }) => SECRET_OF_SERVICE(object.metadata.name)),
  );
  const users = new Set<string>();
  for (const { object } of resources) {
    if (object.kind !== 'Secret' || !read.has(object.metadata.name)) continue;
    for (const url of (secretValue(object, 'AMQP_URL') ?? '').split(',')) {
      const user = userOf(url);
      if (user) users.add(user);
    }
  }
  return users;
}

/** A RabbitMQ definitions file in a rendered Secret or ConfigMap: a JSON value with users and permissions. */
function rabbitDefinitions(
  resources: RenderedResource[],
): { resource: RenderedResource; field: string; definitions: RabbitDefinitions } | undefined {
  for (const resource of resources) {
    const { object } = resource;
    if (object.kind !== 'Secret' && object.kind !== 'ConfigMap') continue;
    for (const key of Object.keys((object.data ?? {}) as Record<string, string>)) {
      if (!key.endsWith('.json')) continue;
      try {
        const parsed = JSON.parse(secretValue(object, key) ?? '') as Partial<RabbitDefinitions>;
        if (Array.isArray(parsed.users) && Array.isArray(parsed.permissions)) {
          return { resource, field: `data.${key}`, definitions: parsed as RabbitDefinitions };
        }
      } catch {
        // Not JSON: not a definitions file.
      }
    }
  }
  return undefined;
}

/** Every rendered Service's namespaces, by its name. */
function servicesByName(resources: RenderedResource[]): Map<string, string[]> {
  const services = new Map<string, string[]>();
  for (const { object } of resources) {
    if (object.kind !== 'Service' || !object.metadata.namespace) continue;
    services.set(object.metadata.name, [
      ...(services.get(object.metadata.name) ?? []),
      object.metadata.namespace,
    ]);
  }
  return services;
}

/** RabbitMQ reads an empty permission as ^$, which matches no name. */
function matchesNothing(pattern: string): boolean {
  return pattern === '' || pattern === '^$';
}
