/** Configured catalogs: loading them from the project and deriving the variants the tests need. */
import { isObject, readProjectJson } from './project.js';
import { valueAt } from './messages.js';

export interface ConfiguredStream {
  stream: {
    name: string;
    json_schema: Record<string, unknown>;
    supported_sync_modes: string[];
    source_defined_cursor?: boolean;
    default_cursor_field?: string[];
    source_defined_primary_key?: string[][];
  };
  sync_mode: string;
  destination_sync_mode: string;
  cursor_field?: string[];
  primary_key?: string[][];
}

export interface ConfiguredCatalog {
  streams: ConfiguredStream[];
}

export function loadCatalog(path: string): ConfiguredCatalog {
  const catalog = readProjectJson(path);
  if (!isObject(catalog) || !Array.isArray(catalog['streams']) || catalog['streams'].length === 0) {
    throw new Error(`${path} is not a configured catalog with at least one stream`);
  }
  return catalog as unknown as ConfiguredCatalog;
}

const mapStreams = (catalog: ConfiguredCatalog, change: (stream: ConfiguredStream) => ConfiguredStream): ConfiguredCatalog => ({
  ...catalog,
  streams: structuredClone(catalog.streams).map(change),
});

/** Every stream read as a full refresh (overwrite), as the full_refresh tests do. */
export const asFullRefresh = (catalog: ConfiguredCatalog): ConfiguredCatalog =>
  mapStreams(catalog, (s) => ({ ...s, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }));

/** Every stream read incrementally. */
export const asIncremental = (catalog: ConfiguredCatalog): ConfiguredCatalog =>
  mapStreams(catalog, (s) => ({
    ...s,
    sync_mode: 'incremental',
    destination_sync_mode: s.destination_sync_mode === 'overwrite' ? 'append_dedup' : s.destination_sync_mode,
  }));

/** The first stream renamed to one the source does not have. */
export const withUnknownStream = (catalog: ConfiguredCatalog, name: string): ConfiguredCatalog =>
  mapStreams(catalog, (s) => ({ ...s, stream: { ...s.stream, name } }));

/** Every stream with a sync mode the protocol does not define. */
export const withInvalidSyncMode = (catalog: ConfiguredCatalog, mode: string): ConfiguredCatalog =>
  mapStreams(catalog, (s) => ({ ...s, sync_mode: mode }));

export const primaryKeyOf = (stream: ConfiguredStream): string[][] => stream.primary_key ?? stream.stream.source_defined_primary_key ?? [];

export const cursorFieldOf = (stream: ConfiguredStream): string[] => stream.cursor_field ?? stream.stream.default_cursor_field ?? [];

/** A record's identity: the JSON of its primary-key values (the whole data when the stream has no key). */
export function recordKey(data: Record<string, unknown>, primaryKey: string[][]): string {
  return JSON.stringify(primaryKey.length === 0 ? data : primaryKey.map((path) => valueAt(data, path)));
}

/** A stream as discover announces it. */
export type DiscoveredStreamShape = ConfiguredStream['stream'];

/**
 * The catalog CAT's basic_read builds when no configured catalog is given (always at high
 * strictness): every discovered stream but the declared empty ones, in its first supported sync
 * mode, appended, with the default cursor and the source-defined primary key.
 */
export function catalogFromDiscovered(streams: readonly DiscoveredStreamShape[], emptyStreams: readonly string[] = []): ConfiguredCatalog {
  return {
    streams: streams
      .filter((stream) => !emptyStreams.includes(stream.name))
      .map((stream) => ({
        stream,
        sync_mode: stream.supported_sync_modes[0] ?? 'full_refresh',
        destination_sync_mode: 'append',
        ...(stream.default_cursor_field ? { cursor_field: stream.default_cursor_field } : {}),
        ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
      })),
  };
}
