/** The project directory and the files the acceptance runner reads from it. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const projectPath = (relative: string): string => join(PROJECT_ROOT, relative);

export const projectFileExists = (relative: string): boolean => existsSync(projectPath(relative));

export const readProjectText = (relative: string): string => readFileSync(projectPath(relative), 'utf8');

export const readProjectJson = (relative: string): unknown => JSON.parse(readProjectText(relative)) as unknown;

/** Every non-empty line of a JSON Lines file, parsed. */
export const readProjectJsonLines = (relative: string): unknown[] =>
  readProjectText(relative)
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as unknown);

export interface ConnectorMetadata {
  dockerRepository: string;
  dockerImageTag: string;
}

/** The `data.dockerRepository` and `data.dockerImageTag` of metadata.yaml. */
export function readMetadata(): ConnectorMetadata {
  const document = parse(readProjectText('metadata.yaml')) as unknown;
  const data = isObject(document) ? document['data'] : undefined;
  if (!isObject(data) || typeof data['dockerRepository'] !== 'string' || typeof data['dockerImageTag'] !== 'string') {
    throw new Error('metadata.yaml has no data.dockerRepository and data.dockerImageTag');
  }
  return { dockerRepository: data['dockerRepository'], dockerImageTag: data['dockerImageTag'] };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
