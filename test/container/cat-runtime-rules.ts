/**
 * The high-strictness rules CAT can only apply once it knows the catalog (conftest.py
 * `find_not_seeded_streams`, tests/test_incremental.py `future_state_fixture`).
 */
import type { ConfiguredCatalog } from './catalog.js';
import type { NamedReason } from './acceptance-config.js';
import { isObject } from './project.js';

/** Streams of the catalog, not declared empty, of which the expected-records file holds no record. */
export function streamsWithoutExpectedRecords(
  catalog: ConfiguredCatalog,
  emptyStreams: readonly NamedReason[],
  expectedLines: readonly unknown[],
): string[] {
  const empty = new Set(emptyStreams.map((stream) => stream.name));
  const seeded = new Set(expectedLines.map((line) => (isObject(line) ? line['stream'] : undefined)));
  return catalog.streams.map((s) => s.stream.name).filter((name) => !empty.has(name) && !seeded.has(name));
}

/** Incremental-capable streams of the catalog that the future-state file neither holds nor declares missing. */
export function streamsWithoutFutureState(
  catalog: ConfiguredCatalog,
  futureStates: unknown,
  missingStreams: readonly NamedReason[],
): string[] {
  const missing = new Set(missingStreams.map((stream) => stream.name));
  const states = Array.isArray(futureStates) ? futureStates : [];
  const inStates = new Set(
    states.map((state) => {
      const stream = isObject(state) ? state['stream'] : undefined;
      const descriptor = isObject(stream) ? stream['stream_descriptor'] : undefined;
      return isObject(descriptor) ? descriptor['name'] : undefined;
    }),
  );
  return catalog.streams
    .filter((s) => s.stream.supported_sync_modes.includes('incremental'))
    .map((s) => s.stream.name)
    .filter((name) => !missing.has(name) && !inStates.has(name));
}
