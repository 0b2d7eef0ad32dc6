import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

/** One generated document: where it is committed, and what it holds. */
export interface ContractFile {
  /** Relative to the repository's root. */
  path: string;
  content: string;
}

/** A committed document that is not what the code generates. */
export interface Drift {
  path: string;
  problem: 'missing' | 'differs';
}

export const OPENAPI_DIRECTORY = 'contracts/openapi';
export const ASYNCAPI_FILE = 'docs/asyncapi.yaml';

const YAML_HEADER =
  '# Generated from contracts/src/events and the registry by `npm run contracts:generate`; do not edit.\n';

/** The files `npm run contracts:generate` writes: one OpenAPI document per service, and the AsyncAPI document. */
export function contractFiles(openApi: Record<string, unknown>, asyncApi: unknown): ContractFile[] {
  return [
    ...Object.entries(openApi).map(([service, document]) => ({
      path: `${OPENAPI_DIRECTORY}/${service}.json`,
      content: `${JSON.stringify(document, null, 2)}\n`,
    })),
    // No line folding, so a long description stays on one line and diffs stay small.
    {
      path: ASYNCAPI_FILE,
      content: YAML_HEADER + stringify(asyncApi, { lineWidth: 0, aliasDuplicateObjects: false }),
    },
  ];
}

/**
 * The generated files that differ from what `read` finds committed. The
 * comparison is of the whole text: the committed files are exactly what the
 * generator writes, so any difference is a change in the code not
 * regenerated, or an edit by hand.
 */
export function driftOf(files: ContractFile[], read: (path: string) => string | undefined): Drift[] {
  return files.flatMap((file): Drift[] => {
    const committed = read(file.path);
    if (committed === undefined) return [{ path: file.path, problem: 'missing' }];
    return committed === file.content ? [] : [{ path: file.path, problem: 'differs' }];
  });
}

/** Reads a committed file under `root`; undefined when it does not exist. */
export const readUnder =
  (root: string) =>
  (file: string): string | undefined => {
    const absolute = path.join(root, file);
    return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
  };
