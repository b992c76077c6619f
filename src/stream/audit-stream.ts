import { formatInstant, instantFromMillis, instantToMillis, type Instant } from '../cursor/instant.js';
import type { AuditStreamState } from '../cursor/state.js';
import { instantOf, MalformedRecordError, SortTrust, WindowCursor, type WindowBounds } from '../cursor/window-cursor.js';
import { systemError } from '../errors.js';
import type { AuditResource, PageSource, TimeRange } from './page-source.js';
import { WindowPlanner } from './windows.js';

/** A grown window reporting more records than this is read again at the base window size. */
const DENSE_WINDOW_RECORDS = 20_000;
/** A window whose pages hold fewer records than its reported total is read at most this often. */
const MAX_PASSES_PER_WINDOW = 3;

export type StreamEvent =
  | { kind: 'records'; resources: AuditResource[] }
  | { kind: 'checkpoint'; state: AuditStreamState }
  | { kind: 'estimate'; rowEstimate: number };

export interface AuditStreamOptions {
  pages: PageSource;
  /** Where reading starts, and the ids already delivered at exactly that instant. */
  start: Instant;
  deliveredAtStart: readonly string[];
  /** Exclusive upper bound, frozen when the sync starts. */
  end: Instant;
  pageSize: number;
  windowSizeMs: number;
  debug: (message: string) => void;
  warn: (message: string) => void;
}

export interface StreamStats {
  pages: number;
  windows: number;
  skippedOutsideWindow: number;
  skippedDuplicates: number;
  skippedAlreadyDelivered: number;
  rereads: number;
}

export const newStreamStats = (): StreamStats => ({
  pages: 0,
  windows: 0,
  skippedOutsideWindow: 0,
  skippedDuplicates: 0,
  skippedAlreadyDelivered: 0,
  rereads: 0,
});

/**
 * Reads the audit log over [start, end) window by window, following each window's next links, and
 * yields records in pages and the states that may be saved after them. Which state is safe is the
 * WindowCursor's decision; this loop only walks windows and pages.
 */
export async function* readAuditLogs(options: AuditStreamOptions, stats: StreamStats): AsyncGenerator<StreamEvent> {
  const planner = new WindowPlanner(options.start, options.end, options.windowSizeMs);
  const sortTrust = new SortTrust();
  let deliveredAtStart = options.deliveredAtStart;
  let rowEstimate = 0;
  let window = planner.next(false);
  if (!window) {
    // Nothing to read (the first sync without a backfill, or a cursor at or past the end).
    yield { kind: 'checkpoint', state: { created_at: formatInstant(options.start), ids_at_created_at: [...deliveredAtStart] } };
    return;
  }
  while (window) {
    const cursor = new WindowCursor(window, deliveredAtStart, sortTrust);
    stats.windows += 1;
    options.debug(`Reading window [${formatInstant(window.start)}, ${formatInstant(window.end)})`);
    let emittedInWindow = 0;
    let outcome: PassOutcome | undefined;
    for (let pass = 1; pass <= MAX_PASSES_PER_WINDOW; pass += 1) {
      if (pass > 1) cursor.beginReread();
      const counter = { emitted: 0 };
      outcome = yield* readWindowPass(options, window, cursor, stats, counter, pass === 1 && planner.isGrown);
      emittedInWindow += counter.emitted;
      if (outcome.kind !== 'short') break;
      if (pass < MAX_PASSES_PER_WINDOW) {
        stats.rereads += 1;
        options.warn(`Rootly reported ${outcome.reported} audit records in [${formatInstant(window.start)}, ${formatInstant(window.end)}) but served ${outcome.served}; reading that window again.`);
      } else {
        options.warn(`Rootly reported ${outcome.reported} audit records in [${formatInstant(window.start)}, ${formatInstant(window.end)}) but served only ${outcome.served} in ${MAX_PASSES_PER_WINDOW} readings; the difference could not be read.`);
      }
    }
    if (outcome?.kind === 'dense') {
      options.debug(`Window reports ${outcome.reported} records; reading it again in smaller windows`);
      window = planner.restartAtBaseSize();
      continue;
    }
    if (outcome?.kind === 'complete' && outcome.reported !== undefined && outcome.reported > 0) {
      rowEstimate += outcome.reported;
      yield { kind: 'estimate', rowEstimate };
    }
    yield { kind: 'checkpoint', state: cursor.completed() };
    deliveredAtStart = [];
    window = planner.next(emittedInWindow === 0);
  }
}

type PassOutcome =
  | { kind: 'complete'; reported?: number }
  | { kind: 'short'; reported: number; served: number }
  | { kind: 'dense'; reported: number };

/** One walk over a window's pages, from the first to the one whose next link is null. */
async function* readWindowPass(
  options: AuditStreamOptions,
  window: WindowBounds,
  cursor: WindowCursor,
  stats: StreamStats,
  counter: { emitted: number },
  mayBeDense: boolean,
): AsyncGenerator<StreamEvent, PassOutcome> {
  const followed = new Set<string>();
  const served = new Set<string>();
  let reported: number | undefined;
  let link: string | undefined;
  for (let pageNumber = 1; ; pageNumber += 1) {
    const page = await options.pages.fetchPage({ range: requestRange(window), pageSize: options.pageSize, link });
    stats.pages += 1;
    if (page.selfLink !== undefined) followed.add(linkKey(page.selfLink));
    if (pageNumber === 1 && page.totalCount !== undefined) {
      reported = page.totalCount;
      if (mayBeDense && reported > DENSE_WINDOW_RECORDS) return { kind: 'dense', reported };
    }
    const instants = parseInstants(page.resources);
    const checkpoint = cursor.checkpointBefore(instants);
    if (checkpoint) yield { kind: 'checkpoint', state: checkpoint };
    const admitted: AuditResource[] = [];
    page.resources.forEach((resource, index) => {
      served.add(resource.id);
      const admission = cursor.admit(resource, instants[index] as Instant);
      if (admission === 'emit') admitted.push(resource);
      else if (admission === 'outside-window') stats.skippedOutsideWindow += 1;
      else if (admission === 'duplicate') stats.skippedDuplicates += 1;
      else stats.skippedAlreadyDelivered += 1;
    });
    counter.emitted += admitted.length;
    if (admitted.length > 0) yield { kind: 'records', resources: admitted };
    if (page.nextLink === null) break;
    const key = linkKey(page.nextLink);
    if (followed.has(key)) {
      throw systemError(
        `Rootly returned a next-page link that was already followed (${page.nextLink}); the sync stops rather than loop forever. Try again later, and report it to Rootly support if it persists.`,
      );
    }
    followed.add(key);
    link = page.nextLink;
  }
  // A total larger than what the pages held means a page lost records on the way (for example an
  // empty page that still linked on): the window is read again rather than silently short.
  if (reported !== undefined && served.size < reported) return { kind: 'short', reported, served: served.size };
  return { kind: 'complete', ...(reported !== undefined ? { reported } : {}) };
}

/** The same page spelled with its query parameters in another order is still the same page. */
function linkKey(link: string): string {
  try {
    const url = new URL(link, 'http://relative.invalid');
    url.searchParams.sort();
    return url.href;
  } catch {
    return link;
  }
}

/**
 * The filters sent for a window. The lower bound is widened to its whole second so that a server
 * comparing at coarser precision still returns a superset; the WindowCursor trims it exactly.
 */
function requestRange(window: WindowBounds): TimeRange {
  const startSecond = instantFromMillis(Math.floor(instantToMillis(window.start) / 1000) * 1000);
  return { start: formatInstant(startSecond), end: formatInstant(window.end) };
}

function parseInstants(resources: readonly AuditResource[]): Instant[] {
  try {
    return resources.map(instantOf);
  } catch (error) {
    if (error instanceof MalformedRecordError) {
      throw systemError(`Rootly sent an audit record the connector cannot place in time: ${error.message}.`);
    }
    throw error;
  }
}
