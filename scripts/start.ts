/**
 * `npm start`: every process of the shop on this machine, in one terminal,
 * each line prefixed with its name: a development SMTP server, then each
 * process of the manifest (contracts/src/registry/shop-registry.ts). A
 * process runs its `start:<name>` script of package.json when it has one
 * (checkout and the dashboard set demo values there, webhooks the local
 * receiver's address), else its src/main.ts; and a process's companion (the
 * webhook receiver) through its `start:<companion>` script.
 * One that fails stops the others.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ServiceManifest, SHOP_MANIFEST, SHOP_PROCESSES } from '@shop/contracts/registry';
import concurrently from 'concurrently';

const root = path.resolve(__dirname, '..');
const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const COLORS = ['green', 'blue', 'magenta', 'yellow', 'cyan', 'white', 'red', 'greenBright', 'blueBright'];

/** What runs beside a process on a development machine only (webhooks' merchant receiver). */
const companions = SHOP_PROCESSES.flatMap((name) => {
  const entry: ServiceManifest = SHOP_MANIFEST[name];
  const companion = entry.compose?.companion?.name;
  return companion && scripts[`start:${companion}`] ? [companion] : [];
});

const commands = [
  { name: 'smtp', command: 'npm:start:smtp', prefixColor: 'gray' },
  ...companions.map((name) => ({ name, command: `npm:start:${name}`, prefixColor: 'gray' })),
  ...SHOP_PROCESSES.map((name, index) => ({
    name,
    command: scripts[`start:${name}`]
      ? `npm:start:${name}`
      : `tsx --conditions=source services/${name}/src/main.ts`,
    prefixColor: COLORS[index % COLORS.length],
    env: { LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty' },
  })),
];

const { result } = concurrently(commands, { killOthersOn: ['failure'], cwd: root });
result.then(
  () => process.exit(0),
  () => process.exit(1),
);
