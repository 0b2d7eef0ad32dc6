/**
 * Validates the Kubernetes manifests offline, as CI does: renders each kustomization under
 * deploy/k8s (the base and every overlay), checks every resource against its schema, and checks
 * that each workload and KEDA read only their own credentials (k8s/least-privilege.ts).
 *
 *   npm run validate:k8s                                every kustomization under deploy/k8s
 *   npm run validate:k8s -- <directory>...              only these
 *   npm run validate:k8s -- --compare-with-kubectl      also require `kubectl kustomize` to render the same
 *
 * Exits 1 when anything is wrong, naming the file, the resource and the field.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { compareWithKubectl } from './k8s/compare-with-kubectl';
import { renderKustomization } from './k8s/render-kustomization';
import { validateManifests } from './k8s/validate-manifests';

const MANIFESTS_ROOT = path.join(__dirname, '..', 'deploy', 'k8s');

new Command('validate-k8s')
  .argument('[directories...]', 'kustomization directories (default: every one under deploy/k8s)')
  .option('--compare-with-kubectl', 'fail when `kubectl kustomize` renders something else')
  .action((directories: string[], options: { compareWithKubectl?: boolean }) => {
    const targets = directories.length > 0 ? directories : kustomizationsUnder(MANIFESTS_ROOT);
    let problemCount = 0;
    for (const directory of targets) {
      const name = path.relative(process.cwd(), path.resolve(directory)) || '.';
      const problems: string[] = [];
      let resourceCount = 0;
      try {
        const resources = renderKustomization(directory);
        resourceCount = resources.length;
        for (const problem of validateManifests(resources)) {
          problems.push(`${problem.source}: ${problem.resource}: ${problem.field} ${problem.message}`);
        }
        if (options.compareWithKubectl) problems.push(...compareWithKubectl(directory, resources));
      } catch (error) {
        problems.push((error as Error).message);
      }
      problemCount += problems.length;
      if (problems.length === 0) {
        console.log(`ok      ${name}: ${resourceCount} resources valid`);
      } else {
        console.error(`FAILED  ${name}: ${problems.length} problem(s)`);
        for (const problem of problems) console.error(`  ${problem}`);
      }
    }
    if (problemCount > 0) {
      console.error(`\nKubernetes manifests: ${problemCount} problem(s).`);
      process.exitCode = 1;
    }
  })
  .parse();

/** Every directory holding a kustomization.yaml, base before overlays. */
function kustomizationsUnder(root: string): string[] {
  const found: string[] = [];
  const visit = (directory: string) => {
    const entries = readdirSync(directory, { withFileTypes: true });
    if (entries.some((entry) => entry.isFile() && entry.name === 'kustomization.yaml')) found.push(directory);
    for (const entry of entries) if (entry.isDirectory()) visit(path.join(directory, entry.name));
  };
  visit(root);
  return found.sort();
}
