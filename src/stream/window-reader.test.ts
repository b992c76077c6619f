import { describe, expect, jest, test } from '@jest/globals';
import { compareInstants, parseInstant, type Instant } from '../cursor/instant.js';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { ConnectorError } from '../errors.js';
import type { AuditResource, Page, PageRequest, PageSource } from './page-source.js';
import { readWindow, type WindowCounters, type WindowEvent } from './window-reader.js';

/*
 * One window read from a scripted in-memory source. Each reading of the window (a request without a
 * link) serves the next script in the list, the last one again once the list runs out. The oracle:
 * every record exactly once, and no position handed out before every record it covers was emitted.
 */

const at = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(`bad instant ${text}`);
  return instant;
};
const minute = (m: number): string => `2025-04-02T20:${String(m).padStart(2, '0')}:00Z`;
const audit = (id: string, m: number): AuditResource => ({ id, type: 'audits', attributes: { event: 'update', created_at: minute(m) } });

const WINDOW = { start: at('2025-04-02T20:00:00Z'), end: at('2025-04-02T21:00:00Z') };
const [A, B, X, C, D] = [audit('a', 10), audit('b', 20), audit('x', 25), audit('c', 30), audit('d', 40)];
const ALL = [A, B, X, C, D] as AuditResource[];

interface Script {
  pages: AuditResource[][];
  /** meta.total_count of the reading; absent when the server sends no meta. */
  total?: number;
  /** The last page still links on (to an empty page that ends the walk). */
  emptyTail?: boolean;
  /** Every page links on, past the list serving its last page again: a walk that would never end. */
  endless?: boolean;
}

/** A source that keeps answering a runaway walk is cut off here, so that a test fails instead of hanging. */
const RUNAWAY_REQUESTS = 200;

class ScriptedSource implements PageSource {
  readonly requests: PageRequest[] = [];
  private reading = -1;

  constructor(private readonly scripts: readonly Script[]) {}

  async fetchPage(request: PageRequest): Promise<Page> {
    this.requests.push(request);
    if (this.requests.length > RUNAWAY_REQUESTS) throw new Error('the walk never ended');
    if (request.link === undefined) this.reading += 1;
    const script = this.scripts[Math.min(this.reading, this.scripts.length - 1)] as Script;
    const index = request.link === undefined ? 0 : Number(new URL(request.link).searchParams.get('page'));
    const link = (page: number): string => `https://rootly.test/v1/audits?reading=${this.reading}&page=${page}`;
    const last = script.endless ? Infinity : script.pages.length - 1 + (script.emptyTail ? 1 : 0);
    const resources = script.pages[index] ?? (script.endless ? script.pages.at(-1) : undefined) ?? [];
    return {
      resources: [...resources],
      nextLink: index < last ? link(index + 1) : null,
      selfLink: link(index),
      ...(script.total !== undefined ? { totalCount: script.total } : {}),
    };
  }
}

const trusted = (): SortTrust => {
  const trust = new SortTrust();
  trust.recordAscendingWindow(20);
  return trust;
};

interface WindowRun {
  events: Array<WindowEvent<AuditResource[]>>;
  emitted: string[];
  /** Records a saved position claimed delivered before they were emitted: lost after a crash there. */
  claimedBeforeEmitted: string[];
  warnings: string[];
  counters: WindowCounters;
  source: ScriptedSource;
  /** What readWindow threw, if it did. */
  failure?: unknown;
}

interface ReadOptions {
  trust?: SortTrust;
  /** The window was grown over empty history. */
  mayBeDense?: boolean;
  /** Ids an earlier sync delivered at the window's start. */
  deliveredAtStart?: string[];
  /** The sync is stopped once this many pages were fetched. */
  stopAfterPages?: number;
}

async function read(scripts: Script[], options: ReadOptions = {}): Promise<WindowRun> {
  const source = new ScriptedSource(scripts);
  const run: WindowRun = {
    events: [],
    emitted: [],
    claimedBeforeEmitted: [],
    warnings: [],
    counters: { pages: 0, skippedOutsideWindow: 0, skippedDuplicates: 0, skippedAlreadyDelivered: 0, rereads: 0 },
    source,
  };
  const cursor = new WindowCursor(WINDOW, options.deliveredAtStart ?? [], options.trust ?? trusted());
  const reading = readWindow(WINDOW, cursor, run.counters, {
    pages: source,
    render: (resources) => resources,
    pageSize: 2,
    mayBeDense: options.mayBeDense ?? false,
    warn: (message) => run.warnings.push(message),
    stopped: () => options.stopAfterPages !== undefined && source.requests.length >= options.stopAfterPages,
    emit: async (event) => {
      run.events.push(event);
      if (event.kind !== 'records') return;
      run.emitted.push(...event.records.map((r) => r.id));
      const position = event.position;
      if (!position) return;
      const covered = ALL.filter((r) => {
        const vs = compareInstants(at(r.attributes.created_at), position.instant);
        return vs < 0 || (vs === 0 && position.ids.includes(r.id));
      });
      run.claimedBeforeEmitted.push(...covered.map((r) => r.id).filter((id) => !run.emitted.includes(id)));
    },
  });
  await reading.catch((error: unknown) => (run.failure = error));
  return run;
}

const sorted = (ids: readonly string[]): string[] => [...ids].sort();
const completions = (run: WindowRun): number => run.events.filter((e) => e.kind === 'complete').length;
/** Every record of the window emitted exactly once, and the read ended without failing. */
function expectAllOnce(run: WindowRun): void {
  expect({ failure: run.failure, emitted: sorted(run.emitted) }).toEqual({ failure: undefined, emitted: sorted(ALL.map((r) => r.id)) });
}

describe('readWindow: a window whose pages hold fewer records than reported', () => {
  test('is read again, and every record is delivered once before the window counts as complete', async () => {
    const run = await read([
      { pages: [[A, B], [C, D]], total: 5 },
      { pages: [[A, B], [X, C], [D]], total: 5 },
    ]);
    expectAllOnce(run);
    expect(run.events.at(-1)).toEqual({ kind: 'complete', emitted: 5 });
    expect(completions(run)).toBe(1);
    expect(run.counters.rereads).toBe(1);
    expect(run.warnings.join('\n')).toMatch(/reported 5 .* served 4/);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('is read a third time when the second reading is short too', async () => {
    const short = { pages: [[A, B], [C, D]], total: 5 };
    const run = await read([short, short, { pages: [[A, B, X], [C, D]], total: 5 }]);
    expectAllOnce(run);
    expect(completions(run)).toBe(1);
    expect(run.counters.rereads).toBe(2);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('short in each of three readings, fails the sync as transient and never counts the window complete', async () => {
    const run = await read([{ pages: [[A, B], [C, D]], total: 5 }]);
    expect(run.failure).toBeInstanceOf(ConnectorError);
    expect((run.failure as ConnectorError).failureType).toBe('transient_error');
    expect((run.failure as ConnectorError).message).toMatch(/reported 5 .* only 4/);
    expect(run.source.requests.filter((r) => r.link === undefined)).toHaveLength(3);
    expect(completions(run)).toBe(0);
  });

  test('served in full the first time, is read once', async () => {
    const run = await read([{ pages: [[A, B], [X, C], [D]], total: 5 }]);
    expect(run.counters.rereads).toBe(0);
    expect(run.source.requests.filter((r) => r.link === undefined)).toHaveLength(1);
    expectAllOnce(run);
  });

  test('without a reported total, is read once: there is nothing to compare against', async () => {
    const run = await read([{ pages: [[A, B], [C, D]] }]);
    expect(run.counters.rereads).toBe(0);
    expect(completions(run)).toBe(1);
  });
});

describe('readWindow: an empty page that still links on', () => {
  test('stops mid-window positions: no state may claim the records that page may have lost', async () => {
    const run = await read([
      { pages: [[A, B], [], [C], [D]], total: 5 },
      { pages: [[A, B], [X], [C], [D]], total: 5 },
    ]);
    expect(run.claimedBeforeEmitted).toEqual([]);
    expectAllOnce(run);
    expect(completions(run)).toBe(1);
  });

  test('pages before it keep their position', async () => {
    const run = await read([{ pages: [[A, B], [], [C, D]], total: 4 }]);
    const positions = run.events.filter((e) => e.kind === 'records' && e.position).map((e) => e.kind === 'records' && e.position?.ids);
    expect(positions).toEqual([['b']]);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('at the end of the walk is harmless: the window completes with every record', async () => {
    const run = await read([{ pages: [[A, B], [X, C], [D]], total: 5, emptyTail: true }]);
    expectAllOnce(run);
    expect(completions(run)).toBe(1);
  });
});

describe('readWindow: positions while the order is trusted', () => {
  test('each page is confirmed by the next, and every position covers only records already emitted', async () => {
    const run = await read([{ pages: [[A, B], [X, C], [D]], total: 5 }]);
    const positions = run.events.filter((e) => e.kind === 'records' && e.position !== undefined);
    expect(positions.length).toBeGreaterThan(0);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('a page going back in time ends mid-window positions for the window', async () => {
    const run = await read([{ pages: [[C, D], [A, B], [X]], total: 5 }]);
    expect(run.claimedBeforeEmitted).toEqual([]);
    expectAllOnce(run);
  });
});

const failureOf = (run: WindowRun): ConnectorError => {
  expect(run.failure).toBeInstanceOf(ConnectorError);
  return run.failure as ConnectorError;
};
const reportedEvents = (run: WindowRun) => run.events.filter((e) => e.kind === 'reported');
/** Twenty records a minute apart, in order: a window that earns the sort trust. */
const steps = Array.from({ length: 20 }, (_, i) => audit(`s${i}`, 10 + i));

describe('readWindow: walks that would never end', () => {
  test('empty pages that keep linking on stop the sync as transient after five in a row, naming the window', async () => {
    const run = await read([{ pages: [[A], []], endless: true }]);
    const failure = failureOf(run);
    expect(failure.failureType).toBe('transient_error');
    expect(failure.message).toContain('2025-04-02T20:00:00Z, 2025-04-02T21:00:00Z');
    expect(failure.message).toMatch(/without records \(page 6\)/);
    expect(run.source.requests).toHaveLength(6);
  });

  test('pages that hold records but keep linking past the reported total stop the sync, naming the page and total', async () => {
    const run = await read([{ pages: [[A], [B]], total: 2, endless: true }]);
    const failure = failureOf(run);
    expect(failure.failureType).toBe('transient_error');
    expect(failure.message).toContain('page 8 of a range reported to hold 2 records');
    expect(run.source.requests).toHaveLength(8);
  });

  test('a walk of as many pages as reported records plus five still completes', async () => {
    const run = await read([{ pages: [[A], [B], [A], [B], [A], [B], [A], [B]], total: 2 }]);
    expect(run.failure).toBeUndefined();
    expect(sorted(run.emitted)).toEqual(['a', 'b']);
  });

  test('a page linking to itself stops the sync at once as a system error, without asking for it again', async () => {
    const source: PageSource = { fetchPage: async () => ({ resources: [A], nextLink: 'https://rootly.test/p?b=2&a=1', selfLink: 'https://rootly.test/p?a=1&b=2' }) };
    const cursor = new WindowCursor(WINDOW, [], trusted());
    const fetchPage = jest.spyOn(source, 'fetchPage');
    const counters = { pages: 0, skippedOutsideWindow: 0, skippedDuplicates: 0, skippedAlreadyDelivered: 0, rereads: 0 };
    const reading = readWindow(WINDOW, cursor, counters, { pages: source, render: (r) => r, pageSize: 2, mayBeDense: false, warn: () => undefined, stopped: () => false, emit: async () => undefined });
    await expect(reading).rejects.toMatchObject({ failureType: 'system_error', message: expect.stringMatching(/already followed/) });
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  test('next links that are not URLs are still told apart', async () => {
    const links = ['http://[bad/1', 'http://[bad/2'];
    let request = 0;
    const source: PageSource = { fetchPage: async () => ({ resources: [[A], [B], [C]][request] ?? [], nextLink: links[request++] ?? null }) };
    const counters = { pages: 0, skippedOutsideWindow: 0, skippedDuplicates: 0, skippedAlreadyDelivered: 0, rereads: 0 };
    const emitted: string[] = [];
    await readWindow(WINDOW, new WindowCursor(WINDOW, [], trusted()), counters, {
      pages: source, render: (r) => r, pageSize: 1, mayBeDense: false, warn: () => undefined, stopped: () => false,
      emit: async (event) => void (event.kind === 'records' && emitted.push(...event.records.map((r) => r.id))),
    });
    expect(emitted).toEqual(['a', 'b', 'c']);
  });
});

describe('readWindow: what the sync is told', () => {
  test('the reported total is told once per window, also when the window is read again', async () => {
    const run = await read([{ pages: [[A, B], [C, D]], total: 5 }, { pages: [[A, B], [X, C], [D]], total: 5 }]);
    expect(reportedEvents(run)).toEqual([{ kind: 'reported', total: 5 }]);
    expect(run.warnings.join('\n')).toContain('[2025-04-02T20:00:00Z, 2025-04-02T21:00:00Z)');
  });

  test('the reported total is told before the first records, so that the estimate leads the records', async () => {
    const run = await read([{ pages: [[A, B], [X, C], [D]], total: 5 }]);
    expect(run.events[0]).toEqual({ kind: 'reported', total: 5 });
  });

  test('no total is told when the server reports none', async () => {
    expect(reportedEvents(await read([{ pages: [[A, B], [C]] }]))).toEqual([]);
  });

  test('a page whose records were all skipped emits nothing, so it holds back no state', async () => {
    const run = await read([{ pages: [[A, B], [A, B], [C]], total: 3 }], { trust: new SortTrust() });
    expect(run.events.filter((e) => e.kind === 'records').map((e) => e.kind === 'records' && e.count)).toEqual([2, 1]);
  });

  test('records skipped are counted by why: outside the window, served twice, delivered by an earlier sync', async () => {
    const atStart = audit('s', 0);
    const outside = { ...audit('o', 0), attributes: { created_at: '2025-04-02T19:59:59Z' } };
    const run = await read([{ pages: [[outside, atStart, A], [A, A, B]] }], { deliveredAtStart: ['s'] });
    expect(run.counters).toEqual({ pages: 2, skippedOutsideWindow: 1, skippedDuplicates: 2, skippedAlreadyDelivered: 1, rereads: 0 });
    expect(run.emitted).toEqual(['a', 'b']);
  });

  test('a stopped sync asks for no further page and never reports the window complete', async () => {
    const run = await read([{ pages: [[A], [B], [C]] }], { stopAfterPages: 1 });
    expect(run.source.requests).toHaveLength(1);
    expect(completions(run)).toBe(0);
  });
});

describe('readWindow: a window grown over empty history', () => {
  const dense = (total: number): Script => ({ pages: [[A, B], [X, C], [D]], total });

  test('reporting more than 20,000 records is handed back as dense before any record is emitted', async () => {
    const run = await read([dense(20_001)], { mayBeDense: true });
    expect(run.events).toEqual([{ kind: 'dense', total: 20_001 }]);
  });

  test('reporting exactly 20,000 records, or a window not grown, is read as it is', async () => {
    for (const run of [await read([dense(20_000)], { mayBeDense: true }), await read([dense(20_001)], { mayBeDense: false })]) {
      expect(run.events.some((e) => e.kind === 'dense')).toBe(false);
      expect(sorted(run.emitted)).toEqual(sorted(ALL.map((r) => r.id)));
    }
  });

  test('is not handed back as dense halfway through being read again', async () => {
    const run = await read([{ pages: [[A, B], [C, D]], total: 5 }, dense(20_001)], { mayBeDense: true });
    expect(run.events.some((e) => e.kind === 'dense')).toBe(false);
  });
});

describe('readWindow and the sort trust', () => {
  test('a window read again does not cost the sync its sort trust: it only goes without positions', async () => {
    const trust = trusted();
    const run = await read([{ pages: [[A, B], [C, D]], total: 5 }, { pages: [[A, B], [X, C], [D]], total: 5 }], { trust });
    expect(run.failure).toBeUndefined();
    expect(trust.trusted).toBe(true);
  });

  test('a window in order that ends on an empty last page earns the trust', async () => {
    const trust = new SortTrust();
    await read([{ pages: [steps.slice(0, 10), steps.slice(10)], emptyTail: true }], { trust });
    expect(trust.trusted).toBe(true);
  });
});
