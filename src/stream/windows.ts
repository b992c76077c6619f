import { compareInstants, instantFromMillis, instantToMillis, type Instant } from '../cursor/instant.js';

/** Empty stretches of history are crossed with growing windows, up to this many base sizes. */
const MAX_GROWTH = 256;

/**
 * Epoch ms rounded down to a whole second. Every bound the connector chooses inside the sync's range
 * falls on one, so that a server comparing the created_at filters at second precision still splits
 * the records exactly where the connector does.
 */
export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** The end of a window that starts at `start`, `sizeMs` long, not past `limit`, on a whole second (see wholeSecond). */
export function windowEnd(start: Instant, limit: Instant, sizeMs: number): Instant {
  const startMs = instantToMillis(start);
  const candidate = instantFromMillis(Math.max(wholeSecond(startMs + sizeMs), wholeSecond(startMs) + 1000));
  return compareInstants(candidate, limit) < 0 ? candidate : limit;
}

/**
 * How long the next window is. After an empty window it doubles, so a long empty history costs a
 * few requests; after a window with records it returns to the configured size. Growth is only used
 * while windows are read one at a time: concurrent windows stay at the configured size.
 */
export class WindowSizer {
  private growth = 1;

  constructor(readonly baseSizeMs: number) {}

  get sizeMs(): number {
    return this.baseSizeMs * this.growth;
  }

  get isGrown(): boolean {
    return this.growth > 1;
  }

  windowDone(emittedRecords: number, mayGrow: boolean): void {
    this.growth = emittedRecords === 0 && mayGrow ? Math.min(this.growth * 2, MAX_GROWTH) : 1;
  }

  reset(): void {
    this.growth = 1;
  }
}
