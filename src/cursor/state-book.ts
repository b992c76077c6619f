import { compareInstants, formatInstant, parseInstantOrThrow, type Instant } from './instant.js';
import type { AheadRange, AuditStreamState } from './state.js';

/** A place in the audit log: everything before `instant` delivered, and these ids at it. */
export interface Position {
  instant: Instant;
  ids: readonly string[];
}

/** One stretch of [start, end): a planned window, or a stretch not yet planned. */
export interface Entry {
  /** Where the stretch began when first planned; kept so that a saved partial range resumes whole. */
  readonly origin: Instant;
  end: Instant;
  /** The last position known to be safe: all of [origin, position) and its ids delivered. */
  position: Position;
  planned: boolean;
  complete: boolean;
  /** Records were emitted past `position`: no state may be saved until the window completes. */
  dirty: boolean;
}

/**
 * The one place that decides what state to save. The sync's range is a contiguous, ordered list
 * of stretches; windows may complete in any order. A state is composed only when every stretch is
 * described exactly (none dirty): `created_at` is the first unfinished stretch's position, and the
 * stretches beyond it that hold delivered records travel in `ahead`. A resumed sync re-reads only
 * what no saved state covers, so a crash at any moment loses nothing and repeats nothing committed.
 */
export class StateBook {
  private readonly entries: Entry[] = [];
  private lastComposed = '';

  constructor(
    private readonly start: Position,
    ahead: readonly AheadRange[],
    end: Instant,
  ) {
    let cursor = start.instant;
    const addGap = (to: Instant): void => {
      if (compareInstants(cursor, to) < 0) this.entries.push(stretch(cursor, to, cursor === start.instant ? start : { instant: cursor, ids: [] }));
    };
    for (const range of ahead) {
      const [origin, position, rangeEnd] = [range.start, range.created_at, range.end].map((t) => parseInstantOrThrow(t, 'state range'));
      addGap(origin as Instant);
      const entry = stretch(origin as Instant, rangeEnd as Instant, { instant: position as Instant, ids: range.ids_at_created_at });
      entry.complete = compareInstants(position as Instant, rangeEnd as Instant) === 0;
      this.entries.push(entry);
      cursor = rangeEnd as Instant;
    }
    addGap(end);
  }

  /** The first stretch not yet planned, if any: where the next window starts. */
  nextUnplanned(): Entry | undefined {
    return this.entries.find((entry) => !entry.planned && !entry.complete);
  }

  /** Plans a window over the head of an unplanned stretch, up to `windowEnd`. */
  planWindow(entry: Entry, windowEnd: Instant): Entry {
    if (compareInstants(windowEnd, entry.end) < 0) {
      const rest = stretch(windowEnd, entry.end, { instant: windowEnd, ids: [] });
      this.entries.splice(this.entries.indexOf(entry) + 1, 0, rest);
      entry.end = windowEnd;
    }
    entry.planned = true;
    return entry;
  }

  /** Gives a planned window that emitted nothing a smaller end; the rest becomes unplanned again. */
  shrinkWindow(entry: Entry, windowEnd: Instant): void {
    const rest = stretch(windowEnd, entry.end, { instant: windowEnd, ids: [] });
    this.entries.splice(this.entries.indexOf(entry) + 1, 0, rest);
    entry.end = windowEnd;
  }

  advance(entry: Entry, position: Position): void {
    entry.position = position;
  }

  markDirty(entry: Entry): void {
    entry.dirty = true;
  }

  complete(entry: Entry): void {
    entry.complete = true;
    entry.dirty = false;
    entry.position = { instant: entry.end, ids: [] };
    this.forgetFinishedHead();
  }

  /** The state describing exactly what was delivered, or undefined while that cannot be said. */
  compose(): AuditStreamState | undefined {
    const head = this.entries.findIndex((entry) => !entry.complete);
    let frontier: Position;
    if (this.entries.length === 0) frontier = this.start;
    else if (head < 0) frontier = { instant: (this.entries.at(-1) as Entry).end, ids: [] };
    else if ((this.entries[head] as Entry).dirty) return undefined;
    else frontier = (this.entries[head] as Entry).position;
    const ahead: AheadRange[] = [];
    for (const entry of head < 0 ? [] : this.entries.slice(head + 1)) {
      if (entry.dirty) return undefined;
      if (!entry.complete && !delivered(entry)) continue;
      const previous = ahead.at(-1);
      const origin = formatInstant(entry.origin);
      if (entry.complete && previous && previous.created_at === previous.end && previous.end === origin) {
        previous.end = previous.created_at = formatInstant(entry.end);
        continue;
      }
      ahead.push({ start: origin, end: formatInstant(entry.end), created_at: formatInstant(entry.position.instant), ids_at_created_at: [...entry.position.ids] });
    }
    return {
      created_at: formatInstant(frontier.instant),
      ids_at_created_at: [...frontier.ids],
      ...(ahead.length > 0 ? { ahead } : {}),
    };
  }

  /** compose(), but only when the state differs from the last one handed out. */
  composeIfChanged(): AuditStreamState | undefined {
    const state = this.compose();
    if (!state) return undefined;
    const text = JSON.stringify(state);
    if (text === this.lastComposed) return undefined;
    this.lastComposed = text;
    return state;
  }

  /** Finished stretches before the first unfinished one carry no information but their end. */
  private forgetFinishedHead(): void {
    while (this.entries.length > 1 && (this.entries[0] as Entry).complete && (this.entries[1] as Entry).complete) this.entries.shift();
  }
}

function stretch(origin: Instant, end: Instant, position: Position): Entry {
  return { origin, end, position, planned: false, complete: false, dirty: false };
}

function delivered(entry: Entry): boolean {
  return compareInstants(entry.position.instant, entry.origin) > 0 || entry.position.ids.length > 0;
}
