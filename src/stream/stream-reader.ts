import { setMaxListeners } from 'node:events';
import { formatInstant } from '../cursor/instant.js';
import type { Entry, StateBook } from '../cursor/state-book.js';
import type { SavedState } from '../cursor/state.js';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { windowsAllowed, windowsToRun } from './concurrency.js';
import { DeliveryQueue } from './delivery-queue.js';
import type { PageSource, RecordKeys } from './page-source.js';
import { chooseSplit } from './splitter.js';
import { readWindow, type WindowCounters, type WindowEvent, type WindowProgress } from './window-reader.js';
import { windowEnd, WindowSizer } from './windows.js';

export type StreamEvent<R> =
  /** `count` records, in the form the sync's `render` gave them. */
  { kind: 'records'; records: R; count: number } | { kind: 'checkpoint'; state: SavedState } | { kind: 'estimate'; rowEstimate: number };

export interface StreamReadOptions<T, R> {
  pages: PageSource<T>;
  keys: RecordKeys<T>;
  /** Renders a page's records for output as soon as they are fetched (see WindowReadOptions). */
  render: (records: T[]) => R;
  /** The sync's range and what of it earlier syncs delivered; it decides every state. */
  book: StateBook;
  pageSize: number;
  windowSizeMs: number;
  /** How many windows may be read at once right now (sized from the rate limit and latency). */
  concurrency: () => number;
  debug: (message: string) => void;
  warn: (message: string) => void;
}

export interface StreamStats extends WindowCounters {
  windows: number;
  maxConcurrentWindows: number;
  /** Windows split so that idle slots read part of them. */
  splits: number;
}

export const newStreamStats = (): StreamStats => ({
  pages: 0,
  pagesLargerThanAsked: 0,
  windows: 0,
  maxConcurrentWindows: 0,
  splits: 0,
  skippedOutsideWindow: 0,
  skippedDuplicates: 0,
});

interface Delivery<R> {
  entry: Entry;
  event: WindowEvent<R> | { kind: 'failed'; error: unknown };
  written: () => void;
}

/** Abort listeners a window may hold on the stop signal at once: its request, a wait, and room to spare. */
const SIGNAL_LISTENERS_PER_WINDOW = 4;

/** A window being read: its stretch of the book, its cursor, and what it is expected still to hold. */
interface RunningWindow {
  entry: Entry;
  cursor: WindowCursor;
  progress: WindowProgress;
}

/** The windows of one sync in flight, and what they share. */
interface Run<T, R> {
  options: StreamReadOptions<T, R>;
  stats: StreamStats;
  sizer: WindowSizer;
  sortTrust: SortTrust;
  deliveries: DeliveryQueue<Delivery<R>>;
  running: Map<Entry, RunningWindow>;
  /** Until the sort is trusted: no window of the current batch has completed, so it may still grow. */
  batchOpen: boolean;
  stop: AbortController;
}

/**
 * Reads a stream over the book's range in windows, several at once (see windowsToRun), and yields
 * records and the states that may be saved after them. Windows complete in any order; the
 * StateBook decides what state describes what was emitted. Each window task waits until its page
 * has been written out before it fetches the next, so what is in flight stays within the number of
 * windows times two pages. When slots are idle and nothing is left to plan, the window with the
 * most left to read is split and an idle slot reads part of it, so that every slot stays busy until
 * the last page.
 */
export async function* readStream<T, R>(options: StreamReadOptions<T, R>, stats: StreamStats): AsyncGenerator<StreamEvent<R>> {
  const run: Run<T, R> = {
    options,
    stats,
    sizer: new WindowSizer(options.windowSizeMs),
    sortTrust: new SortTrust(),
    deliveries: new DeliveryQueue(),
    running: new Map(),
    batchOpen: true,
    stop: new AbortController(),
  };
  const { book } = options;
  let rowEstimate = 0;
  try {
    for (;;) {
      planWindows(run);
      if (run.running.size === 0) break;
      const { entry, event, written } = await run.deliveries.take();
      if (event.kind === 'failed') throw event.error;
      if (event.kind === 'records') yield { kind: 'records', records: event.records, count: event.count };
      if (event.kind === 'reported' && event.total > 0) yield { kind: 'estimate', rowEstimate: (rowEstimate += event.total) };
      settle(run, entry, event);
      const state = book.composeIfChanged();
      if (state) yield { kind: 'checkpoint', state };
      written();
    }
    // At least one state per sync, even when there was nothing to read.
    const state = book.composeIfChanged();
    if (state) yield { kind: 'checkpoint', state };
  } finally {
    // The first failure, or the end of the sync, stops every window still reading: their requests
    // and retry waits end now, so nothing is left pending once the sync returns.
    run.stop.abort();
    run.deliveries.releaseAll();
  }
}

/** Starts windows over the unplanned stretches while the concurrency allows, then fills idle slots by splitting. */
function planWindows<T, R>(run: Run<T, R>): void {
  const { book } = run.options;
  const allowed = windowsAllowed(run.options.concurrency(), run.stats.pagesLargerThanAsked);
  if (run.running.size === 0) run.batchOpen = true;
  const dense =
    !run.sortTrust.trusted && [...run.running.values()].some((window) => window.progress.morePages && window.cursor.admittedCount > 0);
  const capacity = windowsToRun(run.sortTrust, run.running.size, allowed, { open: run.batchOpen, dense });
  for (let next = book.nextUnplanned(); next && run.running.size < capacity; next = book.nextUnplanned()) {
    const size = run.running.size === 0 ? run.sizer.sizeMs : run.sizer.baseSizeMs;
    startWindow(run, book.planWindow(next, windowEnd(next.position.instant, next.end, size)));
  }
  splitForIdleSlots(run, allowed);
}

/**
 * Slots idle with nothing else to plan: the window with the most left gives the part it has not
 * reached to a new window (see chooseSplit), until every slot is busy or no split is worth it.
 */
function splitForIdleSlots<T, R>(run: Run<T, R>, allowed: number): void {
  const { book, pageSize } = run.options;
  while (run.running.size < allowed) {
    const plan = chooseSplit(run.running.values(), pageSize);
    if (!plan) return;
    const { window, at, keptShare, left } = plan;
    let part: Entry;
    if (plan.side === 'ahead') {
      window.cursor.endAt(at);
      part = book.splitAhead(window.entry, at);
    } else {
      window.cursor.startAt(at);
      part = book.splitBehind(window.entry, at);
    }
    window.progress.expected = window.cursor.admittedCount + left * keptShare;
    run.stats.splits += 1;
    run.options.debug(
      `Splitting a window at ${formatInstant(at)} (about ${Math.round(left)} records left) so that an idle slot reads part of it`,
    );
    startWindow(run, part, left * (1 - keptShare));
  }
}

/** What a window's event means for the book and the running set. */
function settle<T, R>(run: Run<T, R>, entry: Entry, event: WindowEvent<R>): void {
  const { book } = run.options;
  if (event.kind === 'records') {
    if (event.position) book.advance(entry, event.position);
    else book.markDirty(entry);
  } else if (event.kind === 'dense') {
    run.options.debug(`Window reports ${event.total} records; reading it in smaller windows`);
    run.running.delete(entry);
    run.sizer.reset();
    book.shrinkWindow(entry, windowEnd(entry.position.instant, entry.end, run.sizer.baseSizeMs));
    startWindow(run, entry);
  } else if (event.kind === 'complete') {
    run.running.delete(entry);
    run.batchOpen = false;
    book.complete(entry);
    run.sizer.windowDone(event.emitted, run.running.size === 0);
  }
}

/** Starts reading a planned window; `splitShare` is the records expected in a part split off another. */
function startWindow<T, R>(run: Run<T, R>, entry: Entry, splitShare?: number): void {
  const { options, stats } = run;
  const bounds = { start: entry.position.instant, end: entry.end };
  const cursor = new WindowCursor(bounds, entry.position.ids, run.sortTrust);
  const progress: WindowProgress = { morePages: true, ...(splitShare !== undefined ? { expected: splitShare } : {}) };
  run.running.set(entry, { entry, cursor, progress });
  stats.windows += 1;
  stats.maxConcurrentWindows = Math.max(stats.maxConcurrentWindows, run.running.size);
  // Each window's request and waits listen on the one stop signal: past Node's default of ten
  // listeners that is the sync's width, not a leak, and its warning would alarm the user for nothing.
  setMaxListeners(Math.max(10, SIGNAL_LISTENERS_PER_WINDOW * stats.maxConcurrentWindows), run.stop.signal);
  options.debug(`Reading window [${formatInstant(bounds.start)}, ${formatInstant(bounds.end)})`);
  const emit = (event: Delivery<R>['event']): Promise<void> => new Promise((written) => run.deliveries.push({ entry, event, written }));
  readWindow(cursor, stats, {
    pages: options.pages,
    keys: options.keys,
    render: options.render,
    pageSize: options.pageSize,
    mayBeDense: run.sizer.isGrown,
    reportsEstimate: splitShare === undefined,
    progress,
    warn: options.warn,
    emit,
    signal: run.stop.signal,
  }).catch((error: unknown) => emit({ kind: 'failed', error }));
}
