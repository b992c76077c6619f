import type { SyncMode } from '../protocol/messages.js';
import { instantFromMillis, type Instant } from './instant.js';
import type { SavedState } from './state.js';

/** Where a full refresh without a backfill time starts: before any Rootly account existed. */
const HISTORY_START = instantFromMillis(Date.UTC(2015, 0, 1));

/**
 * Where a sync starts, as the state it would save before reading anything: an incremental sync
 * resumes from its saved state; else from the backfill time; else a full refresh reads all history
 * and an incremental sync begins at `end`, the sync's upper bound, so its first sync brings nothing.
 */
export function startingPoint(
  syncMode: SyncMode,
  saved: SavedState | undefined,
  backfillStart: Instant | undefined,
  end: Instant,
): SavedState {
  if (syncMode === 'incremental' && saved) return saved;
  const start = backfillStart ?? (syncMode === 'full_refresh' ? HISTORY_START : end);
  return { position: { instant: start, ids: [] }, ahead: [] };
}

/** A difference between the two clocks larger than this is worth a warning. */
export const NOTABLE_CLOCK_SKEW_MS = 5_000;

export interface UpperBound {
  /** The sync reads [start, end): frozen for the whole sync, on a whole second. */
  end: Instant;
  /** The local clock minus Rootly's, when Rootly's is known (positive: the local one is ahead). */
  skewMs?: number;
}

/**
 * The sync's upper bound: the earlier of the local clock and Rootly's (the Date of one of its
 * answers), minus the settle delay. Records are stamped by Rootly's clock: a local clock ahead
 * would put the bound in Rootly's future, and a record Rootly writes after the sync but before that
 * bound would lie behind the saved cursor, never read. A local clock behind only makes the sync
 * read a little less, which the next sync reads.
 */
export function upperBound(localNowMs: number, serverNowMs: number | undefined, settleDelayMs: number): UpperBound {
  const now = serverNowMs === undefined ? localNowMs : Math.min(localNowMs, serverNowMs);
  const end = instantFromMillis(Math.floor((now - settleDelayMs) / 1000) * 1000);
  return serverNowMs === undefined ? { end } : { end, skewMs: localNowMs - serverNowMs };
}
