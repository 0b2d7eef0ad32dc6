import { variableName } from '@shared/core/config';
import {
  type ServiceManifest,
  SHOP_CONSUMERS,
  SHOP_MANIFEST,
  SHOP_REGISTRY,
  type ShopProcess,
} from '@shop/contracts/registry';

/** One consumer's block of docker-compose.yml, from its manifest entry. */
function consumerBlock(name: ShopProcess): string[] {
  const manifest = SHOP_MANIFEST[name];
  const compose: ServiceManifest['compose'] & object = 'compose' in manifest ? manifest.compose : {};
  const port = manifest.port;
  const lines = manifest.scalesOut
    ? [
        `  # No published port, so \`docker compose up --scale ${name}=3\` runs three workers sharing`,
        `  # ${name}.${SHOP_REGISTRY.entry(name).queue}.`,
      ]
    : [];
  lines.push(
    `  ${name}:`,
    '    build: .',
    `    command: ["node", "services/${name}/dist/main.js"]`,
    '    environment:',
    '      <<: *app-env',
    `      DATABASE_URL: postgresql://${name}:\${POSTGRES_${variableName(name)}_PASSWORD:-${name}-dev}@postgres:5432/\${POSTGRES_DB:-shop}`,
    `      AMQP_URL: amqp://${name}:\${RABBITMQ_${variableName(name)}_PASSWORD:-${name}-dev}@\${RABBITMQ_HOST:-rabbitmq}`,
    `      PORT: "${port}"`,
    `      SIMULATED_LATENCY_MS: \${${variableName(name)}_LATENCY_MS:-0}`,
    `      FAILURE_RATE: \${${variableName(name)}_FAILURE_RATE:-0}`,
  );
  if (compose.environment) {
    lines.push('      # Its own settings: docs/configuration.md.');
    for (const [key, value] of Object.entries(compose.environment)) lines.push(`      ${key}: ${value}`);
  }
  if (!manifest.scalesOut) lines.push(`    ports: ["\${PUBLISH_ADDRESS:-127.0.0.1}:${port}:${port}"]`);
  if (compose.volumes) lines.push('    volumes:', ...compose.volumes.map((volume) => `      - ${volume}`));
  if (compose.waitsFor) {
    lines.push('    depends_on:', '      <<: *needs-infrastructure');
    for (const service of compose.waitsFor) lines.push(`      ${service}: { condition: service_healthy }`);
  } else {
    lines.push('    depends_on: *needs-infrastructure');
  }
  lines.push(...healthcheck(port, 'readyz'), '    stop_grace_period: 45s');
  if (compose.companion) lines.push('', ...companionBlock(name, compose.companion));
  return lines;
}

/** A process that runs beside a consumer in compose only, e.g. the merchant's webhook receiver. */
function companionBlock(
  of: string,
  { name, command, port, environment }: NonNullable<NonNullable<ServiceManifest['compose']>['companion']>,
): string[] {
  return [
    `  # Beside ${of}, in compose only: http://localhost:${port} shows what it received.`,
    `  ${name}:`,
    '    build: .',
    `    command: ["node", "${command}"]`,
    '    environment:',
    `      PORT: "${port}"`,
    ...Object.entries(environment).map(([key, value]) => `      ${key}: ${value}`),
    `    ports: ["\${PUBLISH_ADDRESS:-127.0.0.1}:${port}:${port}"]`,
    ...healthcheck(port, 'healthz'),
  ];
}

function healthcheck(port: number, path: 'readyz' | 'healthz'): string[] {
  return [
    '    healthcheck:',
    '      test:',
    '        [',
    '          "CMD",',
    '          "node",',
    '          "-e",',
    `          "fetch('http://localhost:${port}/${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",`,
    '        ]',
    '      interval: 5s',
    '      timeout: 5s',
    '      retries: 20',
  ];
}

/** The consumers' blocks, a blank line between two. */
export const consumerBlocks = (): string[] =>
  SHOP_CONSUMERS.flatMap((name, index) => [...(index > 0 ? [''] : []), ...consumerBlock(name)]);

/** The dashboard's URL of every process it reads, inside the compose network. */
export const dashboardUrls = (): string[] =>
  (['checkout', 'operations', ...SHOP_CONSUMERS] as ShopProcess[]).map(
    (name) => `      ${variableName(name)}_URL: http://${name}:${SHOP_MANIFEST[name].port}`,
  );
