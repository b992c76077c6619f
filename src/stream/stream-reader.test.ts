import { describe, expect, test } from '@jest/globals';
import { getEventListeners, getMaxListeners } from 'node:events';
import { formatInstant, parseInstant, type Instant } from '../cursor/instant.js';
import { StateBook } from '../cursor/state-book.js';
import { parseStreamState, stateJson, type SavedState, type StateJson } from '../cursor/state.js';
import { ConnectorError } from '../errors.js';
import { AUDIT_KEYS, type AuditResource } from '../rootly/audits.js';
import type { Page as GenericPage, PageRequest, PageSource as GenericPageSource } from './page-source.js';
import { newStreamStats, readStream, type StreamEvent, type StreamReadOptions, type StreamStats } from './stream-reader.js';

type PageSource = GenericPageSource<AuditResource>;
type Page = GenericPage<AuditResource>;
type AheadRange = NonNullable<StateJson['ahead']>[number];

/** The saved state a sync starting at `start` with these ids and ranges ahead would read. */
function savedAt(start: Instant, ids: readonly string[], ahead: AheadRange[] = []): SavedState {
  const saved = parseStreamState({ created_at: formatInstant(start), ids_at_created_at: [...ids], ahead }, 'audit_logs');
  if (!saved) throw new Error('no state');
  return saved;
}

/** readStream over audits, as the read command runs it. */
const readAuditLogs = <R>(options: Omit<StreamReadOptions<AuditResource, R>, 'keys'>, stats = newStreamStats()) =>
  readStream({ ...options, keys: AUDIT_KEYS }, stats);

/*
 * A fake Rootly: a fixed list of audits, filtered by the requested range [start, end), paginated
 * by offset, in a chosen order. Times are kept as BigInt nanoseconds and parsed here by hand, so the
 * oracle does not share the connector's instant code.
 */

type Order = 'ascending' | 'newest-first' | 'shuffled';

interface Row {
  resource: AuditResource;
  nanos: bigint;
}

interface FakeOptions {
  order: Order;
  /** The server's page size; the requested one is ignored when set. */
  serverPageSize?: number;
  /** Serve the last record of page N again at the top of page N+1 (an offset shift). */
  repeatAcrossPages?: boolean;
  /** Milliseconds to wait before answering the i-th request, so that windows complete out of order. */
  latencyFor?: (requestIndex: number) => number;
  /** Overrides meta.total_count, e.g. to claim a dense window. */
  totalCount?: (request: PageRequest, actual: number) => number;
}

const NS_PER_MS = 1_000_000n;

/** ISO-8601 with Z or ±hh:mm and any fraction, to BigInt nanoseconds since the epoch. */
function nanosOf(text: string): bigint {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) throw new Error(`fake server cannot parse ${text}`);
  const [, whole, fraction = '', zone] = match;
  const ms = Date.parse(`${whole}${zone}`);
  if (Number.isNaN(ms)) throw new Error(`fake server cannot parse ${text}`);
  return BigInt(ms) * NS_PER_MS + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

/** Writes nanoseconds as created_at: UTC with Z or at -07:00, with the digits needed. */
function createdAt(nanos: bigint, style: 'Z' | '-07:00'): string {
  const ms = Number(nanos / NS_PER_MS);
  const subMs = nanos % NS_PER_MS;
  const shifted = style === 'Z' ? ms : ms - 7 * 3_600_000;
  const base = new Date(shifted).toISOString().slice(0, 23);
  const extra = subMs === 0n ? '' : String(subMs).padStart(6, '0').replace(/0+$/, '');
  return `${base}${extra}${style === 'Z' ? 'Z' : '-07:00'}`;
}

function row(id: string, nanos: bigint, style: 'Z' | '-07:00' = 'Z'): Row {
  return { nanos, resource: { id, type: 'audits', attributes: { event: 'update', created_at: createdAt(nanos, style), extra: { id } } } };
}

/** A small seeded PRNG (mulberry32) so that a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const byTimeThenId = (a: Row, b: Row): number =>
  a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : a.resource.id.localeCompare(b.resource.id);

class FakeRootly implements PageSource {
  readonly requests: PageRequest[] = [];

  constructor(
    private readonly rows: readonly Row[],
    private readonly options: FakeOptions,
  ) {}

  async fetchPage(request: PageRequest): Promise<Page> {
    this.requests.push(request);
    const delay = this.options.latencyFor?.(this.requests.length) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const start = nanosOf(request.range.start);
    const end = nanosOf(request.range.end);
    const matching = this.rows.filter((r) => r.nanos >= start && r.nanos < end).sort(byTimeThenId);
    if (this.options.order === 'newest-first') matching.reverse();
    if (this.options.order === 'shuffled') {
      // The same permutation for every page of the same range, as a server with a stable order would.
      const random = prng(Number(start % 1_000_003n) + matching.length);
      for (let i = matching.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [matching[i], matching[j]] = [matching[j] as Row, matching[i] as Row];
      }
    }
    const size = this.options.serverPageSize ?? request.pageSize;
    const pageNumber = request.link === undefined ? 1 : Number(new URL(request.link).searchParams.get('page[number]'));
    const from = (pageNumber - 1) * size;
    const repeatFrom = this.options.repeatAcrossPages && pageNumber > 1 ? from - 1 : from;
    const resources = matching.slice(repeatFrom, from + size).map((r) => structuredClone(r.resource));
    const hasNext = from + size < matching.length;
    const link = new URL('https://api.rootly.test/v1/audits');
    link.searchParams.set('filter[created_at][gte]', request.range.start);
    link.searchParams.set('filter[created_at][lt]', request.range.end);
    link.searchParams.set('page[number]', String(pageNumber + 1));
    const totalCount = this.options.totalCount ? this.options.totalCount(request, matching.length) : matching.length;
    return { resources, nextLink: hasNext ? link.toString() : null, totalCount };
  }
}

const at = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(`bad instant ${text}`);
  return instant;
};

type Event = StreamEvent<AuditResource[]>;

interface Run {
  events: Event[];
}

interface Sizes {
  pageSize: number;
  windowSizeMs: number;
  concurrency?: number;
}

/** What a test may watch or steer in a sync besides its sizes. */
type Hooks = Partial<Pick<StreamReadOptions<AuditResource, AuditResource[]>, 'debug' | 'concurrency'>>;

/** The sync's stream over `book`, its records left as parsed. */
const streamOf = (source: PageSource, book: StateBook, sizes: Sizes, stats = newStreamStats(), hooks: Hooks = {}) =>
  readAuditLogs(
    {
      pages: source,
      render: (resources) => resources,
      book,
      ...sizes,
      concurrency: () => sizes.concurrency ?? 1,
      debug: () => undefined,
      warn: () => undefined,
      ...hooks,
    },
    stats,
  );

async function run(
  source: PageSource,
  from: { start: Instant; deliveredAtStart: readonly string[]; ahead?: AheadRange[] },
  end: Instant,
  sizes: Sizes,
  stats = newStreamStats(),
): Promise<Run> {
  const events: Event[] = [];
  const book = new StateBook(savedAt(from.start, from.deliveredAtStart, from.ahead), end);
  for await (const event of streamOf(source, book, sizes, stats)) events.push(event);
  return { events };
}

const idsOf = (events: readonly Event[]): string[] =>
  events.flatMap((event) => (event.kind === 'records' ? event.records.map((r) => r.id) : []));
const checkpointsOf = (events: readonly Event[]): Array<{ index: number; state: StateJson }> =>
  events.flatMap((event, index) => (event.kind === 'checkpoint' ? [{ index, state: stateJson(event.state) }] : []));
const sorted = (ids: readonly string[]): string[] => [...ids].sort();

/** The ids a destination holds after a crash right after a checkpoint of `full` and a sync resumed from its state. */
async function idsAfterCrashAt(
  full: Run,
  { index, state }: { index: number; state: StateJson },
  source: PageSource,
  end: Instant,
  sizes: Sizes,
): Promise<string[]> {
  const resumed = await run(
    source,
    { start: at(state.created_at), deliveredAtStart: state.ids_at_created_at, ahead: state.ahead },
    end,
    sizes,
  );
  return sorted([...idsOf(full.events.slice(0, index)), ...idsOf(resumed.events)]);
}

/*
 * The dataset: [RANGE_START, RANGE_START + 10 s) plus records just outside it. Same-millisecond
 * clusters sit on the range start, on whole seconds (every inner window boundary) and just before
 * them, so that they straddle page and window boundaries; a few carry sub-millisecond digits or a
 * -07:00 offset.
 */
const RANGE_START_MS = Date.UTC(2025, 3, 2, 20, 0, 0);
const RANGE_START = formatInstant(at(new Date(RANGE_START_MS).toISOString()));
const RANGE_END = new Date(RANGE_START_MS + 10_000).toISOString();

/** `spread` adds that many records at distinct instants between the clusters, enough for an order to be proven. */
function dataset(spread = 0): { rows: Row[]; expected: string[] } {
  const rows: Row[] = [];
  let next = 0;
  const add = (offsetMs: number, count: number, subNanos = 0n, style: 'Z' | '-07:00' = 'Z'): void => {
    for (let i = 0; i < count; i += 1) {
      next += 1;
      rows.push(row(`a${String(next).padStart(3, '0')}`, BigInt(RANGE_START_MS + offsetMs) * NS_PER_MS + subNanos, style));
    }
  };
  add(-1, 2); // before the range
  add(0, 4); // on the range start
  add(400, 1, 0n, '-07:00');
  add(999, 3); // just before the first whole-second boundary
  add(1000, 5); // on it
  add(1500, 1, 476_000n); // ...1.500476
  add(1500, 1, 476_100n); // ...1.5004761: later than the one above
  add(1500, 2, 476_000n, '-07:00'); // equal to the first, written at another offset
  add(2999, 1, 999_999n);
  add(3000, 3, 0n, '-07:00');
  add(4200, 1);
  add(5000, 6, 500_000n);
  add(6000, 2);
  add(7777, 1);
  add(8999, 2);
  add(9000, 1);
  add(9999, 2, 999_999n); // the last nanosecond-ish of the range
  add(10_000, 3); // on the (exclusive) end
  for (let i = 0; i < spread; i += 1) add(37 + Math.floor((i * 9_900) / spread), 1, 123_000n);
  const startNs = BigInt(RANGE_START_MS) * NS_PER_MS;
  const endNs = BigInt(RANGE_START_MS + 10_000) * NS_PER_MS;
  const expected = rows.filter((r) => r.nanos >= startNs && r.nanos < endNs).map((r) => r.resource.id);
  return { rows, expected: sorted(expected) };
}

const ORDERS: Order[] = ['ascending', 'newest-first', 'shuffled'];
const PAGE_SIZES = [1, 2, 3, 7, 50];
const WINDOW_SIZES_MS = [1000, 2500, 60_000];

interface Case {
  concurrency?: number;
  order: Order;
  pageSize: number;
  windowSizeMs: number;
  repeatAcrossPages: boolean;
  /** Records at distinct instants added to the clusters (see dataset). */
  spread?: number;
}

function cases(orders: readonly Order[], pageSizes = PAGE_SIZES): Case[] {
  return orders.flatMap((order) =>
    pageSizes.flatMap((pageSize) =>
      WINDOW_SIZES_MS.flatMap((windowSizeMs) =>
        [false, true].map((repeatAcrossPages) => ({ order, pageSize, windowSizeMs, repeatAcrossPages })),
      ),
    ),
  );
}

const label = (c: Case): string =>
  `${c.order}, page ${c.pageSize}, window ${c.windowSizeMs} ms${c.repeatAcrossPages ? ', repeats' : ''}${c.concurrency ? `, ${c.concurrency} windows at once` : ''}`;

/**
 * Reads the dataset once, then for every checkpoint pretends the sync died right after saving it
 * and a new sync resumed from it. Returns the problems found (empty when exactly once holds).
 */
async function crashAtEveryCheckpoint(c: Case): Promise<{ problems: string[]; crashes: number; splits: number }> {
  const { rows, expected } = dataset(c.spread);
  const end = at(RANGE_END);
  const sizes = { pageSize: c.pageSize, windowSizeMs: c.windowSizeMs, concurrency: c.concurrency ?? 1 };
  const fake = (): FakeRootly => new FakeRootly(rows, { order: c.order, repeatAcrossPages: c.repeatAcrossPages });
  const stats = newStreamStats();
  const full = await run(fake(), { start: at(RANGE_START), deliveredAtStart: [] }, end, sizes, stats);
  const problems: string[] = [];
  const checkpoints = checkpointsOf(full.events);
  for (const checkpoint of checkpoints) {
    const total = await idsAfterCrashAt(full, checkpoint, fake(), end, sizes);
    if (JSON.stringify(total) !== JSON.stringify(expected)) {
      const missing = expected.filter((id) => !total.includes(id));
      const doubled = total.filter((id, i) => total[i - 1] === id);
      problems.push(
        `${label(c)}: crash after ${JSON.stringify(checkpoint.state)}: missing ${missing.join(',') || '-'}, doubled ${doubled.join(',') || '-'}`,
      );
    }
  }
  return { problems, crashes: checkpoints.length, splits: stats.splits };
}

describe('readAuditLogs delivers every record exactly once', () => {
  test('for every order, page size, window size and repeated records', async () => {
    const { rows, expected } = dataset();
    const problems: string[] = [];
    for (const c of cases(ORDERS)) {
      const fake = new FakeRootly(rows, { order: c.order, repeatAcrossPages: c.repeatAcrossPages });
      const { events } = await run(fake, { start: at(RANGE_START), deliveredAtStart: [] }, at(RANGE_END), c);
      const ids = sorted(idsOf(events));
      if (JSON.stringify(ids) !== JSON.stringify(expected)) problems.push(`${label(c)}: got ${ids.length} of ${expected.length}`);
      // The last state covers the whole range, so the next sync starts exactly at its end.
      const last = checkpointsOf(events).at(-1)?.state;
      if (JSON.stringify(last) !== JSON.stringify({ created_at: formatInstant(at(RANGE_END)), ids_at_created_at: [] })) {
        problems.push(`${label(c)}: final state ${JSON.stringify(last)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('records are passed through untouched (offsets, digits and unknown attributes kept)', async () => {
    const { rows } = dataset();
    const { events } = await run(
      new FakeRootly(rows, { order: 'ascending' }),
      { start: at(RANGE_START), deliveredAtStart: [] },
      at(RANGE_END),
      { pageSize: 3, windowSizeMs: 2500 },
    );
    const byId = new Map(rows.map((r) => [r.resource.id, r.resource]));
    const resources = events.flatMap((e) => (e.kind === 'records' ? e.records : []));
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) expect(resource).toEqual(byId.get(resource.id));
    expect(resources.some((r) => r.attributes.created_at.endsWith('-07:00'))).toBe(true);
  });

  test('a server that ignores the requested page size is followed to the end', async () => {
    const { rows, expected } = dataset();
    const { events } = await run(
      new FakeRootly(rows, { order: 'ascending', serverPageSize: 4 }),
      { start: at(RANGE_START), deliveredAtStart: [] },
      at(RANGE_END),
      { pageSize: 100, windowSizeMs: 60_000 },
    );
    expect(sorted(idsOf(events))).toEqual(expected);
  });
});

describe('readAuditLogs after a crash at any checkpoint', () => {
  test('ascending server: committed records plus the resumed sync equal the dataset exactly once', async () => {
    const problems: string[] = [];
    let crashes = 0;
    for (const c of cases(['ascending'])) {
      const result = await crashAtEveryCheckpoint(c);
      problems.push(...result.problems);
      crashes += result.crashes;
    }
    expect(problems).toEqual([]);
    expect(crashes).toBeGreaterThan(100); // the property is not vacuous
  });

  test('several windows at once: committed records plus the resumed sync equal the dataset exactly once', async () => {
    const problems: string[] = [];
    let crashes = 0;
    for (const c of cases(['ascending', 'newest-first', 'shuffled']).map((c) => ({ ...c, concurrency: 4 }))) {
      const result = await crashAtEveryCheckpoint(c);
      problems.push(...result.problems);
      crashes += result.crashes;
    }
    expect(problems).toEqual([]);
    expect(crashes).toBeGreaterThan(100);
  });

  test('windows completing out of order: states carry the ranges read ahead, and every crash resumes exactly once', async () => {
    // 600 distinct instants over 20 s; 2 s windows of ~60 records: the first proves the order, then 4 run at once.
    const rows = Array.from({ length: 600 }, (_, i) => row(`c${i}`, BigInt(RANGE_START_MS) * NS_PER_MS + BigInt(i) * 33_333_333n));
    const end = at(new Date(RANGE_START_MS + 20_000).toISOString());
    const sizes = { pageSize: 7, windowSizeMs: 2000, concurrency: 4 };
    const stats = newStreamStats();
    const full = await run(
      new FakeRootly(rows, { order: 'ascending', latencyFor: (i) => (i * 7) % 5 }),
      { start: at(RANGE_START), deliveredAtStart: [] },
      end,
      sizes,
      stats,
    );
    expect(stats.maxConcurrentWindows).toBe(4);
    const checkpoints = checkpointsOf(full.events);
    expect(checkpoints.some(({ state }) => (state.ahead?.length ?? 0) > 0)).toBe(true);
    const expected = sorted(rows.map((r) => r.resource.id));
    expect(sorted(idsOf(full.events))).toEqual(expected);
    for (const checkpoint of checkpoints) {
      expect(await idsAfterCrashAt(full, checkpoint, new FakeRootly(rows, { order: 'ascending' }), end, sizes)).toEqual(expected);
    }
  });

  test.each(['newest-first', 'shuffled'] as const)(
    'a %s server is read several windows at once too, saved batch by batch, and every crash resumes exactly once',
    async (order) => {
      const rows = Array.from({ length: 600 }, (_, i) => row(`u${i}`, BigInt(RANGE_START_MS) * NS_PER_MS + BigInt(i) * 33_333_333n));
      const end = at(new Date(RANGE_START_MS + 20_000).toISOString());
      const sizes = { pageSize: 7, windowSizeMs: 2000, concurrency: 4 };
      const stats = newStreamStats();
      const full = await run(
        new FakeRootly(rows, { order, latencyFor: (i) => (i * 7) % 5 }),
        { start: at(RANGE_START), deliveredAtStart: [] },
        end,
        sizes,
        stats,
      );
      expect(stats.maxConcurrentWindows).toBe(4);
      const expected = sorted(rows.map((r) => r.resource.id));
      expect(sorted(idsOf(full.events))).toEqual(expected);
      const checkpoints = checkpointsOf(full.events);
      // Unsorted windows are saved whole, a batch at a time: states keep coming during the sync.
      const recordEvents = full.events.map((event, index) => (event.kind === 'records' ? index : -1)).filter((index) => index >= 0);
      const midSync = checkpoints.filter(({ index }) => index > (recordEvents[0] as number) && index < (recordEvents.at(-1) as number));
      expect(midSync.length).toBeGreaterThanOrEqual(2);
      for (const checkpoint of checkpoints) {
        expect(await idsAfterCrashAt(full, checkpoint, new FakeRootly(rows, { order }), end, sizes)).toEqual(expected);
      }
    },
  );

  test('ascending server: mid-window checkpoints do happen (small pages save progress inside a window)', async () => {
    // 100 distinct instants over 10 s: the first 5 s window proves the order, the second is checkpointed per page.
    const rows = Array.from({ length: 100 }, (_, i) => row(`s${i}`, BigInt(RANGE_START_MS + i * 100) * NS_PER_MS));
    const { events } = await run(
      new FakeRootly(rows, { order: 'ascending' }),
      { start: at(RANGE_START), deliveredAtStart: [] },
      at(new Date(RANGE_START_MS + 10_000).toISOString()),
      { pageSize: 2, windowSizeMs: 5000 },
    );
    const states = checkpointsOf(events).map((c) => c.state);
    expect(states.length).toBeGreaterThan(10);
    // Saved positions only move forward.
    const positions = states.map((s) => nanosOf(s.created_at));
    expect(positions.filter((p, i) => i > 0 && p < (positions[i - 1] as bigint))).toEqual([]);
  });

  test('newest-first server with pages larger than any same-millisecond cluster: exactly once', async () => {
    const problems: string[] = [];
    for (const c of cases(['newest-first'], [7, 50])) problems.push(...(await crashAtEveryCheckpoint(c)).problems);
    expect(problems).toEqual([]);
  });

  /*
   * A newest-first server (Rootly's default order) whose second page only holds records at the same
   * instant as the first page's newest record looks "ascending"; a checkpoint there would lose the
   * older records of the window on a crash.
   */
  test('newest-first server whose top millisecond spans a page: no record lost after a crash', async () => {
    const newest = BigInt(RANGE_START_MS + 5000) * NS_PER_MS;
    const rows = [row('older', BigInt(RANGE_START_MS + 1000) * NS_PER_MS), row('top-1', newest), row('top-2', newest)];
    const end = at(RANGE_END);
    const sizes = { pageSize: 1, windowSizeMs: 60_000 };
    const full = await run(new FakeRootly(rows, { order: 'newest-first' }), { start: at(RANGE_START), deliveredAtStart: [] }, end, sizes);
    for (const checkpoint of checkpointsOf(full.events)) {
      expect(await idsAfterCrashAt(full, checkpoint, new FakeRootly(rows, { order: 'newest-first' }), end, sizes)).toEqual([
        'older',
        'top-1',
        'top-2',
      ]);
    }
  });
  /*
   * A server that sorts by something other than created_at (here: by id, with ids not in time
   * order) can look ascending for a page or two; a checkpoint there would lose the older records
   * still to come. Mid-window checkpoints wait for a whole window to prove the order.
   */
  test('server ordering by something other than created_at: no record lost after a crash', async () => {
    const rows = [
      row('b', BigInt(RANGE_START_MS + 2000) * NS_PER_MS),
      row('c', BigInt(RANGE_START_MS + 3000) * NS_PER_MS),
      row('a', BigInt(RANGE_START_MS + 1000) * NS_PER_MS),
    ];
    // A page source serving them in the order above ("sorted by id" on a server whose ids are not time-ordered).
    const byListOrder: PageSource = {
      fetchPage: async (request) => {
        const start = nanosOf(request.range.start);
        const inRange = rows.filter((r) => r.nanos >= start && r.nanos < nanosOf(request.range.end));
        const index = request.link === undefined ? 0 : Number(request.link.split('=')[1]);
        return {
          resources: inRange.slice(index, index + 1).map((r) => r.resource),
          nextLink: index + 1 < inRange.length ? `https://api.rootly.test/v1/audits?page=${index + 1}` : null,
        };
      },
    };
    const end = at(RANGE_END);
    const sizes = { pageSize: 1, windowSizeMs: 60_000 };
    const full = await run(byListOrder, { start: at(RANGE_START), deliveredAtStart: [] }, end, sizes);
    expect(sorted(idsOf(full.events))).toEqual(['a', 'b', 'c']);
    for (const checkpoint of checkpointsOf(full.events)) {
      expect(await idsAfterCrashAt(full, checkpoint, byListOrder, end, sizes)).toEqual(['a', 'b', 'c']);
    }
  });
});

/** Pages read under each query's range: one walk through a window's pages per range. */
function pagesPerWalk(source: FakeRootly): number[] {
  const walks = new Map<string, number>();
  for (const request of source.requests) {
    const link = request.link === undefined ? undefined : new URL(request.link);
    const key = link
      ? `${link.searchParams.get('filter[created_at][gte]')}/${link.searchParams.get('filter[created_at][lt]')}`
      : `${request.range.start}/${request.range.end}`;
    walks.set(key, (walks.get(key) ?? 0) + 1);
  }
  return [...walks.values()];
}

describe('readAuditLogs keeps every allowed window busy until the last page', () => {
  // 400 distinct instants over 20 s in one window of 60 s: read alone, it is 80 pages one after another.
  const rows = Array.from({ length: 400 }, (_, i) =>
    row(`w${String(i).padStart(3, '0')}`, BigInt(RANGE_START_MS) * NS_PER_MS + BigInt(i) * 50_000_000n),
  );
  const end = at(new Date(RANGE_START_MS + 20_000).toISOString());
  const sizes = { pageSize: 5, windowSizeMs: 60_000, concurrency: 4 };
  const expected = sorted(rows.map((r) => r.resource.id));

  test.each(['ascending', 'newest-first'] as const)(
    '%s server: the window with the most left is split for idle slots; no walk keeps much more than its share of the pages; every crash resumes exactly once',
    async (order) => {
      const stats = newStreamStats();
      const source = new FakeRootly(rows, { order, latencyFor: (i) => (i * 7) % 3 });
      const full = await run(source, { start: at(RANGE_START), deliveredAtStart: [] }, end, sizes, stats);
      expect(sorted(idsOf(full.events))).toEqual(expected);
      expect(stats.splits).toBeGreaterThanOrEqual(3);
      expect(stats.maxConcurrentWindows).toBe(4);
      // Read whole, one walk would fetch all 80 pages in a row; split over 4 slots, the longest walk
      // stays near a quarter of them (20), which is what the sync's wall time follows.
      expect(Math.max(...pagesPerWalk(source))).toBeLessThanOrEqual(25);
      // Splitting costs few requests beyond the pages the records fill.
      expect(source.requests.length).toBeLessThanOrEqual(80 + 2 * stats.splits);
      const checkpoints = checkpointsOf(full.events);
      expect(checkpoints.at(-1)?.state).toEqual({ created_at: formatInstant(end), ids_at_created_at: [] });
      for (const checkpoint of checkpoints) {
        expect(await idsAfterCrashAt(full, checkpoint, new FakeRootly(rows, { order }), end, sizes)).toEqual(expected);
      }
    },
  );

  test('once a page came larger than asked for, windows are read one at a time and none is split', async () => {
    const stats = newStreamStats();
    const source = new FakeRootly(rows, { order: 'ascending', serverPageSize: 2 * sizes.pageSize });
    const full = await run(source, { start: at(RANGE_START), deliveredAtStart: [] }, end, sizes, stats);
    expect(sorted(idsOf(full.events))).toEqual(expected);
    expect(stats.pagesLargerThanAsked).toBeGreaterThan(0);
    expect(stats.maxConcurrentWindows).toBe(1);
    expect(stats.splits).toBe(0);
  });

  test('a shuffled server is never split: a window can only end early in an order relied on', async () => {
    const stats = newStreamStats();
    const full = await run(
      new FakeRootly(rows, { order: 'shuffled' }),
      { start: at(RANGE_START), deliveredAtStart: [] },
      end,
      sizes,
      stats,
    );
    expect(sorted(idsOf(full.events))).toEqual(expected);
    expect(stats.splits).toBe(0);
  });

  test('the dataset with same-millisecond clusters on whole seconds, split at every page size: exactly once after any crash', async () => {
    const problems: string[] = [];
    let splits = 0;
    for (const c of cases(['ascending', 'newest-first'], [1, 2, 3]).filter((c) => c.windowSizeMs === 60_000)) {
      const result = await crashAtEveryCheckpoint({ ...c, concurrency: 4, spread: 60 });
      problems.push(...result.problems);
      splits += result.splits;
    }
    expect(problems).toEqual([]);
    expect(splits).toBeGreaterThan(10);
  });

  test('estimates count each record once, however windows were split', async () => {
    const { events } = await run(
      new FakeRootly(rows, { order: 'ascending' }),
      { start: at(RANGE_START), deliveredAtStart: [] },
      end,
      sizes,
    );
    const estimates = events.flatMap((e) => (e.kind === 'estimate' ? [e.rowEstimate] : []));
    expect(Math.max(...estimates)).toBe(rows.length);
  });
});

describe('readAuditLogs edge cases', () => {
  test('a sync that stops early (its output failed) aborts every request in flight and starts no more', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => row(`s${i}`, BigInt(RANGE_START_MS) * NS_PER_MS + BigInt(i) * 33_333_333n));
    const source = new FakeRootly(rows, { order: 'ascending', latencyFor: () => 20 });
    const book = new StateBook(savedAt(at(RANGE_START), []), at(new Date(RANGE_START_MS + 20_000).toISOString()));
    const stream = streamOf(source, book, { pageSize: 5, windowSizeMs: 2000, concurrency: 4 });
    for await (const event of stream) if (event.kind === 'records') break;
    const sent = source.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(source.requests.length).toBe(sent);
    expect(source.requests.filter((request) => request.signal?.aborted !== true)).toEqual([]);
  });

  test('the row estimate grows by each window total the server reports, and only by those', async () => {
    // Seconds 6 to 8 left empty: their windows report 0, which adds no estimate.
    const inGap = (r: Row): boolean =>
      r.nanos >= BigInt(RANGE_START_MS + 6000) * NS_PER_MS && r.nanos < BigInt(RANGE_START_MS + 9000) * NS_PER_MS;
    const all = dataset();
    const rows = all.rows.filter((r) => !inGap(r));
    const expected = all.expected.filter((id) => rows.some((r) => r.resource.id === id));
    const reported: number[] = [];
    const { events } = await run(
      new FakeRootly(rows, {
        order: 'ascending',
        totalCount: (request, actual) => {
          // The first page of a window reports its total; later pages of the same walk say 0.
          const total = request.link === undefined ? actual : 0;
          if (total > 0) reported.push(total);
          return total;
        },
      }),
      { start: at(RANGE_START), deliveredAtStart: [] },
      at(RANGE_END),
      { pageSize: 3, windowSizeMs: 400 },
    );
    const estimates = events.flatMap((e) => (e.kind === 'estimate' ? [e.rowEstimate] : []));
    expect(estimates).toEqual(reported.map((_, i) => reported.slice(0, i + 1).reduce((a, b) => a + b, 0)));
    expect(estimates.at(-1)).toBe(expected.length);
  });

  test('once a page came larger than asked for, windows are read one at a time', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => row(`l${i}`, BigInt(RANGE_START_MS) * NS_PER_MS + BigInt(i) * 33_333_333n));
    const sizes = { pageSize: 7, windowSizeMs: 2000, concurrency: 4 };
    const readWith = async (serverPageSize?: number) => {
      const stats = newStreamStats();
      const source = new FakeRootly(rows, { order: 'ascending', serverPageSize, latencyFor: (i) => (i * 7) % 5 });
      const full = await run(
        source,
        { start: at(RANGE_START), deliveredAtStart: [] },
        at(new Date(RANGE_START_MS + 20_000).toISOString()),
        sizes,
        stats,
      );
      return { stats, ids: sorted(idsOf(full.events)) };
    };
    const asked = await readWith();
    const larger = await readWith(20);
    expect(asked.stats.maxConcurrentWindows).toBe(4);
    expect(larger.stats.pagesLargerThanAsked).toBeGreaterThan(0);
    expect(larger.stats.maxConcurrentWindows).toBe(1);
    expect(larger.ids).toEqual(sorted(rows.map((r) => r.resource.id)));
  });

  test('a next link served twice stops the sync with a system_error instead of looping', async () => {
    const loop: PageSource = {
      fetchPage: async (request) => ({
        resources: [row(`r${request.link ?? 'first'}`, BigInt(RANGE_START_MS + 10) * NS_PER_MS).resource],
        nextLink: 'https://api.rootly.test/v1/audits?page%5Bnumber%5D=2',
      }),
    };
    const error = await run(loop, { start: at(RANGE_START), deliveredAtStart: [] }, at(RANGE_END), {
      pageSize: 1,
      windowSizeMs: 60_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('system_error');
    expect((error as ConnectorError).message).toContain('page%5Bnumber%5D=2');
  });

  test('each page is rendered before the next request, so no parsed page is held while one is in flight', async () => {
    const source = new FakeRootly(dataset().rows, { order: 'ascending' });
    const log: string[] = [];
    const counting: PageSource = {
      fetchPage: async (request) => {
        log.push('request');
        const page = await source.fetchPage(request);
        log.push(`page of ${page.resources.length}`);
        return page;
      },
    };
    const book = new StateBook(savedAt(at(RANGE_START), []), at(RANGE_END));
    const rendered: string[] = [];
    const stream = readAuditLogs(
      {
        pages: counting,
        render: (resources) => {
          log.push(`render ${resources.length}`);
          return resources.map((r) => `line:${r.id}`);
        },
        book,
        pageSize: 7,
        windowSizeMs: 60_000,
        concurrency: () => 1,
        debug: () => undefined,
        warn: () => undefined,
      },
      newStreamStats(),
    );
    let counted = 0;
    for await (const event of stream) {
      if (event.kind !== 'records') continue;
      rendered.push(...event.records);
      counted += event.count;
    }
    expect(rendered.length).toBe(counted);
    expect(sorted(rendered)).toEqual(sorted(dataset().expected.map((id) => `line:${id}`)));
    // Every page with records is followed by its render before the next request goes out.
    log.forEach((entry, index) => {
      if (entry.startsWith('page of ') && entry !== 'page of 0') expect(log[index + 1]).toMatch(/^render [1-9]/);
    });
    expect(log.filter((entry) => entry === 'request').length).toBeGreaterThan(3);
  });

  test('a record whose created_at is not a date-time is a system_error naming the audit', async () => {
    const bad: PageSource = {
      fetchPage: async () => ({ resources: [{ id: 'audit-77', type: 'audits', attributes: { created_at: 'soon' } }], nextLink: null }),
    };
    const attempt = run(bad, { start: at(RANGE_START), deliveredAtStart: [] }, at(RANGE_END), { pageSize: 5, windowSizeMs: 60_000 });
    await expect(attempt).rejects.toMatchObject({ failureType: 'system_error', message: expect.stringContaining('audit-77') });
  });

  test.each([
    ['start equals end', RANGE_END],
    ['start after end', new Date(RANGE_START_MS + 20_000).toISOString()],
  ])('empty range (%s): no request, exactly one checkpoint equal to the start', async (_label, startText) => {
    const source = new FakeRootly(dataset().rows, { order: 'ascending' });
    const { events } = await run(source, { start: at(startText), deliveredAtStart: ['x', 'y'] }, at(RANGE_END), {
      pageSize: 5,
      windowSizeMs: 1000,
    });
    expect(events.map((event) => (event.kind === 'checkpoint' ? stateJson(event.state) : event))).toEqual([
      { created_at: formatInstant(at(startText)), ids_at_created_at: ['x', 'y'] },
    ]);
    expect(source.requests).toEqual([]);
  });

  test('resuming inside a millisecond skips exactly the ids already delivered there', async () => {
    const { rows } = dataset();
    const cluster = rows.filter((r) => r.nanos === BigInt(RANGE_START_MS + 1000) * NS_PER_MS).map((r) => r.resource.id);
    expect(cluster.length).toBe(5);
    const delivered = cluster.slice(0, 2);
    const { events } = await run(
      new FakeRootly(rows, { order: 'newest-first' }),
      { start: at(new Date(RANGE_START_MS + 1000).toISOString()), deliveredAtStart: delivered },
      at(new Date(RANGE_START_MS + 1001).toISOString()),
      { pageSize: 2, windowSizeMs: 60_000 },
    );
    expect(sorted(idsOf(events))).toEqual(cluster.slice(2));
  });

  test('requests cover the range with whole-second inner bounds and never reach past the end', async () => {
    const source = new FakeRootly(dataset().rows, { order: 'ascending' });
    await run(source, { start: at('2025-04-02T20:00:00.4761Z'), deliveredAtStart: [] }, at(RANGE_END), {
      pageSize: 50,
      windowSizeMs: 2500,
    });
    const firstPages = source.requests.filter((r) => r.link === undefined).map((r) => r.range);
    // The lower bound is widened to its second; every window starts where the previous one ended.
    expect(firstPages[0]?.start).toBe('2025-04-02T20:00:00Z');
    expect(firstPages.at(-1)?.end).toBe(formatInstant(at(RANGE_END)));
    for (let i = 1; i < firstPages.length; i += 1) {
      expect(firstPages[i]?.start).toBe(firstPages[i - 1]?.end);
      expect(firstPages[i]?.start).toMatch(/:\d{2}Z$/);
    }
  });

  test('a grown window reporting a dense total is read again at the base size, with no record lost or repeated', async () => {
    const day = 86_400_000;
    const t0 = Date.UTC(2025, 0, 1);
    // One record early, then nothing for days, then a busy hour.
    const rows = [row('early', BigInt(t0 + 10) * NS_PER_MS)];
    for (let i = 0; i < 30; i += 1) rows.push(row(`busy${String(i).padStart(2, '0')}`, BigInt(t0 + 5 * day + i * 1000) * NS_PER_MS));
    const windowSizeMs = 3_600_000;
    const source = new FakeRootly(rows, {
      order: 'ascending',
      // Any window longer than the base size claims to hold a great many records.
      totalCount: (request, actual) =>
        nanosOf(request.range.end) - nanosOf(request.range.start) > BigInt(windowSizeMs) * NS_PER_MS ? 50_000 : actual,
    });
    const { events } = await run(
      source,
      { start: at(new Date(t0).toISOString()), deliveredAtStart: [] },
      at(new Date(t0 + 6 * day).toISOString()),
      { pageSize: 7, windowSizeMs },
    );
    expect(sorted(idsOf(events))).toEqual(sorted(rows.map((r) => r.resource.id)));
    const ranges = source.requests.filter((r) => r.link === undefined).map((r) => r.range);
    const restarted = ranges.some((range, i) => i > 0 && range.start === ranges[i - 1]?.start);
    expect(restarted).toBe(true);
    // Estimates only count windows actually read.
    const estimates = events.flatMap((e) => (e.kind === 'estimate' ? [e.rowEstimate] : []));
    expect(Math.max(...estimates)).toBeLessThan(50_000);
  });
});

describe('readAuditLogs tells the user what the sync did', () => {
  // 400 distinct instants over 20 s, as above: wide enough to split and to run many windows at once.
  const rows = Array.from({ length: 400 }, (_, i) =>
    row(`u${String(i).padStart(3, '0')}`, BigInt(RANGE_START_MS) * NS_PER_MS + BigInt(i) * 50_000_000n),
  );
  const end = at(new Date(RANGE_START_MS + 20_000).toISOString());

  async function syncWithDebug(source: PageSource, sizes: Sizes): Promise<{ lines: string[]; stats: StreamStats }> {
    const lines: string[] = [];
    const stats = newStreamStats();
    const book = new StateBook(savedAt(at(RANGE_START), []), end);
    const stream = streamOf(source, book, sizes, stats, { debug: (line) => lines.push(line) });
    const events: Event[] = [];
    for await (const event of stream) events.push(event);
    expect(events.at(-1)?.kind).toBe('checkpoint');
    return { lines, stats };
  }

  test('the summary counts each window read once, and --debug names each window and each split with its instants', async () => {
    const source = new FakeRootly(rows, { order: 'ascending', latencyFor: (i) => (i * 7) % 3 });
    const { lines, stats } = await syncWithDebug(source, { pageSize: 5, windowSizeMs: 60_000, concurrency: 4 });
    const walksStarted = source.requests.filter((request) => request.link === undefined).length;
    expect(stats.splits).toBeGreaterThanOrEqual(3);
    expect(stats.windows).toBe(walksStarted);
    const instant = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`;
    const reading = lines.filter((line) => new RegExp(`^Reading window \\[${instant}, ${instant}\\)$`).test(line));
    const splitting = lines.filter((line) => new RegExp(`^Splitting a window at ${instant} \\(about \\d+ records left\\)`).test(line));
    expect(reading.length).toBe(stats.windows);
    expect(splitting.length).toBe(stats.splits);
  });

  test('--debug says when a window reporting a dense total is read again in smaller windows', async () => {
    // One record early, then a quiet stretch over which the window grows, then a range it claims is dense.
    const windowSizeMs = 1000;
    const sparse = [row('early', BigInt(RANGE_START_MS + 10) * NS_PER_MS), row('late', BigInt(RANGE_START_MS + 19_000) * NS_PER_MS)];
    const source = new FakeRootly(sparse, {
      order: 'ascending',
      totalCount: (request, actual) =>
        nanosOf(request.range.end) - nanosOf(request.range.start) > BigInt(windowSizeMs) * NS_PER_MS ? 50_000 : actual,
    });
    const { lines } = await syncWithDebug(source, { pageSize: 50, windowSizeMs });
    expect(lines).toContain('Window reports 50000 records; reading it in smaller windows');
  });

  // Node prints a MaxListenersExceededWarning on stderr once a signal holds more listeners than it allows.
  test('a sync reading many windows at once never holds more listeners on its stop signal than it allows', async () => {
    const fake = new FakeRootly(rows, { order: 'ascending', latencyFor: () => 5 });
    const overfull: string[] = [];
    // Like the HTTP client, each request listens on the stop signal while it is in flight.
    const listening: PageSource = {
      fetchPage: async (request) => {
        const { signal } = request;
        if (!signal) throw new Error('a request without the stop signal');
        const onAbort = (): void => undefined;
        signal.addEventListener('abort', onAbort);
        const held = getEventListeners(signal, 'abort').length;
        if (held > getMaxListeners(signal)) overfull.push(`${held} listeners, ${getMaxListeners(signal)} allowed`);
        try {
          return await fake.fetchPage(request);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      },
    };
    const { stats } = await syncWithDebug(listening, { pageSize: 5, windowSizeMs: 1000, concurrency: 16 });
    expect(stats.maxConcurrentWindows).toBeGreaterThan(10);
    expect(overfull).toEqual([]);
  });
});

describe('readAuditLogs keeps reading several windows at once while the sort order is unproven', () => {
  // Ten windows of one second, ten records each: too few distinct instants for any window to prove
  // that the server sorts, so every window is read in batches (see windowsToRun).
  const rows = Array.from({ length: 100 }, (_, i) =>
    row(`b${String(i).padStart(3, '0')}`, BigInt(RANGE_START_MS) * NS_PER_MS + BigInt(i) * 100_000_000n),
  );
  const end = at(new Date(RANGE_START_MS + 10_000).toISOString());

  test('each batch grows past one window once its history proves dense, the first and every later one', async () => {
    const fake = new FakeRootly(rows, { order: 'ascending', latencyFor: () => 3 });
    let inFlight = 0;
    const widths: Array<{ startMs: number; inFlight: number }> = [];
    const counting: PageSource = {
      fetchPage: async (request) => {
        inFlight += 1;
        widths.push({ startMs: Date.parse(request.range.start), inFlight });
        try {
          return await fake.fetchPage(request);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const stats = newStreamStats();
    const { events } = await run(
      counting,
      { start: at(RANGE_START), deliveredAtStart: [] },
      end,
      { pageSize: 2, windowSizeMs: 1000, concurrency: 4 },
      stats,
    );
    expect(sorted(idsOf(events))).toEqual(sorted(rows.map((r) => r.resource.id)));
    const widest = (from: number, to: number): number =>
      Math.max(...widths.filter(({ startMs }) => startMs >= RANGE_START_MS + from && startMs < RANGE_START_MS + to).map((w) => w.inFlight));
    // The first batch starts with one window and grows; so does a batch started after it.
    expect(widest(0, 4000)).toBeGreaterThan(1);
    expect(widest(5000, 10_000)).toBeGreaterThan(1);
  });

  test('when the rate allows more windows mid-batch, they start at once, not when the slowest window answers', async () => {
    const slowFirstPageOf = RANGE_START_MS + 1000;
    const fake = new FakeRootly(rows, { order: 'ascending' });
    const log: string[] = [];
    let sent = 0;
    const slowSecondWindow: PageSource = {
      fetchPage: async (request) => {
        sent += 1;
        const window = `${(Date.parse(request.range.start) - RANGE_START_MS) / 1000}`;
        const first = request.link === undefined;
        if (first) log.push(`send ${window}`);
        const slow = first && Date.parse(request.range.start) === slowFirstPageOf;
        await new Promise((resolve) => setTimeout(resolve, slow ? 150 : 1));
        if (first) log.push(`answer ${window}`);
        return fake.fetchPage(request);
      },
    };
    const book = new StateBook(savedAt(at(RANGE_START), []), end);
    // Two windows until the third request (as before the latency is measured), then four.
    const stream = streamOf(slowSecondWindow, book, { pageSize: 2, windowSizeMs: 1000 }, newStreamStats(), {
      concurrency: () => (sent >= 3 ? 4 : 2),
    });
    const ids: string[] = [];
    for await (const event of stream) if (event.kind === 'records') ids.push(...event.records.map((r) => r.id));
    expect(sorted(ids)).toEqual(sorted(rows.map((r) => r.resource.id)));
    expect(log.indexOf('send 2')).toBeGreaterThan(-1);
    expect(log.indexOf('send 2')).toBeLessThan(log.indexOf('answer 1'));
  });
});
