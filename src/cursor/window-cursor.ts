import type { AuditResource } from '../stream/page-source.js';
import { compareInstants, formatInstant, parseInstant, type Instant } from './instant.js';
import type { Position } from './state-book.js';
import type { AuditStreamState } from './state.js';

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

export class MalformedRecordError extends Error {}

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

  /** confirmBefore, as the state it allows saving. */
  checkpointBefore(instants: readonly Instant[]): AuditStreamState | undefined {
    const position = this.confirmBefore(instants);
    return position && { created_at: formatInstant(position.instant), ids_at_created_at: [...position.ids] };
  }

  /** Whether the position may still be confirmed page by page (else only completion saves it). */
  get mayCheckpoint(): boolean {
    return this.sortTrust.trusted && this.ascending && !this.rereading;
  }

  /** `instant` is the resource's parsed created_at (see instantOf), parsed once per record. */
  admit(resource: AuditResource, instant: Instant): Admission {
    if (!this.inWindow(instant)) return 'outside-window';
    if (compareInstants(instant, this.bounds.start) === 0 && this.deliveredAtStart.has(resource.id)) return 'already-delivered';
    if (this.seen.has(resource.id)) return 'duplicate';
    this.seen.add(resource.id);
    const vsNewest = compareInstants(instant, this.newest);
    if (vsNewest > 0) {
      this.newest = instant;
      this.idsAtNewest = new Set([resource.id]);
      this.distinctSteps += 1;
    } else if (vsNewest === 0) {
      this.idsAtNewest.add(resource.id);
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

  /** The state once the whole window has been read: everything before its end is delivered. */
  completed(): AuditStreamState {
    if (this.ascending && !this.rereading) this.sortTrust.recordAscendingWindow(this.distinctSteps);
    return { created_at: formatInstant(this.bounds.end), ids_at_created_at: [] };
  }

  private inWindow(instant: Instant): boolean {
    return compareInstants(instant, this.bounds.start) >= 0 && compareInstants(instant, this.bounds.end) < 0;
  }

  private markOutOfOrder(): void {
    this.ascending = false;
    this.sortTrust.revoke();
  }

  /** The position as instants, for the state book. */
  positionNow(): Position {
    return { instant: this.newest, ids: [...this.idsAtNewest] };
  }
}

export function instantOf(resource: AuditResource): Instant {
  const instant = parseInstant(resource.attributes.created_at);
  if (!instant) {
    throw new MalformedRecordError(
      `audit ${resource.id} has a created_at that is not an ISO-8601 date-time: ${JSON.stringify(resource.attributes.created_at)}`,
    );
  }
  return instant;
}
