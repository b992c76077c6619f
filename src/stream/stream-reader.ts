import { formatInstant } from '../cursor/instant.js';
import type { Entry, StateBook } from '../cursor/state-book.js';
import type { SavedState } from '../cursor/state.js';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { windowsToRun } from './concurrency.js';
import { DeliveryQueue } from './delivery-queue.js';
import type { PageSource, RecordKeys } from './page-source.js';
import { readWindow, type WindowCounters, type WindowEvent } from './window-reader.js';
import { windowEnd, WindowSizer } from './windows.js';

export type StreamEvent<R> =
  /** `count` records, in the form the sync's `render` gave them. */
  | { kind: 'records'; records: R; count: number }
  | { kind: 'checkpoint'; state: SavedState }
  | { kind: 'estimate'; rowEstimate: number };

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
}

export const newStreamStats = (): StreamStats => ({
  pages: 0,
  pagesLargerThanAsked: 0,
  windows: 0,
  maxConcurrentWindows: 0,
  skippedOutsideWindow: 0,
  skippedDuplicates: 0,
});

interface Delivery<R> {
  entry: Entry;
  event: WindowEvent<R> | { kind: 'failed'; error: unknown };
  written: () => void;
}

/** The windows of one sync in flight, and what they share. */
interface Run<T, R> {
  options: StreamReadOptions<T, R>;
  stats: StreamStats;
  sizer: WindowSizer;
  sortTrust: SortTrust;
  deliveries: DeliveryQueue<Delivery<R>>;
  running: Set<Entry>;
  stop: AbortController;
}

/**
 * Reads a stream over the book's range in windows, several at once (see windowsToRun), and yields
 * records and the states that may be saved after them. Windows complete in any order; the
 * StateBook decides what state describes what was emitted. Each window task waits until its page
 * has been written out before it fetches the next, so what is in flight stays within the number of
 * windows times two pages.
 */
export async function* readStream<T, R>(options: StreamReadOptions<T, R>, stats: StreamStats): AsyncGenerator<StreamEvent<R>> {
  const run: Run<T, R> = {
    options,
    stats,
    sizer: new WindowSizer(options.windowSizeMs),
    sortTrust: new SortTrust(),
    deliveries: new DeliveryQueue(),
    running: new Set(),
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

/** Starts windows over the unplanned stretches while the concurrency allows. */
function planWindows<T, R>(run: Run<T, R>): void {
  const { book } = run.options;
  // Once a page came larger than asked for, pages are read one window at a time: only one such
  // page is in memory at once.
  const concurrency = run.stats.pagesLargerThanAsked > 0 ? 1 : Math.max(1, run.options.concurrency());
  const capacity = windowsToRun(run.sortTrust, run.running.size, concurrency);
  for (let next = book.nextUnplanned(); next && run.running.size < capacity; next = book.nextUnplanned()) {
    const size = run.running.size === 0 ? run.sizer.sizeMs : run.sizer.baseSizeMs;
    startWindow(run, book.planWindow(next, windowEnd(next.position.instant, next.end, size)));
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
    book.complete(entry);
    run.sizer.windowDone(event.emitted, run.running.size === 0);
  }
}

function startWindow<T, R>(run: Run<T, R>, entry: Entry): void {
  const { options, stats } = run;
  run.running.add(entry);
  stats.windows += 1;
  stats.maxConcurrentWindows = Math.max(stats.maxConcurrentWindows, run.running.size);
  const bounds = { start: entry.position.instant, end: entry.end };
  options.debug(`Reading window [${formatInstant(bounds.start)}, ${formatInstant(bounds.end)})`);
  const cursor = new WindowCursor(bounds, entry.position.ids, run.sortTrust);
  const emit = (event: Delivery<R>['event']): Promise<void> => new Promise((written) => run.deliveries.push({ entry, event, written }));
  readWindow(bounds, cursor, stats, {
    pages: options.pages,
    keys: options.keys,
    render: options.render,
    pageSize: options.pageSize,
    mayBeDense: run.sizer.isGrown,
    warn: options.warn,
    emit,
    signal: run.stop.signal,
  }).catch((error: unknown) => emit({ kind: 'failed', error }));
}
