import { compareInstants, type Instant } from './instant.js';
import { stateJson, type AheadRange, type Position, type SavedState } from './state.js';

/** One stretch of [start, end): a planned window, or a stretch not yet planned. */
export interface Entry {
  /**
   * Where the stretch began when first planned; kept so that a saved partial range resumes whole.
   * Only a split behind, before the window has confirmed any position, moves it.
   */
  origin: Instant;
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

  /** `saved` is what earlier syncs delivered; `end` the sync's frozen upper bound. */
  constructor(
    private readonly saved: SavedState,
    end: Instant,
  ) {
    let cursor = saved.position.instant;
    const addGap = (to: Instant): void => {
      if (compareInstants(cursor, to) < 0)
        this.entries.push(stretch(cursor, to, cursor === saved.position.instant ? saved.position : { instant: cursor, ids: [] }));
    };
    for (const range of saved.ahead) {
      addGap(range.start);
      const entry = stretch(range.start, range.end, range.position);
      entry.complete = compareInstants(range.position.instant, range.end) === 0;
      this.entries.push(entry);
      cursor = range.end;
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

  /**
   * Splits a planned window at `at`, ahead of everything it has emitted: it keeps [origin, at) and
   * the returned window, planned too, covers [at, end). Records it emitted stay described by it.
   */
  splitAhead(entry: Entry, at: Instant): Entry {
    if (compareInstants(at, entry.position.instant) <= 0 || compareInstants(at, entry.end) >= 0)
      throw new Error('a window splits ahead only between its position and its end');
    const rest = stretch(at, entry.end, { instant: at, ids: [] });
    rest.planned = true;
    this.entries.splice(this.entries.indexOf(entry) + 1, 0, rest);
    entry.end = at;
    return rest;
  }

  /**
   * Splits a planned window that has confirmed no position at `at`, behind everything it has
   * emitted: it keeps [at, end) and the returned window, planned too, covers [origin, at) from the
   * position it started at (with the ids delivered there).
   */
  splitBehind(entry: Entry, at: Instant): Entry {
    const unconfirmed = compareInstants(entry.position.instant, entry.origin) === 0;
    if (!unconfirmed || compareInstants(at, entry.origin) <= 0 || compareInstants(at, entry.end) >= 0)
      throw new Error('a window splits behind only at its unconfirmed start');
    const head = stretch(entry.origin, at, entry.position);
    head.planned = true;
    this.entries.splice(this.entries.indexOf(entry), 0, head);
    entry.origin = at;
    entry.position = { instant: at, ids: [] };
    return head;
  }

  /** `position` is confirmed after everything the window emitted so far. */
  advance(entry: Entry, position: Position): void {
    entry.position = position;
    entry.dirty = false;
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
  compose(): SavedState | undefined {
    const head = this.entries.findIndex((entry) => !entry.complete);
    let frontier: Position;
    if (this.entries.length === 0) frontier = this.saved.position;
    else if (head < 0) frontier = { instant: (this.entries.at(-1) as Entry).end, ids: [] };
    else if ((this.entries[head] as Entry).dirty) return undefined;
    else frontier = (this.entries[head] as Entry).position;
    const ahead: AheadRange[] = [];
    for (const entry of head < 0 ? [] : this.entries.slice(head + 1)) {
      if (entry.dirty) return undefined;
      if (!entry.complete && !delivered(entry)) continue;
      const previous = ahead.at(-1);
      // Complete ranges that touch are one range; ranges with an unread gap between stay two.
      if (entry.complete && previous && isComplete(previous) && compareInstants(previous.end, entry.origin) === 0) {
        previous.end = entry.end;
        previous.position = { instant: entry.end, ids: [] };
        continue;
      }
      ahead.push({ start: entry.origin, end: entry.end, position: entry.position });
    }
    return { position: frontier, ahead };
  }

  /** compose(), but only when the state differs from the last one handed out. */
  composeIfChanged(): SavedState | undefined {
    const state = this.compose();
    if (!state) return undefined;
    const text = JSON.stringify(stateJson(state));
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

function isComplete(range: AheadRange): boolean {
  return compareInstants(range.position.instant, range.end) === 0;
}

function delivered(entry: Entry): boolean {
  return compareInstants(entry.position.instant, entry.origin) > 0 || entry.position.ids.length > 0;
}
