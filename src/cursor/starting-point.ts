import type { SyncMode } from '../protocol/messages.js';
import { parseInstantOrThrow, type Instant } from './instant.js';
import type { SavedState } from './state.js';

/** Where a full refresh without a backfill time starts: before any Rootly account existed. */
const HISTORY_START = parseInstantOrThrow('2015-01-01T00:00:00Z', 'history start');

/**
 * Where a sync starts, as the state it would save before reading anything: an incremental sync
 * resumes from its saved state; else from the backfill time; else a full refresh reads all history
 * and an incremental sync begins at `end`, the sync's upper bound, so its first sync brings nothing.
 */
export function startingPoint(syncMode: SyncMode, saved: SavedState | undefined, backfillStart: Instant | undefined, end: Instant): SavedState {
  if (syncMode === 'incremental' && saved) return saved;
  const start = backfillStart ?? (syncMode === 'full_refresh' ? HISTORY_START : end);
  return { position: { instant: start, ids: [] }, ahead: [] };
}
