import type { Instant } from '../cursor/instant.js';
import type { Position } from '../cursor/state-book.js';
import { instantOf, MalformedRecordError, type WindowCursor } from '../cursor/window-cursor.js';
import { formatInstant, instantFromMillis, instantToMillis } from '../cursor/instant.js';
import { systemError, transientError } from '../errors.js';
import type { AuditResource, Page, PageSource, TimeRange } from './page-source.js';

/** A grown window reporting more records than this is read again at the base window size. */
export const DENSE_WINDOW_RECORDS = 20_000;
/** A window whose pages hold fewer records than its reported total is read at most this often. */
const MAX_PASSES_PER_WINDOW = 3;
/** Empty pages in a row that still link on, before the walk is judged endless. */
const MAX_EMPTY_PAGES_IN_A_ROW = 5;

export type WindowEvent<R> =
  /** `count` records to emit, as rendered; `position`, when given, is the safe position right after them. */
  | { kind: 'records'; records: R; count: number; position?: Position }
  | { kind: 'reported'; total: number }
  | { kind: 'dense'; total: number }
  | { kind: 'complete'; emitted: number };

export interface WindowCounters {
  pages: number;
  skippedOutsideWindow: number;
  skippedDuplicates: number;
  skippedAlreadyDelivered: number;
  rereads: number;
}

export interface WindowReadOptions<R> {
  pages: PageSource;
  /**
   * Turns a page's admitted records into what the sync writes out, as soon as the page arrives:
   * only the rendered form is held while the next page is awaited, so a parsed page is garbage
   * before the next request goes out instead of outliving it.
   */
  render: (resources: AuditResource[]) => R;
  pageSize: number;
  /** The window was grown over empty history: a dense first page gives it back. */
  mayBeDense: boolean;
  warn: (message: string) => void;
  /** Hands an event to the sync and resolves once it has been written out. */
  emit: (event: WindowEvent<R>) => Promise<void>;
  /** Aborted when the sync stops (another window failed, or the sync ended). */
  signal: AbortSignal;
}

/**
 * Reads one window [start, end) page by page, following next links. While the server's ascending
 * order is trusted, each page's records are held until the next page confirms the order, and go
 * out together with the position after them; otherwise they go out at once and only the window's
 * completion makes them safe to save.
 */
export async function readWindow<R>(
  window: { start: Instant; end: Instant },
  cursor: WindowCursor,
  counters: WindowCounters,
  options: WindowReadOptions<R>,
): Promise<void> {
  let emitted = 0;
  const send = async (batch: Batch<R>, position?: Position): Promise<void> => {
    emitted += batch.count;
    await options.emit({ kind: 'records', records: batch.records, count: batch.count, ...(position ? { position } : {}) });
  };
  for (let pass = 1; pass <= MAX_PASSES_PER_WINDOW; pass += 1) {
    if (pass > 1) cursor.beginReread();
    const followed = new Set<string>();
    const served = new Set<string>();
    let reported: number | undefined;
    let held: Batch<R> | undefined;
    let link: string | undefined;
    let emptyInARow = 0;
    for (let pageNumber = 1; ; pageNumber += 1) {
      options.signal.throwIfAborted();
      const page = await options.pages.fetchPage({ range: requestRange(window), pageSize: options.pageSize, link, signal: options.signal });
      counters.pages += 1;
      if (page.selfLink !== undefined) followed.add(linkKey(page.selfLink));
      if (pageNumber === 1 && page.totalCount !== undefined) {
        reported = page.totalCount;
        if (pass === 1 && options.mayBeDense && reported > DENSE_WINDOW_RECORDS) {
          await options.emit({ kind: 'dense', total: reported });
          return;
        }
        if (pass === 1) await options.emit({ kind: 'reported', total: reported });
      }
      const { confirmed, batch, size, nextLink } = takePage(page, cursor, counters, reported === undefined ? undefined : served, options.render);
      if (held) await send(held, confirmed);
      held = undefined;
      // An empty page that still links on may have lost its records: from here the window's
      // position is not confirmed page by page, only by the window's completion.
      if (size === 0 && nextLink !== null) cursor.beginReread();
      if (batch) {
        if (nextLink !== null && cursor.mayCheckpoint) held = batch;
        else await send(batch);
      }
      if (nextLink === null) break;
      emptyInARow = size === 0 ? emptyInARow + 1 : 0;
      // Every page should hold a record: more pages than reported records, or a run of empty
      // pages, is a walk that would never end (each link new, so the repeat check cannot see it).
      if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW || (reported !== undefined && pageNumber > reported + MAX_EMPTY_PAGES_IN_A_ROW)) {
        throw transientError(
          `Rootly kept linking to further pages of [${formatInstant(window.start)}, ${formatInstant(window.end)}) without records (page ${pageNumber}${reported !== undefined ? ` of a range reported to hold ${reported} records` : ''}); the sync stops rather than page forever. The next sync resumes from the last saved state.`,
        );
      }
      const key = linkKey(nextLink);
      if (followed.has(key)) {
        throw systemError(
          `Rootly returned a next-page link that was already followed (${nextLink}); the sync stops rather than loop forever. Try again later, and report it to Rootly support if it persists.`,
        );
      }
      followed.add(key);
      link = nextLink;
    }
    // A total larger than what the pages held means a page lost records on the way (for example an
    // empty page that still linked on): the window is read again rather than silently short.
    if (reported === undefined || served.size >= reported) break;
    const range = `[${formatInstant(window.start)}, ${formatInstant(window.end)})`;
    if (pass === MAX_PASSES_PER_WINDOW) {
      // Saving this window would skip the missing records for good: fail, and let the next sync
      // read the window again from the last saved state.
      throw transientError(
        `Rootly reported ${reported} audit records in ${range} but served only ${served.size}, in each of ${MAX_PASSES_PER_WINDOW} readings. The sync stops without saving past them; the next sync reads that range again. If it persists, report it to Rootly support.`,
      );
    }
    counters.rereads += 1;
    options.warn(`Rootly reported ${reported} audit records in ${range} but served ${served.size}; reading that window again.`);
  }
  cursor.completed(); // a whole window in ascending order is what earns the sort trust
  await options.emit({ kind: 'complete', emitted });
}

interface Batch<R> {
  records: R;
  count: number;
}

interface TakenPage<R> {
  /** The safe position before the page's records, when the order so far confirms it. */
  confirmed: Position | undefined;
  /** The page's admitted records, rendered; none when every record was skipped. */
  batch: Batch<R> | undefined;
  size: number;
  nextLink: string | null;
}

/**
 * Admits a page's records and renders those to emit, synchronously. `served`, while the window's
 * records are being counted, collects every id the page holds. Only the rendered form outlives
 * this call, so the parsed page dies young while the sync awaits the writer or the next page.
 */
function takePage<R>(page: Page, cursor: WindowCursor, counters: WindowCounters, served: Set<string> | undefined, render: (resources: AuditResource[]) => R): TakenPage<R> {
  const instants = parseInstants(page.resources);
  // The position before this page is taken before any of its records is admitted.
  const confirmed = cursor.confirmBefore(instants);
  const admitted: AuditResource[] = [];
  page.resources.forEach((resource, index) => {
    served?.add(resource.id);
    const admission = cursor.admit(resource, instants[index] as Instant);
    if (admission === 'emit') admitted.push(resource);
    else if (admission === 'outside-window') counters.skippedOutsideWindow += 1;
    else if (admission === 'duplicate') counters.skippedDuplicates += 1;
    else counters.skippedAlreadyDelivered += 1;
  });
  const batch = admitted.length > 0 ? { records: render(admitted), count: admitted.length } : undefined;
  return { confirmed, batch, size: page.resources.length, nextLink: page.nextLink };
}

/**
 * The filters sent for a window. The lower bound is widened to its whole second so that a server
 * comparing at coarser precision still returns a superset; the WindowCursor trims it exactly.
 */
function requestRange(window: { start: Instant; end: Instant }): TimeRange {
  const startSecond = instantFromMillis(Math.floor(instantToMillis(window.start) / 1000) * 1000);
  return { start: formatInstant(startSecond), end: formatInstant(window.end) };
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
