import { readFile } from 'node:fs/promises';
import { configError } from './errors.js';

/** Reads a JSON file given on the command line; every way it can be unusable is a config_error. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code ?? 'unknown error'})`;
    throw configError(`The ${what} file ${path} ${reason}.`);
  }
  if (text.trim() === '') throw configError(`The ${what} file ${path} is empty; it must hold JSON.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw configError(`The ${what} file ${path} is not valid JSON${where(text, error as Error)}; check its quotes, commas and braces.`);
  }
}

/**
 * Where the parse failed, as line and column. Never the parser's own message: it quotes the text
 * around the error, which may be the API key itself (an unquoted key, say).
 */
function where(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return /end of JSON input/.test(error.message) ? ' (it ends too early)' : '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` (at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
