import { describe, expect, test } from '@jest/globals';
import { compareInstants, parseInstant, type Instant } from '../cursor/instant.js';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { ConnectorError } from '../errors.js';
import { AUDIT_KEYS, type AuditResource } from '../rootly/audits.js';
import type { Page, PageRequest, PageSource } from './page-source.js';
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
}

class ScriptedSource implements PageSource<AuditResource> {
  readonly requests: PageRequest[] = [];
  private reading = -1;

  constructor(private readonly scripts: readonly Script[]) {}

  async fetchPage(request: PageRequest): Promise<Page<AuditResource>> {
    this.requests.push(request);
    if (request.link === undefined) this.reading += 1;
    const script = this.scripts[Math.min(this.reading, this.scripts.length - 1)] as Script;
    const index = request.link === undefined ? 0 : Number(new URL(request.link).searchParams.get('page'));
    const link = (page: number): string => `https://rootly.test/v1/audits?reading=${this.reading}&page=${page}`;
    const last = script.pages.length - 1 + (script.emptyTail ? 1 : 0);
    return {
      resources: [...(script.pages[index] ?? [])],
      nextLink: index < last ? link(index + 1) : null,
      selfLink: link(index),
      ...(script.total !== undefined ? { totalCount: script.total } : {}),
    };
  }
}

/** How often the window was read again from its first page. */
const rereads = (run: WindowRun): number => run.source.requests.filter((r) => r.link === undefined).length - 1;

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

async function read(scripts: Script[], trust = trusted()): Promise<WindowRun> {
  const source = new ScriptedSource(scripts);
  const run: WindowRun = {
    events: [],
    emitted: [],
    claimedBeforeEmitted: [],
    warnings: [],
    counters: { pages: 0, skippedOutsideWindow: 0, skippedDuplicates: 0 },
    source,
  };
  const cursor = new WindowCursor(WINDOW, [], trust);
  const reading = readWindow(WINDOW, cursor, run.counters, {
    pages: source,
    keys: AUDIT_KEYS,
    render: (resources: AuditResource[]) => resources,
    pageSize: 2,
    mayBeDense: false,
    warn: (message) => run.warnings.push(message),
    signal: new AbortController().signal,
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
    expect(rereads(run)).toBe(1);
    expect(run.warnings.join('\n')).toMatch(/reported 5 .* served 4/);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('is read a third time when the second reading is short too', async () => {
    const short = { pages: [[A, B], [C, D]], total: 5 };
    const run = await read([short, short, { pages: [[A, B, X], [C, D]], total: 5 }]);
    expectAllOnce(run);
    expect(completions(run)).toBe(1);
    expect(rereads(run)).toBe(2);
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
    expect(rereads(run)).toBe(0);
    expect(run.source.requests.filter((r) => r.link === undefined)).toHaveLength(1);
    expectAllOnce(run);
  });

  test('without a reported total, is read once: there is nothing to compare against', async () => {
    const run = await read([{ pages: [[A, B], [C, D]] }]);
    expect(rereads(run)).toBe(0);
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
