/**
 * The shop's RabbitMQ users, permissions and topology, written as a definitions file that the
 * broker imports at boot, in compose and in the Kubernetes dev overlay (deploy/rabbitmq/README.md):
 *
 *   npm run rabbitmq:definitions                     write deploy/rabbitmq/definitions.json
 *   npm run rabbitmq:definitions -- --check          exit 1 when that file is not what this would write
 *   npm run rabbitmq:definitions -- --output <file>  write another file, with passwords of your own
 *
 * Everything comes from the service registry and its topology, so a new consumer gets its user,
 * permissions and queues by running this again. The committed file has the development
 * passwords (`<user>-dev`, guest's `guest`). With --output, every password comes from
 * RABBITMQ_<USER>_PASSWORD (RABBITMQ_ADMIN_PASSWORD, RABBITMQ_CHECKOUT_PASSWORD...,
 * RABBITMQ_QUEUE_MONITOR_PASSWORD), in the environment or in the .env file compose reads, none
 * may be missing, and there is no guest user. Files hold only salted hashes. A hash already in
 * the file is kept while it still matches its password, so running this again changes nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Command } from 'commander';
import { buildDefinitions, type Definitions } from './rabbitmq/definitions';
import { hashPassword, passwordMatches } from './rabbitmq/password-hash';
import {
  developmentPasswords,
  environmentPasswords,
  fullAccessAccounts,
  queueMonitorAccount,
  serviceAccounts,
  shopTopology,
} from './rabbitmq/shop-accounts';

const ROOT = path.join(__dirname, '..');
const DEFINITIONS_FILE = path.join(ROOT, 'deploy', 'rabbitmq', 'definitions.json');
const DOT_ENV = path.join(ROOT, '.env');

new Command('rabbitmq-definitions')
  .option('--output <file>', 'write this file instead, with the passwords from RABBITMQ_<USER>_PASSWORD')
  .option('--check', 'write nothing; fail when deploy/rabbitmq/definitions.json is not what would be written')
  .action((options: { output?: string; check?: boolean }) => {
    const file = options.output ?? DEFINITIONS_FILE;
    const name = path.relative(process.cwd(), file);
    const { topology } = shopTopology();
    // Like compose, the environment wins over .env.
    if (options.output && existsSync(DOT_ENV)) process.loadEnvFile(DOT_ENV);
    const passwords = options.output
      ? environmentPasswords(topology, { fallBackToDevelopment: false })
      : developmentPasswords(topology);
    const existing = readDefinitions(file);
    const definitions = generate(passwords, existing, { development: !options.output });
    if (options.check) {
      if (existing && isDeepStrictEqual(existing, definitions)) {
        console.log(`${name} matches the registry.`);
        return;
      }
      console.error(`${name} is not what the registry gives; run \`npm run rabbitmq:definitions\`.`);
      process.exitCode = 1;
      return;
    }
    writeFileSync(file, `${JSON.stringify(definitions, null, 2)}\n`);
    console.log(
      `Wrote ${name}: ${definitions.users.length} users, ${definitions.queues.length} queues, ` +
        `${definitions.bindings.length} bindings.`,
    );
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });

function generate(
  passwords: Map<string, string>,
  existing: Definitions | undefined,
  { development }: { development: boolean },
): Definitions {
  const { topology, deliveryLimit } = shopTopology();
  // The hash already written for a user, while it still matches the password; a new one otherwise.
  const hashFor = (user: string) => {
    const password = passwords.get(user) ?? '';
    const written = existing?.users.find((candidate) => candidate.name === user)?.password_hash;
    return written && passwordMatches(written, password) ? written : hashPassword(password);
  };
  return buildDefinitions(
    topology,
    deliveryLimit,
    serviceAccounts(topology).map((account) => ({ ...account, passwordHash: hashFor(account.service) })),
    fullAccessAccounts({ development }).map(({ name, tags }) => ({
      name,
      tags: [...tags],
      passwordHash: hashFor(name),
    })),
    [queueMonitorAccount(topology)].map((account) => ({ ...account, passwordHash: hashFor(account.name) })),
  );
}

function readDefinitions(file: string): Definitions | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Definitions;
}
