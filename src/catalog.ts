import { configError } from './errors.js';
import { readJsonFile } from './json-file.js';
import type { SyncMode } from './protocol/messages.js';
import { compileSchema, describeErrors } from './validation.js';

export interface ConfiguredStream {
  name: string;
  syncMode: SyncMode;
}

interface RawConfiguredCatalog {
  streams: Array<{
    stream: { name: string; namespace?: string };
    sync_mode: SyncMode;
    cursor_field?: string[];
  }>;
}

const CONFIGURED_CATALOG_SCHEMA = {
  type: 'object',
  required: ['streams'],
  properties: {
    streams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stream', 'sync_mode'],
        properties: {
          stream: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, namespace: { type: 'string' } },
          },
          sync_mode: { enum: ['full_refresh', 'incremental'] },
          destination_sync_mode: { type: 'string' },
          cursor_field: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

/** Reads a configured catalog and keeps only what the read needs: which stream, which mode. */
export async function loadCatalog(path: string, knownStreams: readonly string[]): Promise<ConfiguredStream[]> {
  return parseCatalog(await readJsonFile(path, 'catalog'), knownStreams);
}

export function parseCatalog(raw: unknown, knownStreams: readonly string[]): ConfiguredStream[] {
  const validate = compileSchema<RawConfiguredCatalog>(CONFIGURED_CATALOG_SCHEMA);
  if (!validate(raw)) {
    throw configError(`The configured catalog is invalid: ${describeErrors(validate.errors, 'The catalog')}.`);
  }
  if (raw.streams.length === 0) {
    throw configError(`The configured catalog selects no stream; select one of: ${knownStreams.join(', ')}.`);
  }
  return raw.streams.map((entry) => {
    if (!knownStreams.includes(entry.stream.name)) {
      throw configError(
        `The configured catalog asks for the stream '${entry.stream.name}', which this source does not have; it has: ${knownStreams.join(', ')}.`,
      );
    }
    return { name: entry.stream.name, syncMode: entry.sync_mode };
  });
}
