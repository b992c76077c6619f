import { formatInstant, instantFromMillis, instantToMillis, type Instant } from '../cursor/instant.js';
import type { AuditStreamState } from '../cursor/state.js';
import { instantOf, MalformedRecordError, SortTrust, WindowCursor, type WindowBounds } from '../cursor/window-cursor.js';
import { systemError } from '../errors.js';
import type { AuditResource, PageSource, TimeRange } from './page-source.js';
import { WindowPlanner } from './windows.js';

/** A grown window reporting more records than this is read again at the base window size. */
const DENSE_WINDOW_RECORDS = 20_000;

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
}

export interface StreamStats {
  pages: number;
  windows: number;
  skippedOutsideWindow: number;
  skippedDuplicates: number;
  skippedAlreadyDelivered: number;
}

export const newStreamStats = (): StreamStats => ({
  pages: 0,
  windows: 0,
  skippedOutsideWindow: 0,
  skippedDuplicates: 0,
  skippedAlreadyDelivered: 0,
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
    const visitedLinks = new Set<string>();
    let link: string | undefined;
    let emittedInWindow = 0;
    let restarted = false;
    stats.windows += 1;
    options.debug(`Reading window [${formatInstant(window.start)}, ${formatInstant(window.end)})`);
    for (let pageNumber = 1; ; pageNumber += 1) {
      const page = await options.pages.fetchPage({ range: requestRange(window), pageSize: options.pageSize, link });
      stats.pages += 1;
      if (pageNumber === 1 && page.totalCount !== undefined) {
        if (planner.isGrown && page.totalCount > DENSE_WINDOW_RECORDS) {
          options.debug(`Window reports ${page.totalCount} records; reading it again in smaller windows`);
          window = planner.restartAtBaseSize();
          restarted = true;
          break;
        }
        rowEstimate += page.totalCount;
        yield { kind: 'estimate', rowEstimate };
      }
      const instants = parseInstants(page.resources);
      const checkpoint = cursor.checkpointBefore(instants);
      if (checkpoint) yield { kind: 'checkpoint', state: checkpoint };
      const admitted: AuditResource[] = [];
      page.resources.forEach((resource, index) => {
        const admission = cursor.admit(resource, instants[index] as Instant);
        if (admission === 'emit') admitted.push(resource);
        else if (admission === 'outside-window') stats.skippedOutsideWindow += 1;
        else if (admission === 'duplicate') stats.skippedDuplicates += 1;
        else stats.skippedAlreadyDelivered += 1;
      });
      emittedInWindow += admitted.length;
      if (admitted.length > 0) yield { kind: 'records', resources: admitted };
      if (page.nextLink === null) break;
      if (visitedLinks.has(page.nextLink)) {
        throw systemError(
          `Rootly returned a next-page link that was already followed (${page.nextLink}); the sync stops rather than loop forever. Try again later, and report it to Rootly support if it persists.`,
        );
      }
      visitedLinks.add(page.nextLink);
      link = page.nextLink;
    }
    if (restarted) continue;
    yield { kind: 'checkpoint', state: cursor.completed() };
    deliveredAtStart = [];
    window = planner.next(emittedInWindow === 0);
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
