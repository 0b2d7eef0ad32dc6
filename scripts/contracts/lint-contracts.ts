import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** What `redocly lint --format json` writes to stdout for one document. */
interface RedoclyReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: {
    ruleId: string;
    severity: 'error' | 'warn';
    message: string;
    location: { pointer?: string }[];
  }[];
}

/**
 * Lints the committed documents with two linters, each with its rules checked
 * in at the root: Spectral (.spectral.yaml: spectral:oas and
 * spectral:asyncapi) and Redocly CLI (redocly.yaml: `recommended`, which
 * covers OpenAPI and AsyncAPI 3.0 alike). Any warning fails, as any error
 * does. Spectral says so with --fail-severity; Redocly's exit status counts
 * errors only, and its maintainers' advice is to raise rules to `error`
 * (Redocly/redocly-cli#1290), which a rule new to `recommended` would slip
 * past, so its JSON report is counted instead, one document at a time (given
 * several, it writes one report after another). Returns whether both are clean.
 */
export function lintContracts(root: string, files: readonly string[]): boolean {
  const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

  console.log(`Spectral (.spectral.yaml), ${files.length} documents:`);
  const spectral = spawnSync(
    bin('spectral'),
    ['lint', '--ruleset', '.spectral.yaml', '--fail-severity', 'warn', ...files],
    { cwd: root, stdio: 'inherit' },
  );

  console.log(`\nRedocly CLI (redocly.yaml), ${files.length} documents:`);
  const redoclyClean = files.map((file) => lintWithRedocly(bin('redocly'), root, file)).every(Boolean);

  return spectral.status === 0 && redoclyClean;
}

function lintWithRedocly(redocly: string, root: string, file: string): boolean {
  // Its progress and notices go to stderr, kept unless it fails to report.
  const run = spawnSync(redocly, ['lint', '--format', 'json', file], { cwd: root, encoding: 'utf8' });
  if (!run.stdout) {
    console.error(`${file}: Redocly wrote no report (exit status ${run.status})\n${run.stderr}`);
    return false;
  }
  const { totals, problems } = JSON.parse(run.stdout) as RedoclyReport;
  console.log(`${file}: ${totals.errors} errors, ${totals.warnings} warnings`);
  for (const { severity, ruleId, message, location } of problems) {
    console.log(`  ${severity} ${ruleId} at ${location[0]?.pointer ?? '(document)'}: ${message}`);
  }
  return run.status === 0 && totals.errors + totals.warnings === 0;
}
