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
  test('When the base and the dev overlay are rendered, then every resource passes its schema', () => {
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
    // The five services and the dashboard.
    expect(references).toEqual(Array(6).fill(configMap?.object.metadata.name));
  });
});
