import { formatInstant, instantFromMillis, instantToMillis, type Instant } from '../cursor/instant.js';
import type { Position } from '../cursor/state.js';
import type { WindowCursor } from '../cursor/window-cursor.js';
import { transientError } from '../errors.js';
import type { Page, PageSource, RecordKeys, TimeRange } from './page-source.js';
import { Paginator } from './paginator.js';
import { PageRepeats, placeInTime } from './record-checks.js';
import { wholeSecond } from './windows.js';

/** A grown window reporting more records than this is read again at the base window size. */
export const DENSE_WINDOW_RECORDS = 20_000;
/** A window whose pages hold fewer records than its reported total is read at most this often. */
const MAX_PASSES_PER_WINDOW = 3;

export type WindowEvent<R> =
  /** `count` records to emit, as rendered; `position`, when given, is the safe position right after them. */
  | { kind: 'records'; records: R; count: number; position?: Position }
  | { kind: 'reported'; total: number }
  | { kind: 'dense'; total: number }
  | { kind: 'complete'; emitted: number };

export interface WindowCounters {
  pages: number;
  /** Pages that held more records than asked for: from the first one, pages are read one at a time. */
  pagesLargerThanAsked: number;
  skippedOutsideWindow: number;
  skippedDuplicates: number;
}

/** What the sync knows of a window being read, to decide which one to split when slots are idle. */
export interface WindowProgress {
  /** Records expected in its bounds: its first page's meta.total_count, or a share of it once split. */
  expected?: number;
  /** Its last page linked on to another (true before the first page). */
  morePages: boolean;
}

export interface WindowReadOptions<T, R> {
  pages: PageSource<T>;
  keys: RecordKeys<T>;
  /**
   * Turns a page's admitted records into what the sync writes out, as soon as the page arrives:
   * only the rendered form is held while the next page is awaited, so a parsed page is garbage
   * before the next request goes out instead of outliving it.
   */
  render: (records: T[]) => R;
  pageSize: number;
  /** The window was grown over empty history: a dense first page gives it back. */
  mayBeDense: boolean;
  /** Its first page's total adds to the sync's estimate (not so for a part split off another window). */
  reportsEstimate: boolean;
  progress: WindowProgress;
  warn: (message: string) => void;
  /** Hands an event to the sync and resolves once it has been written out. */
  emit: (event: WindowEvent<R>) => Promise<void>;
  /** Aborted when the sync stops (another window failed, or the sync ended). */
  signal: AbortSignal;
}

interface Batch<R> {
  records: R;
  count: number;
}

/** One window's reading: its cursor (which holds its bounds), counters and the records it has emitted so far. */
interface WindowRead<T, R> {
  cursor: WindowCursor;
  counters: WindowCounters;
  options: WindowReadOptions<T, R>;
  emitted: number;
}

/**
 * Reads one window [start, end) page by page. While the server's ascending order is trusted, each
 * page's records are held until the next page confirms the order, and go out together with the
 * position after them; otherwise they go out at once and only the window's completion makes them
 * safe to save. A window whose pages hold fewer records than reported is read again.
 */
export async function readWindow<T, R>(cursor: WindowCursor, counters: WindowCounters, options: WindowReadOptions<T, R>): Promise<void> {
  const read: WindowRead<T, R> = { cursor, counters, options, emitted: 0 };
  for (let pass = 1; ; pass += 1) {
    if (pass > 1) cursor.beginReread();
    const walked = await walkPages(read, pass);
    if (walked === 'dense') return;
    // A total larger than what the pages held means a page lost records on the way (for example an
    // empty page that still linked on): the window is read again rather than silently short. Once
    // narrowed, the total was for wider bounds and says nothing.
    if (walked.reported === undefined || walked.served >= walked.reported || cursor.wasNarrowed) break;
    const range = label(cursor.bounds);
    if (pass >= MAX_PASSES_PER_WINDOW) {
      // Saving this window would skip the missing records for good: fail, and let the next sync
      // read the window again from the last saved state.
      throw transientError(
        `Rootly reported ${walked.reported} records in ${range} but served only ${walked.served}, in each of ${MAX_PASSES_PER_WINDOW} readings. The sync stops without saving past them; the next sync reads that range again. If it persists, report it to Rootly support.`,
      );
    }
    options.warn(`Rootly reported ${walked.reported} records in ${range} but served ${walked.served}; reading that window again.`);
  }
  cursor.completed();
  await options.emit({ kind: 'complete', emitted: read.emitted });
}

/** One walk through the window's pages; what the first page reported and how many ids were served. */
async function walkPages<T, R>(read: WindowRead<T, R>, pass: number): Promise<{ reported: number | undefined; served: number } | 'dense'> {
  const { cursor, options } = read;
  const paginator = new Paginator(label(cursor.bounds));
  const served: Served = { pageOf: new Map(), repeatedRows: 0 };
  let reported: number | undefined;
  let held: Batch<R> | undefined;
  let link: string | undefined;
  for (let first = true; ; first = false) {
    options.signal.throwIfAborted();
    const page = await options.pages.fetchPage({
      range: requestRange(cursor.bounds),
      pageSize: options.pageSize,
      link,
      signal: options.signal,
    });
    read.counters.pages += 1;
    if (first && page.totalCount !== undefined) {
      reported = page.totalCount;
      if (pass === 1 && options.mayBeDense && reported > DENSE_WINDOW_RECORDS) {
        await options.emit({ kind: 'dense', total: reported });
        return 'dense';
      }
      if (pass === 1 && !cursor.wasNarrowed) options.progress.expected = reported;
      if (pass === 1 && options.reportsEstimate) await options.emit({ kind: 'reported', total: reported });
    }
    const taken = takePage(page, read, served, read.counters.pages);
    // Past a moved bound in the order relied on, no later page holds more of the window.
    const last = page.nextLink === null || cursor.walkedPast;
    options.progress.morePages = !last;
    if (held) await send(read, held, taken.confirmed);
    held = undefined;
    // An empty page that still links on may have lost its records: from here the window's
    // position is not confirmed page by page, only by the window's completion.
    if (page.resources.length === 0 && !last) cursor.beginReread();
    // A page larger than asked for goes out at once instead of being held beside the next one.
    const oversized = page.resources.length > options.pageSize;
    if (oversized) read.counters.pagesLargerThanAsked += 1;
    if (taken.batch) {
      if (!last && cursor.mayCheckpoint && !oversized) held = taken.batch;
      else await send(read, taken.batch);
    }
    const nextLink = last ? null : page.nextLink;
    const next = paginator.next({ selfLink: page.selfLink, nextLink, broughtNew: taken.broughtNew }, reported);
    if (next === null) return { reported, served: served.pageOf.size + served.repeatedRows };
    link = next;
  }
}

async function send<T, R>(read: WindowRead<T, R>, batch: Batch<R>, position?: Position): Promise<void> {
  read.emitted += batch.count;
  await read.options.emit({ kind: 'records', records: batch.records, count: batch.count, ...(position ? { position } : {}) });
}

interface TakenPage<R> {
  /** The safe position before the page's records, when the order so far confirms it. */
  confirmed: Position | undefined;
  /** The page's admitted records, rendered; none when every record was skipped. */
  batch: Batch<R> | undefined;
  /** Some record's id had not been seen before on this walk. */
  broughtNew: boolean;
}

/** The ids a walk has seen, each with the page it was first seen on (see takePage). */
interface Served {
  pageOf: Map<string, number>;
  /** Rows repeating a record on its own page with the same content: a row the server counted. */
  repeatedRows: number;
}

/**
 * Admits a page's records and renders those to emit, synchronously. `served` collects every id
 * this walk has seen. Only the rendered form outlives this call, so the parsed page dies young
 * while the sync awaits the writer or the next page.
 */
function takePage<T, R>(page: Page<T>, read: WindowRead<T, R>, served: Served, pageNumber: number): TakenPage<R> {
  const { cursor, counters, options } = read;
  const window = label(cursor.bounds);
  const instants = placeInTime(page.resources, options.keys, window);
  const repeats = new PageRepeats(page.resources, options.keys, window);
  // The position before this page is taken before any of its records is admitted.
  const confirmed = cursor.confirmBefore(instants);
  const admitted: T[] = [];
  let broughtNew = false;
  page.resources.forEach((record, index) => {
    const id = options.keys.idOf(record);
    const firstSeenOn = served.pageOf.get(id);
    if (firstSeenOn === undefined) {
      served.pageOf.set(id, pageNumber);
      broughtNew = true;
    } else if (firstSeenOn === pageNumber) {
      repeats.check(index, id);
      served.repeatedRows += 1;
    }
    const admission = cursor.admit(id, instants[index] as Instant);
    if (admission === 'emit') admitted.push(record);
    else if (admission === 'outside-window') counters.skippedOutsideWindow += 1;
    else if (admission === 'duplicate') counters.skippedDuplicates += 1;
  });
  const batch = admitted.length > 0 ? { records: options.render(admitted), count: admitted.length } : undefined;
  return { confirmed, batch, broughtNew };
}

/**
 * The filters sent for a window. The lower bound is widened to its whole second so that a server
 * comparing at coarser precision still returns a superset; the WindowCursor trims it exactly.
 */
function requestRange(window: Readonly<{ start: Instant; end: Instant }>): TimeRange {
  const startSecond = instantFromMillis(wholeSecond(instantToMillis(window.start)));
  return { start: formatInstant(startSecond), end: formatInstant(window.end) };
}

function label(window: Readonly<{ start: Instant; end: Instant }>): string {
  return `[${formatInstant(window.start)}, ${formatInstant(window.end)})`;
}
