import type { Position, StateBook, Entry } from '../cursor/state-book.js';
import type { AuditStreamState } from '../cursor/state.js';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { formatInstant } from '../cursor/instant.js';
import type { AuditResource, PageSource } from './page-source.js';
import { readWindow, type WindowCounters, type WindowEvent } from './window-reader.js';
import { windowEnd, WindowSizer } from './windows.js';

export type StreamEvent<R> =
  /** `count` records, in the form the sync's `render` gave them. */
  | { kind: 'records'; records: R; count: number }
  | { kind: 'checkpoint'; state: AuditStreamState }
  | { kind: 'estimate'; rowEstimate: number };

export interface AuditStreamOptions<R> {
  pages: PageSource;
  /** Renders a page's records for output as soon as they are fetched (see WindowReadOptions). */
  render: (resources: AuditResource[]) => R;
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
  windows: 0,
  maxConcurrentWindows: 0,
  skippedOutsideWindow: 0,
  skippedDuplicates: 0,
  skippedAlreadyDelivered: 0,
  rereads: 0,
});

interface Delivery<R> {
  entry: Entry;
  event: WindowEvent<R> | { kind: 'failed'; error: unknown };
  written: () => void;
}

/**
 * Reads the audit log over the book's range in windows, several at once (see windowsToRun), and
 * yields records and the states that may be saved after them. Windows complete in any order; the
 * StateBook decides what state describes what was emitted. Each window task waits until its page
 * has been written out before it fetches the next, so what is in flight stays within the number of
 * windows times two pages.
 */
export async function* readAuditLogs<R>(options: AuditStreamOptions<R>, stats: StreamStats): AsyncGenerator<StreamEvent<R>> {
  const { book } = options;
  const sizer = new WindowSizer(options.windowSizeMs);
  const sortTrust = new SortTrust();
  const deliveries = new DeliveryQueue<Delivery<R>>();
  const running = new Set<Entry>();
  const stop = new AbortController();
  let rowEstimate = 0;

  const start = (entry: Entry): void => {
    running.add(entry);
    stats.windows += 1;
    stats.maxConcurrentWindows = Math.max(stats.maxConcurrentWindows, running.size);
    const bounds = { start: entry.position.instant, end: entry.end };
    options.debug(`Reading window [${formatInstant(bounds.start)}, ${formatInstant(bounds.end)})`);
    const cursor = new WindowCursor(bounds, entry.position.ids, sortTrust);
    const emit = (event: Delivery<R>['event']): Promise<void> => new Promise((written) => deliveries.push({ entry, event, written }));
    readWindow(bounds, cursor, stats, {
      pages: options.pages,
      render: options.render,
      pageSize: options.pageSize,
      mayBeDense: sizer.isGrown,
      warn: options.warn,
      emit,
      signal: stop.signal,
    }).catch((error: unknown) => emit({ kind: 'failed', error }));
  };

  const allowed = (): number => Math.max(1, options.concurrency());

  try {
    for (;;) {
      const capacity = windowsToRun(sortTrust, running.size, allowed());
      for (let next = book.nextUnplanned(); next && running.size < capacity; next = book.nextUnplanned()) {
        start(book.planWindow(next, windowEnd(next.position.instant, next.end, running.size === 0 ? sizer.sizeMs : sizer.baseSizeMs)));
      }
      if (running.size === 0) break;
      const { entry, event, written } = await deliveries.take();
      if (event.kind === 'failed') throw event.error;
      if (event.kind === 'records') {
        yield { kind: 'records', records: event.records, count: event.count };
        if (event.position) book.advance(entry, event.position);
        else book.markDirty(entry);
      } else if (event.kind === 'reported') {
        if (event.total > 0) yield { kind: 'estimate', rowEstimate: (rowEstimate += event.total) };
      } else if (event.kind === 'dense') {
        options.debug(`Window reports ${event.total} records; reading it in smaller windows`);
        running.delete(entry);
        sizer.reset();
        book.shrinkWindow(entry, windowEnd(entry.position.instant, entry.end, sizer.baseSizeMs));
        start(entry);
      } else {
        running.delete(entry);
        book.complete(entry);
        sizer.windowDone(event.emitted, running.size === 0);
      }
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
    stop.abort();
    deliveries.releaseAll();
  }
}

/**
 * How many windows may run now. Once the server has shown that it sorts, as many as allowed. While
 * that is unproven, one at a time, so that each window can prove or disprove the order. Once it is
 * known not to sort, a window's records are saved only when it completes and no state can be saved
 * while any window is partly emitted: windows then run in batches, the next starting once every
 * window of the last has completed, and a state follows each batch.
 */
function windowsToRun(sortTrust: SortTrust, running: number, allowed: number): number {
  if (sortTrust.trusted) return allowed;
  if (running > 0) return 0;
  return sortTrust.revoked ? allowed : 1;
}

/** Deliveries from window tasks to the one writer, in arrival order. */
class DeliveryQueue<T extends { written: () => void }> {
  private readonly items: T[] = [];
  private waiter: ((item: T) => void) | undefined;

  push(item: T): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter(item);
    } else {
      this.items.push(item);
    }
  }

  take(): Promise<T> {
    const item = this.items.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** After a failure: lets waiting window tasks run on to their stop check. */
  releaseAll(): void {
    for (const item of this.items.splice(0)) item.written();
  }
}

export type { Position };
