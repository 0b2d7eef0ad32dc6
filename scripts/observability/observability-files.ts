import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The files the observability profile is made of, and the problems found in them, each naming its file. */

export const root = path.resolve(__dirname, '..', '..');
export const observability = path.join(root, 'deploy/observability');
export const files = {
  compose: path.join(root, 'docker-compose.yml'),
  prometheus: path.join(observability, 'prometheus.yml'),
  datasources: path.join(observability, 'grafana/provisioning/datasources/datasources.yml'),
  dashboards: path.join(observability, 'grafana/dashboards'),
};

export const problems: string[] = [];
export const relative = (file: string) => path.relative(root, file);
export const problem = (file: string, message: string) => problems.push(`${relative(file)}: ${message}`);

export function readYaml(file: string): unknown {
  try {
    // merge: docker-compose.yml shares settings through YAML merge keys (<<).
    return parseYaml(readFileSync(file, 'utf8'), { merge: true });
  } catch (error) {
    problem(file, `does not parse: ${(error as Error).message}`);
    return undefined;
  }
}
