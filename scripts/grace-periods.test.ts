import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, messagingVariables, parseDuration, shutdownDeadlineMs } from '@shared/core/config';
import { parse as parseYaml } from 'yaml';
import { type KubernetesObject, renderKustomization } from './k8s/render-kustomization';

/**
 * The platforms' grace periods against the processes' own shutdown deadline
 * (shutdownDeadlineMs: the stop waits as long as an attempt can last, then 5 s
 * to close). A platform that kills a process sooner kills it mid-send, and the
 * message goes back to the queue to be sent again. Unit tests: files only.
 */

const ROOT = path.join(__dirname, '..');
const SERVICES = ['checkout', 'email', 'pdf', 'inventory', 'analytics', 'dashboard'];

/** The process's deadline under the shutdown variables of `env` (the rest left at their defaults). */
function deadlineMs(env: Record<string, string | undefined>): number {
  const { HANDLER_TIMEOUT_MS, SHUTDOWN_TIMEOUT_MS } = env;
  return shutdownDeadlineMs(loadConfig(messagingVariables, { HANDLER_TIMEOUT_MS, SHUTDOWN_TIMEOUT_MS }));
}

interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: {
    env?: { name: string; value?: string }[];
    envFrom?: { configMapRef?: { name: string } }[];
    lifecycle?: { preStop?: { exec?: { command: string[] } } };
  }[];
}

describe('grace periods', () => {
  test.each(['base', 'overlays/dev'])(
    'When deploy/k8s/%s is rendered, then each service gets longer than its preStop pause and its own shutdown deadline',
    (kustomization) => {
      const resources = renderKustomization(path.join(ROOT, 'deploy', 'k8s', kustomization)).map(
        ({ object }) => object,
      );
      const configMaps = new Map(
        resources
          .filter((object) => object.kind === 'ConfigMap')
          .map((object) => [
            object.metadata.name,
            (object as KubernetesObject & { data?: object }).data ?? {},
          ]),
      );
      const deployments = resources.filter(
        (object) => object.kind === 'Deployment' && SERVICES.includes(object.metadata.name),
      );
      expect(deployments.map((object) => object.metadata.name).sort()).toEqual([...SERVICES].sort());

      const tooShort: string[] = [];
      for (const deployment of deployments) {
        const pod = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
        const [container] = pod.containers;
        const env = Object.assign(
          {},
          ...(container!.envFrom ?? []).map(
            ({ configMapRef }) => configMaps.get(configMapRef?.name ?? '') ?? {},
          ),
          ...(container!.env ?? []).map(({ name, value }) => ({ [name]: value })),
        );
        const [sleep, seconds] = container!.lifecycle?.preStop?.exec?.command ?? [];
        const preStopMs = sleep === 'sleep' ? Number(seconds) * 1_000 : 0;
        // Kubernetes' default is 30 s when the field is absent.
        const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1_000;
        const neededMs = preStopMs + deadlineMs(env);
        if (graceMs <= neededMs)
          tooShort.push(`${deployment.metadata.name}: ${graceMs} ms, needs more than ${neededMs} ms`);
      }
      expect(tooShort).toEqual([]);
    },
  );

  test("When docker-compose.yml stops a service, then it waits longer than the service's own shutdown deadline", () => {
    const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as {
      services: Record<string, { environment?: Record<string, string>; stop_grace_period?: string }>;
    };
    const tooShort: string[] = [];
    for (const service of SERVICES) {
      // Compose's default is 10 s when the field is absent.
      const { environment = {}, stop_grace_period: grace = '10s' } = compose.services[service]!;
      const graceMs = parseDuration(grace);
      if (graceMs <= deadlineMs(environment))
        tooShort.push(`${service}: ${graceMs} ms, needs more than ${deadlineMs(environment)} ms`);
    }
    expect(tooShort).toEqual([]);
  });
});
