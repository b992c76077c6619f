import { compareInstants, type Instant } from './instant.js';
import type { Position } from './state.js';

/** Distinct steps in one direction a window must show before the server's order is relied on... */
const STEPS_TO_EARN_TRUST = 20;
/** ...over this many pages, each confirmed by the next, or over the whole window. */
const PAGES_TO_EARN_TRUST = 3;

/**
 * Whether this sync may rely on the server returning ascending created_at order. Trust is earned
 * by a window read in ascending order with enough distinct steps, over its first pages or the
 * whole of it (a newest-first server never shows one; a shuffled one practically never does), and
 * lost for good on the first record out of order. Until then only whole windows are checkpointed.
 * The same is kept for newest-first order, which a server that ignores `sort` may follow: proven
 * the same way, refuted by any window whose records rise.
 */
export class SortTrust {
  private standing: 'unproven' | 'trusted' | 'revoked' = 'unproven';
  private newestFirst: 'unproven' | 'proven' | 'refuted' = 'unproven';

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

  /** The server answers newest first: a window read in that order may stop once past its start. */
  get newestFirstProven(): boolean {
    return this.newestFirst === 'proven';
  }

  recordDescendingWindow(distinctSteps: number): void {
    if (this.newestFirst === 'unproven' && distinctSteps >= STEPS_TO_EARN_TRUST) this.newestFirst = 'proven';
  }

  refuteNewestFirst(): void {
    this.newestFirst = 'refuted';
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
 *
 * A window may be narrowed while it is read, so that the part it has not reached yet can be read
 * by another window at the same time: its end moved ahead of everything admitted (ascending
 * order), or its start moved behind it (newest first). The walk then ends once the relied-on order
 * has carried it past the moved bound.
 */
export class WindowCursor {
  private readonly seen = new Set<string>();
  private deliveredAtStart: ReadonlySet<string>;
  private readonly window: WindowBounds;
  private newest: Instant;
  private idsAtNewest: Set<string>;
  private oldest: Instant | undefined;
  // No flag for "the window so far is in ascending (newest-first) order": the first record out of
  // that order revokes (refutes) it in the shared SortTrust for the rest of the sync, so the trust
  // alone says it.
  private distinctSteps = 0;
  private descendingSteps = 0;
  private pagesSeen = 0;
  private rereading = false;
  private narrowed = false;
  /** Which moved bound a record has been seen past, in the order relied on. */
  private passed: 'end' | 'start' | undefined;

  constructor(
    bounds: WindowBounds,
    deliveredAtStart: readonly string[],
    private readonly sortTrust: SortTrust,
  ) {
    this.window = { ...bounds };
    this.deliveredAtStart = new Set(deliveredAtStart);
    this.newest = bounds.start;
    this.idsAtNewest = new Set(deliveredAtStart);
  }

  get bounds(): Readonly<WindowBounds> {
    return this.window;
  }

  /**
   * Looks at the next page before any of its records is admitted. Returns the position to save
   * before emitting them, when the window so far and this page are in ascending order.
   */
  confirmBefore(instants: readonly Instant[]): Position | undefined {
    this.pagesSeen += 1;
    const orderShown = this.pagesSeen > PAGES_TO_EARN_TRUST && !this.rereading;
    if (orderShown) this.sortTrust.recordDescendingWindow(this.descendingSteps);
    if (this.rereading) return undefined;
    let previous = this.newest;
    for (const instant of instants) {
      if (!this.inWindow(instant)) continue;
      if (compareInstants(instant, previous) < 0) {
        this.markOutOfOrder();
        return undefined;
      }
      previous = instant;
    }
    if (orderShown) this.sortTrust.recordAscendingWindow(this.distinctSteps);
    return this.sortTrust.trusted && this.admittedCount > 0 ? this.positionNow() : undefined;
  }

  /** Whether the position may still be confirmed page by page (else only completion saves it). */
  get mayCheckpoint(): boolean {
    return this.sortTrust.trusted && !this.rereading;
  }

  /** Whether the end may be moved ahead: the walk is in trusted ascending order, so it can stop there. */
  get mayEndEarlier(): boolean {
    return this.mayCheckpoint;
  }

  /** Whether the start may be moved behind: the walk is in proven newest-first order. */
  get mayStartLater(): boolean {
    return this.sortTrust.newestFirstProven && !this.rereading;
  }

  /** `instant` is the record's place in time, parsed once per record. */
  admit(id: string, instant: Instant): Admission {
    if (!this.inWindow(instant)) {
      this.notePastBound(instant);
      return 'outside-window';
    }
    if (compareInstants(instant, this.window.start) === 0 && this.deliveredAtStart.has(id)) return 'already-delivered';
    if (this.seen.has(id)) return 'duplicate';
    this.seen.add(id);
    // A record inside the window after one past a moved bound: the order relied on does not hold.
    if (this.passed === 'end') this.markOutOfOrder();
    if (this.passed === 'start') this.markRising();
    this.passed = undefined;
    this.trackAscending(id, instant);
    this.trackDescending(instant);
    return 'emit';
  }

  /** The walk has gone past a moved bound in the order relied on: no later page holds more of the window. */
  get walkedPast(): boolean {
    return this.passed !== undefined;
  }

  /** The bounds were moved: the totals the server reported for the first page no longer apply. */
  get wasNarrowed(): boolean {
    return this.narrowed;
  }

  get admittedCount(): number {
    return this.seen.size;
  }

  /** The newest instant admitted so far (the start while none was). */
  get newestAdmitted(): Instant {
    return this.newest;
  }

  /** The oldest instant admitted so far, if any. */
  get oldestAdmitted(): Instant | undefined {
    return this.oldest;
  }

  /** Ends the window at `end`, after every record admitted so far; the rest is read elsewhere. */
  endAt(end: Instant): void {
    // After its start too: a window started later with nothing admitted has its newest behind it.
    const inside = compareInstants(end, this.window.start) > 0 && compareInstants(end, this.window.end) < 0;
    if (!inside || compareInstants(end, this.newest) <= 0)
      throw new Error('a window can only end earlier, after its start and what it admitted');
    this.window.end = end;
    this.narrowed = true;
  }

  /** Starts the window at `start`, before every record admitted so far; the rest is read elsewhere. */
  startAt(start: Instant): void {
    // Before its end too: with nothing admitted, only the end limits it.
    const inside = compareInstants(start, this.window.start) > 0 && compareInstants(start, this.window.end) < 0;
    const beforeOldest = this.oldest === undefined || compareInstants(start, this.oldest) <= 0;
    if (!inside || !beforeOldest) throw new Error('a window can only start later, before its end and what it admitted');
    this.window.start = start;
    this.deliveredAtStart = new Set();
    this.narrowed = true;
  }

  /**
   * The window is read again from its first page because records went missing. Records already
   * emitted come back as duplicates; no checkpoint is taken until the window completes.
   */
  beginReread(): void {
    this.rereading = true;
  }

  /** The whole window has been read: one read entirely in one order earns that order's trust. */
  completed(): void {
    if (this.rereading) return;
    // A window out of one of the orders has revoked (refuted) it already: recording it changes nothing.
    this.sortTrust.recordAscendingWindow(this.distinctSteps);
    this.sortTrust.recordDescendingWindow(this.descendingSteps);
  }

  private trackAscending(id: string, instant: Instant): void {
    const vsNewest = compareInstants(instant, this.newest);
    if (vsNewest > 0) {
      this.newest = instant;
      this.idsAtNewest = new Set([id]);
      this.distinctSteps += 1;
    } else if (vsNewest === 0) {
      this.idsAtNewest.add(id);
    } else if (!this.rereading) {
      // Not while read again: records that went missing come back behind the newest, no sign of disorder.
      this.markOutOfOrder();
    }
  }

  private trackDescending(instant: Instant): void {
    const vsOldest = this.oldest === undefined ? -1 : compareInstants(instant, this.oldest);
    if (vsOldest < 0) {
      if (this.oldest !== undefined) this.descendingSteps += 1;
      this.oldest = instant;
    } else if (vsOldest > 0) {
      this.markRising();
    }
  }

  private notePastBound(instant: Instant): void {
    if (!this.narrowed) return;
    // Outside a window whose start is before its end (endAt and startAt keep it so), an instant
    // before the end is before the start.
    if (compareInstants(instant, this.window.end) >= 0) {
      if (this.mayEndEarlier) this.passed = 'end';
    } else if (this.mayStartLater) this.passed = 'start';
  }

  private inWindow(instant: Instant): boolean {
    return compareInstants(instant, this.window.start) >= 0 && compareInstants(instant, this.window.end) < 0;
  }

  private markOutOfOrder(): void {
    this.sortTrust.revoke();
  }

  private markRising(): void {
    this.sortTrust.refuteNewestFirst();
  }

  /** The position as instants, for the state book. */
  private positionNow(): Position {
    return { instant: this.newest, ids: [...this.idsAtNewest] };
  }
}
