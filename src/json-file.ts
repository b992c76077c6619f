import { readFile } from 'node:fs/promises';
import { configError } from './errors.js';

/** Reads a JSON file given on the command line; every way it can be unusable is a config_error. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'unknown error'})`;
    throw configError(`The ${what} file ${path} ${reason}.`);
  }
  if (text.trim() === '') throw configError(`The ${what} file ${path} is empty; it must hold JSON.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw configError(`The ${what} file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
}
