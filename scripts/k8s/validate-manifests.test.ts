import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RenderedResource, renderKustomization } from './render-kustomization';
import { validateManifests } from './validate-manifests';

// Unit tests: they render and validate files, and need neither RabbitMQ nor Postgres.

const MANIFESTS = path.join(__dirname, '..', '..', 'deploy', 'k8s');
const BASE = path.join(MANIFESTS, 'base');
const DEV_OVERLAY = path.join(MANIFESTS, 'overlays', 'dev');

function withPdfDeployment(change: (container: Record<string, unknown>) => void): RenderedResource[] {
  const resources = renderKustomization(DEV_OVERLAY);
  const pdf = resources.find(({ object }) => object.kind === 'Deployment' && object.metadata.name === 'pdf');
  const spec = pdf?.object.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
  change(spec.template.spec.containers[0] as Record<string, unknown>);
  return resources;
}

describe('validate-k8s', () => {
  test('When the base and the dev overlay are rendered, then every resource passes its schema and the credential rules', () => {
    expect(validateManifests(renderKustomization(BASE))).toEqual([]);
    expect(validateManifests(renderKustomization(DEV_OVERLAY))).toEqual([]);
  });

  test('When a field is misspelt, then the problem names its file, resource and field', () => {
    const resources = withPdfDeployment((container) => {
      container.readinesProbe = container.readinessProbe;
      delete container.readinessProbe;
    });

    expect(validateManifests(resources)).toEqual([
      {
        source: path.relative(process.cwd(), path.join(BASE, 'pdf.yaml')),
        resource: 'Deployment/pdf',
        field: 'spec.template.spec.containers[0].readinesProbe',
        message: 'is not a field of Deployment here (misspelt or misplaced?)',
      },
    ]);
  });

  test('When a field has the wrong type, then the problem says which type the schema wants', () => {
    const resources = withPdfDeployment((container) => {
      container.ports = [{ name: 'http', containerPort: '3002' }];
    });

    expect(validateManifests(resources)).toEqual([
      expect.objectContaining({
        resource: 'Deployment/pdf',
        field: 'spec.template.spec.containers[0].ports[0].containerPort',
        message: 'must be integer',
      }),
    ]);
  });

  test("When a ScaledObject's trigger value is a number, then KEDA's schema rejects it", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    const email = resources.find(
      ({ object }) => object.kind === 'ScaledObject' && object.metadata.name === 'email',
    );
    const spec = email?.object.spec as { triggers: { metadata: Record<string, unknown> }[] };
    (spec.triggers[0] as { metadata: Record<string, unknown> }).metadata.value = 20;

    expect(validateManifests(resources)).toEqual([
      expect.objectContaining({ resource: 'ScaledObject/email', field: 'spec.triggers[0].metadata.value' }),
    ]);
  });

  test('When a ConfigMap is generated, then its name carries the hash kustomize gives the same data', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'kustomization-'));
    try {
      // kustomize's own test vector (api/hasher/hasher_test.go): data {one: ""} hashes to 9g67k2htb6.
      writeFileSync(
        path.join(directory, 'kustomization.yaml'),
        'configMapGenerator:\n  - name: settings\n    literals:\n      - one=\n',
      );

      const [configMap] = renderKustomization(directory);

      expect(configMap?.object.metadata.name).toBe('settings-9g67k2htb6');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test("When a generated Secret's value is 70 base64 characters or longer, then its name carries the hash kustomize gives it", () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'kustomization-'));
    try {
      // kustomize folds such a value over lines before hashing it; `kubectl kustomize` (v5.5)
      // named this one credentials-f7m8cg2m6m.
      writeFileSync(
        path.join(directory, 'kustomization.yaml'),
        'secretGenerator:\n  - name: credentials\n    literals:\n' +
          '      - DATABASE_URL=postgresql://analytics:analytics-dev@postgres:5432/shop\n',
      );

      const [secret] = renderKustomization(directory);

      expect(secret?.object.metadata.name).toBe('credentials-f7m8cg2m6m');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('When the base configuration is generated, then every Deployment reads it by its hashed name', () => {
    const resources = renderKustomization(BASE);
    const configMap = resources.find(({ object }) => object.kind === 'ConfigMap');
    const references = resources
      .filter(({ object }) => object.kind === 'Deployment')
      .map(({ object }) => {
        const spec = object.spec as {
          template: { spec: { containers: { envFrom: { configMapRef: { name: string } }[] }[] } };
        };
        return spec.template.spec.containers[0]?.envFrom[0]?.configMapRef.name;
      });

    expect(configMap?.object.metadata.name).toMatch(/^shop-config-[a-z0-9]{10}$/);
    // The five services, the operations service and the dashboard.
    expect(references).toEqual(Array(7).fill(configMap?.object.metadata.name));
  });
});

describe('validate-k8s: who reads which credentials', () => {
  type Env = { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
  type Container = { env: Env[]; envFrom?: unknown[] };
  type PodSpec = { initContainers?: Container[]; containers: Container[] };

  const find = (resources: RenderedResource[], kind: string, name: string) => {
    const found = resources.find(
      ({ object }) => object.kind === kind && object.metadata.name.startsWith(name),
    )?.object;
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const podOf = (resources: RenderedResource[], deployment: string) =>
    (find(resources, 'Deployment', deployment).spec as { template: { spec: PodSpec } }).template.spec;
  const variable = (container: Container | undefined, name: string) => {
    const found = container?.env.find((candidate) => candidate.name === name);
    if (!found?.valueFrom?.secretKeyRef) throw new Error(`no ${name} from a Secret`);
    return found.valueFrom.secretKeyRef;
  };
  const setSecretValue = (resources: RenderedResource[], secret: string, key: string, value: string) => {
    (find(resources, 'Secret', secret).data as Record<string, string>)[key] =
      Buffer.from(value).toString('base64');
  };
  const messages = (resources: RenderedResource[]) =>
    validateManifests(resources).map(({ resource, field, message }) => `${resource}: ${field} ${message}`);

  test("When a Deployment reads another service's Secret, then the problem names the field and both Secrets", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    variable(podOf(resources, 'email').containers[0], 'DATABASE_URL').name = 'shop-checkout';

    expect(messages(resources)).toEqual([
      'Deployment/email: spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name ' +
        `reads Secret "shop-checkout", checkout's; a service reads only its own, "shop-email"`,
    ]);
  });

  test("When a Deployment reads a shared Secret, then it is refused like another service's", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    const [pdf] = podOf(resources, 'pdf').containers;
    if (pdf) pdf.envFrom = [...(pdf.envFrom ?? []), { secretRef: { name: 'shop-secrets' } }];

    expect(messages(resources)).toEqual([
      'Deployment/pdf: spec.template.spec.containers[0].envFrom[1].secretRef.name ' +
        `reads Secret "shop-secrets", shared or no service's own; a service reads only its own, "shop-pdf"`,
    ]);
  });

  test("When the migration reads checkout's Secret, then it is told to run as migrator", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    variable(podOf(resources, 'checkout').initContainers?.[0], 'DATABASE_URL').name = 'shop-checkout';

    expect(messages(resources)).toEqual([
      'Deployment/checkout: spec.template.spec.initContainers[0].env[0].valueFrom.secretKeyRef.name ' +
        'gives the migration DATABASE_URL from Secret "shop-checkout"; it runs as migrator, from Secret "shop-migrator"',
    ]);
  });

  test("When KEDA's authentication reads a service's AMQP_URL, then the Secret, its user and its host are refused", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    // As the manifests once had it: the host parameter, credentials included, from a service's URL.
    const authentication = find(resources, 'TriggerAuthentication', 'rabbitmq-amqp');
    authentication.spec = { secretTargetRef: [{ parameter: 'host', name: 'shop-email', key: 'AMQP_URL' }] };

    expect(messages(resources)).toEqual([
      'TriggerAuthentication/rabbitmq-amqp: spec.secretTargetRef[0].name reads Secret "shop-email", ' +
        `email's; KEDA reads RabbitMQ as queue-monitor, from "shop-queue-monitor" only`,
      'Secret/shop-email: data.AMQP_URL names host "rabbitmq", which KEDA resolves in its own namespace ' +
        '(keda); write rabbitmq.shop-dev.svc.cluster.local',
      `Secret/shop-email: data.AMQP_URL logs KEDA in as "email", a service's RabbitMQ user`,
      expect.stringMatching(
        /^Secret\/rabbitmq-definitions-\w+: data.definitions.json lets KEDA's user "email" configure \(declare, delete\) and read \(consume\) queues;/,
      ),
    ]);
  });

  test("When KEDA logs in as a service's user, then the problem points at its Secret's username", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    setSecretValue(resources, 'shop-queue-monitor', 'username', 'pdf');

    expect(messages(resources)).toEqual(
      expect.arrayContaining([
        `Secret/shop-queue-monitor: data.username logs KEDA in as "pdf", a service's RabbitMQ user`,
      ]),
    );
  });

  test('When KEDA logs in as the admin user, then both the name and its rights in the definitions are refused', () => {
    const resources = renderKustomization(DEV_OVERLAY);
    setSecretValue(resources, 'shop-queue-monitor', 'username', 'admin');

    const found = validateManifests(resources);

    expect(found).toContainEqual(
      expect.objectContaining({
        resource: 'Secret/shop-queue-monitor',
        field: 'data.username',
        message: 'logs KEDA in as "admin", a user with every right',
      }),
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        resource: expect.stringMatching(/^Secret\/rabbitmq-definitions-/),
        message: `gives KEDA's user "admin" the tags administrator; it needs none`,
      }),
    );
  });

  test("When the definitions let KEDA's user read the queues it watches, then the definitions are refused", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    const secret = find(resources, 'Secret', 'rabbitmq-definitions');
    const data = secret.data as Record<string, string>;
    const definitions = JSON.parse(Buffer.from(data['definitions.json'] ?? '', 'base64').toString()) as {
      permissions: { user: string; read: string }[];
    };
    for (const permission of definitions.permissions) {
      if (permission.user === 'queue-monitor') permission.read = '.*';
    }
    data['definitions.json'] = Buffer.from(JSON.stringify(definitions)).toString('base64');

    expect(messages(resources)).toEqual([
      `${secret.kind}/${secret.metadata.name}: data.definitions.json lets KEDA's user "queue-monitor" ` +
        'read (consume) queues; it may only look up their lengths',
    ]);
  });

  test("When a ScaledObject watches a queue KEDA's user may not look up, then the definitions are refused", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    const spec = find(resources, 'ScaledObject', 'email').spec as {
      triggers: { metadata: { queueName: string } }[];
    };
    const [trigger] = spec.triggers;
    if (trigger) trigger.metadata.queueName = 'email.dlq';

    expect(messages(resources)).toEqual([
      expect.stringMatching(
        /^Secret\/rabbitmq-definitions-\w+: data.definitions.json does not let KEDA's user "queue-monitor" look up email.dlq, which a ScaledObject watches$/,
      ),
    ]);
  });

  test("When KEDA's host is a bare Service name, then it is refused as resolved in KEDA's own namespace", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    setSecretValue(resources, 'shop-queue-monitor', 'host', 'amqp://rabbitmq:5672');

    expect(messages(resources)).toEqual([
      'Secret/shop-queue-monitor: data.host names host "rabbitmq", which KEDA resolves in its own ' +
        'namespace (keda); write rabbitmq.shop-dev.svc.cluster.local',
    ]);
  });

  test("When KEDA's host leaves out the cluster domain or names another namespace, then it is refused", () => {
    const resources = renderKustomization(DEV_OVERLAY);
    setSecretValue(resources, 'shop-queue-monitor', 'host', 'amqp://rabbitmq.shop-dev:5672');
    const unqualified = messages(resources);
    setSecretValue(resources, 'shop-queue-monitor', 'host', 'amqp://rabbitmq.shop.svc.cluster.local:5672');
    const elsewhere = messages(resources);

    expect(unqualified).toEqual([
      'Secret/shop-queue-monitor: data.host names host "rabbitmq.shop-dev", which is not fully ' +
        'qualified; write rabbitmq.shop-dev.svc.cluster.local',
    ]);
    expect(elsewhere).toEqual([
      'Secret/shop-queue-monitor: data.host names host "rabbitmq.shop.svc.cluster.local", but Service ' +
        'rabbitmq is in namespace shop-dev',
    ]);
  });
});
