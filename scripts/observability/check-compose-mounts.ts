import { existsSync } from 'node:fs';
import path from 'node:path';
import { problem, readYaml, root } from './observability-files';

/** Every file docker-compose.yml mounts from deploy/ exists. */
export function checkComposeMounts(file: string) {
  const compose = readYaml(file) as { services?: Record<string, { volumes?: unknown[] }> } | undefined;
  for (const [service, { volumes = [] }] of Object.entries(compose?.services ?? {})) {
    for (const volume of volumes) {
      if (typeof volume !== 'string' || !volume.startsWith('./deploy/')) continue;
      const source = volume.split(':')[0] ?? '';
      if (!existsSync(path.join(root, source)))
        problem(file, `${service} mounts ${source}, which does not exist`);
    }
  }
}
