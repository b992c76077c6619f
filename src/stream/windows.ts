import { compareInstants, instantFromMillis, instantToMillis, type Instant } from '../cursor/instant.js';
import type { WindowBounds } from '../cursor/window-cursor.js';

/** Empty stretches of history are crossed with growing windows, up to this many base sizes. */
const MAX_GROWTH = 256;

/**
 * Cuts [start, end) into windows read oldest first. Inner boundaries fall on whole seconds, so a
 * server that compares the created_at filters at second precision still splits the records exactly
 * where the connector does. After an empty window the next one doubles, so a long empty history
 * costs a few requests; `restartAtBaseSize` undoes the growth when a grown window proves dense.
 */
export class WindowPlanner {
  private nextStart: Instant;
  private growth = 1;
  private current: WindowBounds | undefined;

  constructor(
    start: Instant,
    private readonly end: Instant,
    private readonly baseSizeMs: number,
  ) {
    this.nextStart = start;
  }

  /** The next window, or undefined when the range is covered. */
  next(previousWasEmpty: boolean): WindowBounds | undefined {
    if (this.current) {
      this.growth = previousWasEmpty ? Math.min(this.growth * 2, MAX_GROWTH) : 1;
    }
    if (compareInstants(this.nextStart, this.end) >= 0) return undefined;
    const startMs = instantToMillis(this.nextStart);
    const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;
    const endMs = Math.max(wholeSecond(startMs + this.baseSizeMs * this.growth), wholeSecond(startMs) + 1000);
    const candidate = instantFromMillis(endMs);
    const windowEnd = compareInstants(candidate, this.end) < 0 ? candidate : this.end;
    this.current = { start: this.nextStart, end: windowEnd };
    this.nextStart = windowEnd;
    return this.current;
  }

  get isGrown(): boolean {
    return this.growth > 1;
  }

  /** Gives back the current window and plans it again at the base size. */
  restartAtBaseSize(): WindowBounds | undefined {
    if (!this.current) return undefined;
    this.nextStart = this.current.start;
    this.current = undefined;
    this.growth = 1;
    return this.next(false);
  }
}
