import type { AuditResource } from '../stream/page-source.js';
import { compareInstants, formatInstant, parseInstant, type Instant } from './instant.js';
import type { AuditStreamState } from './state.js';

/** Whether the server has kept its promise of ascending order so far in this sync. */
export class SortTrust {
  private broken = false;
  get trusted(): boolean {
    return !this.broken;
  }
  revoke(): void {
    this.broken = true;
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
 * (newest instant emitted and the ids emitted at it) may be saved mid-window only while every record
 * seen is in ascending order, and only once the next page has confirmed it: a server that ignores
 * `sort` therefore costs checkpoints, never records.
 */
export class WindowCursor {
  private readonly seen = new Set<string>();
  private readonly deliveredAtStart: ReadonlySet<string>;
  private newest: Instant;
  private idsAtNewest: Set<string>;
  private ascending: boolean;
  private emittedAny = false;

  constructor(
    readonly bounds: WindowBounds,
    deliveredAtStart: readonly string[],
    private readonly sortTrust: SortTrust,
  ) {
    this.deliveredAtStart = new Set(deliveredAtStart);
    this.newest = bounds.start;
    this.idsAtNewest = new Set(deliveredAtStart);
    this.ascending = sortTrust.trusted;
  }

  /**
   * Looks at the next page before any of its records is admitted. Returns the state to save
   * before emitting them, when the window so far and this page are in ascending order.
   */
  checkpointBefore(instants: readonly Instant[]): AuditStreamState | undefined {
    let previous = this.newest;
    for (const instant of instants) {
      if (compareInstants(instant, this.bounds.start) < 0 || compareInstants(instant, this.bounds.end) >= 0) continue;
      if (compareInstants(instant, previous) < 0) {
        this.ascending = false;
        this.sortTrust.revoke();
        return undefined;
      }
      previous = instant;
    }
    return this.ascending && this.emittedAny ? this.position() : undefined;
  }

  /** `instant` is the resource's parsed created_at (see instantOf), parsed once per record. */
  admit(resource: AuditResource, instant: Instant): Admission {
    const vsStart = compareInstants(instant, this.bounds.start);
    if (vsStart < 0 || compareInstants(instant, this.bounds.end) >= 0) return 'outside-window';
    if (vsStart === 0 && this.deliveredAtStart.has(resource.id)) return 'already-delivered';
    if (this.seen.has(resource.id)) return 'duplicate';
    this.seen.add(resource.id);
    const vsNewest = compareInstants(instant, this.newest);
    if (vsNewest > 0) {
      this.newest = instant;
      this.idsAtNewest = new Set([resource.id]);
    } else if (vsNewest === 0) {
      this.idsAtNewest.add(resource.id);
    } else {
      this.ascending = false;
      this.sortTrust.revoke();
    }
    this.emittedAny = true;
    return 'emit';
  }

  /** The state once the whole window has been read: everything before its end is delivered. */
  completed(): AuditStreamState {
    return { created_at: formatInstant(this.bounds.end), ids_at_created_at: [] };
  }

  private position(): AuditStreamState {
    return { created_at: formatInstant(this.newest), ids_at_created_at: [...this.idsAtNewest] };
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
