/**
 * The published contracts, generated from the code:
 *
 *   npm run contracts:generate   write contracts/openapi/<service>.json and docs/asyncapi.yaml
 *   npm run contracts:check      write nothing; fail when a committed document is not what the code
 *                                generates, or a generated document is not valid OpenAPI 3.1 / AsyncAPI 3.0
 *   npm run contracts:lint       fail on any warning of Spectral or Redocly CLI on a committed document
 *
 * The OpenAPI documents come from each service's route descriptions (the zod schemas its routes
 * validate with, the same each service serves as /openapi.json); the AsyncAPI document from the
 * event contracts and the registry's topology with the default configuration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { asyncApiDocument } from './contracts/asyncapi-document';
import { contractFiles, driftOf, readUnder } from './contracts/contract-files';
import { lintContracts } from './contracts/lint-contracts';
import { openApiDocuments } from './contracts/openapi-documents';
import { validateContracts } from './contracts/validate-contracts';

const ROOT = path.join(__dirname, '..');

const program = new Command('contracts');
const generated = () => contractFiles(openApiDocuments(), asyncApiDocument());

program
  .command('generate')
  .description('write the OpenAPI documents and the AsyncAPI document')
  .action(async () => {
    const files = generated();
    await failOnInvalid(files);
    for (const file of files) {
      mkdirSync(path.dirname(path.join(ROOT, file.path)), { recursive: true });
      writeFileSync(path.join(ROOT, file.path), file.content);
      console.log(`Wrote ${file.path}`);
    }
  });

program
  .command('check')
  .description('fail when a committed document differs from what the code generates, or is not valid')
  .action(async () => {
    const files = generated();
    const drift = driftOf(files, readUnder(ROOT));
    for (const { path: file, problem } of drift) {
      console.error(
        problem === 'missing'
          ? `${file} is missing.`
          : `${file} is not what the code generates: a schema or route changed without regenerating it.`,
      );
    }
    await failOnInvalid(files);
    if (drift.length > 0) {
      console.error('Run `npm run contracts:generate` and commit the result.');
      process.exitCode = 1;
      return;
    }
    if (!process.exitCode) console.log(`${files.length} documents match the code and are valid.`);
  });

program
  .command('lint')
  .description('lint every committed document with Spectral and Redocly CLI; fail on any warning or error')
  .action(() => {
    const files = generated().map((file) => file.path);
    if (!lintContracts(ROOT, files)) {
      console.error('The contracts have lint problems: fix the route or event definitions they come from.');
      process.exitCode = 1;
      return;
    }
    console.log(`\n${files.length} documents pass Spectral and Redocly with no warning.`);
  });

async function failOnInvalid(files: ReturnType<typeof generated>) {
  const problems = await validateContracts(files);
  for (const problem of problems) console.error(`invalid: ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
}

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
