import { variableName } from '@shared/core/config';
import {
  DATABASE_SERVICES,
  type ServiceManifest,
  SHOP_CONSUMERS,
  SHOP_MANIFEST,
  SHOP_PROCESSES,
} from '@shop/contracts/registry';
import { consumerBlocks, dashboardUrls } from './compose-blocks';
import { devSecretsOf, templatedNames } from './kubernetes-consumers';
import { consumerScrapeJobs, serviceDownExpression } from './prometheus-targets';
import type { Region } from './regions';

/**
 * The deployment lists made from the manifest (contracts/src/registry/
 * shop-manifest.ts): each is a region of a hand-written file, which
 * `npm run generate` fills and `npm run generate -- --check` (CI) compares.
 */
/** The database roles: the migration role, then each service's. */
const ROLES = ['migrator', ...DATABASE_SERVICES];

export const MANIFEST_REGIONS: Region[] = [
  {
    file: 'README.md',
    name: 'services',
    lines: () =>
      markdownTable(
        ['process', 'port', 'what it does'],
        SHOP_PROCESSES.map((name) => [name, String(SHOP_MANIFEST[name].port), SHOP_MANIFEST[name].does]),
      ),
  },
  {
    file: '.env.example',
    name: 'postgres-passwords',
    lines: () => ROLES.map((role) => `# POSTGRES_${variableName(role)}_PASSWORD=${role}-dev`),
  },
  {
    file: '.env.example',
    name: 'rabbitmq-passwords',
    // The broker's users of the shop's processes: every process but the dashboard, which counts
    // the queues as operations (scripts/rabbitmq/shop-accounts.ts).
    lines: () =>
      SHOP_PROCESSES.filter((name) => name !== 'dashboard').map(
        (user) => `# RABBITMQ_${variableName(user)}_PASSWORD=${user}-dev`,
      ),
  },
  {
    file: '.env.example',
    name: 'latencies',
    lines: () => SHOP_CONSUMERS.map((name) => `# ${variableName(name)}_LATENCY_MS=0`),
  },
  {
    file: '.env.example',
    name: 'failure-rates',
    lines: () => SHOP_CONSUMERS.map((name) => `# ${variableName(name)}_FAILURE_RATE=0`),
  },
  {
    file: '.env.example',
    name: 'consumer-settings',
    // Every variable a consumer's compose block (or its companion's) reads, with its default.
    lines: () =>
      SHOP_CONSUMERS.flatMap((name) => {
        const manifest: ServiceManifest = SHOP_MANIFEST[name];
        const values = [
          ...Object.values(manifest.compose?.environment ?? {}),
          ...Object.values(manifest.compose?.companion?.environment ?? {}),
        ];
        return values.flatMap((value) => [...value.matchAll(/\$\{([A-Z0-9_]+):-([^}]*)\}/g)]);
      })
        .map(([, variable, fallback]) => `# ${variable}=${fallback}`)
        .filter((line, index, lines) => lines.indexOf(line) === index),
  },
  {
    file: 'docker-compose.yml',
    name: 'postgres-passwords',
    lines: () =>
      ROLES.map(
        (role) =>
          `      POSTGRES_${variableName(role)}_PASSWORD: \${POSTGRES_${variableName(role)}_PASSWORD:-${role}-dev}`,
      ),
  },
  { file: 'docker-compose.yml', name: 'consumers', lines: consumerBlocks },
  { file: 'docker-compose.yml', name: 'dashboard-urls', lines: dashboardUrls },
  { file: 'deploy/observability/prometheus.yml', name: 'consumers', lines: consumerScrapeJobs },
  { file: 'deploy/observability/alerts.yml', name: 'service-down', lines: serviceDownExpression },
  {
    file: 'deploy/k8s/base/kustomization.yaml',
    name: 'consumers',
    lines: () => SHOP_CONSUMERS.map((name) => `  - ${name}.yaml`),
  },
  {
    file: 'deploy/k8s/overlays/dev/secrets/kustomization.yaml',
    name: 'templated-consumers',
    lines: () =>
      templatedNames().flatMap((name) => [
        `  - name: shop-${name}`,
        '    literals:',
        `      - DATABASE_URL=postgresql://${name}:${name}-dev@postgres:5432/shop`,
        `      - AMQP_URL=amqp://${name}:${name}-dev@rabbitmq:5672`,
        '      - METRICS_TOKEN=dev-only-metrics-token-not-secret',
        ...Object.entries(devSecretsOf(name)).map(([key, value]) => `      - ${key}=${value}`),
      ]),
  },
  {
    file: 'deploy/k8s/overlays/dev/secrets/kustomization.yaml',
    name: 'postgres-passwords',
    lines: () => ROLES.map((role) => `      - POSTGRES_${variableName(role)}_PASSWORD=${role}-dev`),
  },
  {
    file: 'deploy/postgres/init-service-roles.sh',
    name: 'passwords',
    lines: () =>
      ROLES.map((role) => `set -- "$@" -v ${role}_password="$POSTGRES_${variableName(role)}_PASSWORD"`),
  },
  {
    file: 'deploy/postgres/service-roles.sql',
    name: 'services',
    lines: () => [
      `\\set services '${DATABASE_SERVICES.join(',')}'`,
      "-- Schemas that belong to no one service: the messaging runtime's coordination state (pause,",
      '-- circuit breaker, rate limits, scheduled jobs), which every service uses, and the simulated',
      "-- payment gateway's ledger, which checkout runs in-process (a real gateway keeps it elsewhere).",
      `\\set schemas '${[...DATABASE_SERVICES, 'runtime', 'gateway'].join(',')}'`,
    ],
  },
  {
    file: 'deploy/postgres/service-roles.sql',
    name: 'passwords',
    lines: () => ROLES.map((role) => `ALTER ROLE ${role} PASSWORD :'${role}_password';`),
  },
];

/** A table as the formatter lays it out: every column padded to its widest cell. */
function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}
