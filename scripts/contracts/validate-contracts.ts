import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import type { ContractFile } from './contract-files';
import { ASYNCAPI_FILE } from './contract-files';

/**
 * Validates every generated document against its specification: OpenAPI
 * with @readme/openapi-parser (the OpenAPI 3.1 schema and its own rules), the
 * AsyncAPI document with @asyncapi/parser (the AsyncAPI 3.0 schema and its
 * ruleset; warnings are shown, errors fail). Returns one line per problem.
 */
export async function validateContracts(files: ContractFile[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    if (file.path === ASYNCAPI_FILE) {
      const { diagnostics } = await new Parser().parse(file.content);
      for (const diagnostic of diagnostics) {
        // Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
        const line = `${file.path} ${diagnostic.path.join('.')}: ${diagnostic.message}`;
        if (diagnostic.severity === 0) problems.push(line);
        else if (diagnostic.severity === 1) console.warn(`warning: ${line}`);
      }
      continue;
    }
    const result = await validate(JSON.parse(file.content));
    if (!result.valid) {
      for (const error of result.errors) problems.push(`${file.path}: ${error.message}`);
    }
  }
  return problems;
}
