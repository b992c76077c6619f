import { compareInstants, type Instant } from './instant.js';
import type { Position } from './state.js';

/** Distinct ascending steps a whole window must show before the server's sort is trusted. */
const STEPS_TO_EARN_TRUST = 20;

/**
 * Whether this sync may rely on the server returning ascending created_at order. Trust is earned
 * by a completed window read entirely in ascending order with enough distinct steps (a newest-first
 * server never shows one; a shuffled one practically never does), and lost for good on the first
 * record out of order. Until then only whole windows are checkpointed.
 */
export class SortTrust {
  private standing: 'unproven' | 'trusted' | 'revoked' = 'unproven';

  get trusted(): boolean {
    return this.standing === 'trusted';
  }

  /** A record was seen out of order: the server does not sort (by created_at, at least). */
  get revoked(): boolean {
    return this.standing === 'revoked';
  }

  revoke(): void {
    this.standing = 'revoked';
  }

  recordAscendingWindow(distinctSteps: number): void {
    if (this.standing === 'unproven' && distinctSteps >= STEPS_TO_EARN_TRUST) this.standing = 'trusted';
  }
}

export interface WindowBounds {
  start: Instant;
  end: Instant;
}

export type Admission = 'emit' | 'outside-window' | 'already-delivered' | 'duplicate';

/**
 * Decides, for one window [start, end), which records to emit and which state may be saved.
 *
 * Records are admitted when they fall inside the window, were not delivered by an earlier sync
 * (the ids at the starting cursor) and were not already served on an earlier page. The position
 * (newest instant emitted and the ids emitted at it) may be saved mid-window only while the sort is
 * trusted, every record of the window so far is in ascending order, and the next page has confirmed
 * it: a server that ignores `sort` therefore costs checkpoints, never records. Otherwise the only
 * state is the window's end, once all of it has been read.
 */
export class WindowCursor {
  private readonly seen = new Set<string>();
  private readonly deliveredAtStart: ReadonlySet<string>;
  private newest: Instant;
  private idsAtNewest: Set<string>;
  private ascending = true;
  private distinctSteps = 0;
  private emittedAny = false;
  private rereading = false;

  constructor(
    readonly bounds: WindowBounds,
    deliveredAtStart: readonly string[],
    private readonly sortTrust: SortTrust,
  ) {
    this.deliveredAtStart = new Set(deliveredAtStart);
    this.newest = bounds.start;
    this.idsAtNewest = new Set(deliveredAtStart);
  }

  /**
   * Looks at the next page before any of its records is admitted. Returns the position to save
   * before emitting them, when the window so far and this page are in ascending order.
   */
  confirmBefore(instants: readonly Instant[]): Position | undefined {
    if (this.rereading || !this.ascending) return undefined;
    let previous = this.newest;
    for (const instant of instants) {
      if (!this.inWindow(instant)) continue;
      if (compareInstants(instant, previous) < 0) {
        this.markOutOfOrder();
        return undefined;
      }
      previous = instant;
    }
    return this.sortTrust.trusted && this.emittedAny ? this.positionNow() : undefined;
  }

  /** Whether the position may still be confirmed page by page (else only completion saves it). */
  get mayCheckpoint(): boolean {
    return this.sortTrust.trusted && this.ascending && !this.rereading;
  }

  /** `instant` is the record's place in time, parsed once per record. */
  admit(id: string, instant: Instant): Admission {
    if (!this.inWindow(instant)) return 'outside-window';
    if (compareInstants(instant, this.bounds.start) === 0 && this.deliveredAtStart.has(id)) return 'already-delivered';
    if (this.seen.has(id)) return 'duplicate';
    this.seen.add(id);
    const vsNewest = compareInstants(instant, this.newest);
    if (vsNewest > 0) {
      this.newest = instant;
      this.idsAtNewest = new Set([id]);
      this.distinctSteps += 1;
    } else if (vsNewest === 0) {
      this.idsAtNewest.add(id);
    } else if (this.rereading) {
      this.ascending = false;
    } else {
      this.markOutOfOrder();
    }
    this.emittedAny = true;
    return 'emit';
  }

  /**
   * The window is read again from its first page because records went missing. Records already
   * emitted come back as duplicates; no checkpoint is taken until the window completes.
   */
  beginReread(): void {
    this.rereading = true;
  }

  /** The whole window has been read: one read entirely in ascending order earns the sort trust. */
  completed(): void {
    if (this.ascending && !this.rereading) this.sortTrust.recordAscendingWindow(this.distinctSteps);
  }

  private inWindow(instant: Instant): boolean {
    return compareInstants(instant, this.bounds.start) >= 0 && compareInstants(instant, this.bounds.end) < 0;
  }

  private markOutOfOrder(): void {
    this.ascending = false;
    this.sortTrust.revoke();
  }

  /** The position as instants, for the state book. */
  private positionNow(): Position {
    return { instant: this.newest, ids: [...this.idsAtNewest] };
  }
}
