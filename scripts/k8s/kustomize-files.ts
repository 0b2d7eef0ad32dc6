import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type KubernetesObject, KustomizeError } from './kustomize-resource';

/** Reading a kustomization's files: YAML documents, lists and KEY=value entries, each error naming its file. */

export function parseYamlFile(file: string): unknown[] {
  return parseYamlText(readFileSync(file, 'utf8'), file);
}

export function parseYamlText(text: string, file: string): unknown[] {
  const documents = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const [problem] = document.errors;
    if (problem) throw new KustomizeError(file, `invalid YAML: ${problem.message}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

export function asKubernetesObject(value: unknown, file: string): KubernetesObject {
  const object = value as Partial<KubernetesObject>;
  if (!isObject(value) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
    throw new KustomizeError(file, 'every document must be a Kubernetes object with apiVersion and kind');
  }
  if (typeof object.metadata?.name !== 'string') {
    throw new KustomizeError(file, `${object.kind} without metadata.name`);
  }
  return value as KubernetesObject;
}

export function list(value: unknown, file: string, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KustomizeError(file, `${field} must be a list`);
  return value;
}

export function keyValue(entry: string, file: string): Record<string, string> {
  if (!entry.includes('=')) throw new KustomizeError(file, `"${entry}" is not KEY=value`);
  const [key, value] = splitOnce(entry, '=');
  return { [key]: value };
}

export function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function relative(file: string): string {
  return path.relative(process.cwd(), file);
}
