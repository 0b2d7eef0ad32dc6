/**
 * Writes the lists made from the shop's manifest into the files that hold
 * them (scripts/generate/manifest-lists.ts says which, and
 * kubernetes-consumers.ts the manifests it writes whole), then regenerates
 * the broker definitions and the API documents. With --check, writes
 * nothing and fails when a file differs from what it would write: CI runs it
 * that way, so a list edited by hand, or a manifest changed without
 * regenerating, fails the build.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { consumerManifests } from './generate/kubernetes-consumers';
import { MANIFEST_REGIONS } from './generate/manifest-lists';
import { render } from './generate/regions';
import { serviceApisFile } from './generate/service-apis';

const { check } = new Command('generate')
  .option('--check', 'write nothing; fail if a generated region differs')
  .parse()
  .opts<{ check?: boolean }>();

const root = path.resolve(__dirname, '..');
const files = render(MANIFEST_REGIONS, root, [...consumerManifests(), serviceApisFile()]);
const drifted = files.filter(({ changed }) => changed);

if (check) {
  if (drifted.length > 0) {
    console.error(
      `Out of date with the manifest: ${drifted.map(({ file }) => file).join(', ')}. Run \`npm run generate\`.`,
    );
    process.exit(1);
  }
  console.log(`${files.length} files match the manifest.`);
} else {
  for (const { file, text } of drifted) writeFileSync(path.join(root, file), text);
  console.log(
    drifted.length > 0 ? `Wrote ${drifted.map(({ file }) => file).join(', ')}.` : 'Nothing to write.',
  );
  // The other files made from the registry, which CI checks in steps of their own: the broker's
  // users, permissions and queues, and the OpenAPI and AsyncAPI documents.
  for (const script of ['rabbitmq:definitions', 'contracts:generate']) {
    const { status } = spawnSync('npm', ['run', '-s', script], { cwd: root, stdio: 'inherit' });
    if (status !== 0) process.exit(status ?? 1);
  }
}
