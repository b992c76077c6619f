/**
 * Chaos: every fault kind of the mock, alone and mixed at seeded random rates, against a dataset
 * with same-millisecond clusters on page and window edges. Whatever happens, a sync either exits 0
 * with exactly the dataset, or exits non-zero with one ERROR trace of the right failure_type and a
 * last STATE from which a fault-free resume delivers exactly what was not yet committed.
 *
 * Replay a failure with CHAOS_SEED=<seed printed at the start>.
 */
import {
  FAULT_KINDS,
  formatWithOffset,
  startMockRootly,
  type FaultKind,
  type FaultRule,
  type MockRootly,
  type MockRootlyOptions,
} from '../../mock-rootly/src/index.js';
import type { AuditResource } from '../../src/rootly/audits.js';
import { errorTraces, lastState } from '../helpers/connector.js';
import { liveWriter } from '../helpers/fixtures.js';
import {
  FAILURE_OF,
  HOUR,
  committedIds,
  datasetIds,
  edgeClusterDataset,
  expectNoLeak,
  expectSafeOutcome,
  firedKinds,
  floorHour,
  idDiff,
  readSync,
  recordIds,
  rng,
  scenarioKey,
  scenarioPool,
  secretForms,
  seedFrom,
  type Verdict,
} from './support.js';

const SEED = seedFrom('CHAOS_SEED', 20_261_126);
console.log(`chaos: seed ${SEED} (replay with CHAOS_SEED=${SEED})`);

const WINDOWS = 12;
const BASE_RECORDS = 240;
const TEST_TIMEOUT = 150_000;
const summary: string[] = [];
/** Scenarios run 8 at a time from the moment the file loads; each test awaits its own. */
const pool = scenarioPool(8);
const scenarioTest = (name: string, run: () => Promise<unknown>): void => {
  const pending = pool(run);
  test(name, () => pending, TEST_TIMEOUT);
};

afterAll(() => {
  console.log(`chaos (seed ${SEED}), ${summary.length} scenarios:\n${summary.sort().join('\n')}`);
});

interface Scenario {
  label: string;
  seed: number;
  faults: FaultRule[];
  mock?: Partial<MockRootlyOptions>;
  config?: Record<string, unknown>;
  debug?: boolean;
  timeoutMs?: number;
}

const OVERSIZED_ANSWERS: ReadonlySet<FaultKind> = new Set(['gzip-bomb', 'huge-body', 'huge-page']);

/**
 * The request timeout of a scenario: short enough that a stalled answer (3 s) times out, else long
 * enough that a busy machine (a parse, reading a body up to the size cap) never ends a scenario in a
 * timeout it was not built to cause. An oversized answer is read up to the cap, which on two cores
 * shared with other suites took close to 5 s: those scenarios get more.
 */
const requestTimeoutSeconds = (faults: readonly FaultRule[]): number => {
  if (faults.some((f) => f.kind === 'stall')) return 2;
  return faults.some((f) => OVERSIZED_ANSWERS.has(f.kind)) ? 20 : 5;
};

interface ScenarioOutcome {
  verdict: Verdict;
  mock: MockRootly;
  data: AuditResource[];
}

/**
 * Starts a mock with the scenario's faults over a fresh edge-clustered dataset, runs one sync,
 * checks the chaos property (including a fault-free resume when it failed) and that every request
 * carried the key only as a valid Bearer header.
 */
async function runScenario(scenario: Scenario, inspect?: (outcome: ScenarioOutcome) => void | Promise<void>): Promise<Verdict> {
  const { label, seed } = scenario;
  const key = scenarioKey(label, seed);
  const random = rng(seed);
  const backfillMs = floorHour(Date.now()) - (WINDOWS + 1) * HOUR;
  const data = edgeClusterDataset({ seed, count: BASE_RECORDS, backfillMs, windowMs: HOUR, windows: WINDOWS });
  // Small pages: sometimes asked for, sometimes imposed by the server's cap under a larger ask.
  const cap = random.pick([6, 7, 9, 11]);
  const asked = random.chance(0.5) ? cap : 50;
  const mock = await startMockRootly({
    apiKey: key,
    dataset: data,
    maxPageSize: cap,
    stallMs: 3_000,
    seed,
    faults: scenario.faults,
    ...scenario.mock,
  });
  try {
    const config: Record<string, unknown> = {
      api_key: key,
      base_url: mock.url,
      backfill_start_time: new Date(backfillMs).toISOString(),
      settle_delay_seconds: 0,
      page_size: asked,
      window_size_hours: 1,
      request_timeout_seconds: requestTimeoutSeconds(scenario.faults),
      max_retry_seconds: 3,
      ...scenario.config,
    };
    const result = await readSync(config, { debug: scenario.debug ?? false, timeoutMs: scenario.timeoutMs ?? 100_000 });
    const requestsOfSync = mock.requests.length;
    const verdict = await expectSafeOutcome(result, { mock, data, config, key, label: `${label} seed=${seed} CHAOS_SEED=${SEED}` });
    expectRequestsCarriedKeyOnlyAsBearer(mock, key, label);
    summary.push(
      `${label.padEnd(52)} seed=${seed} ${verdict.outcome.padEnd(8)} ${(verdict.failureType ?? '').padEnd(15)} records=${verdict.records}/${data.length} committed=${verdict.committed}` +
        `${verdict.resumedRecords === undefined ? '' : ` resumed=${verdict.resumedRecords}`} requests=${requestsOfSync} fired=[${verdict.fired.join(',')}] ${(result.durationMs / 1000).toFixed(1)}s`,
    );
    await inspect?.({ verdict, mock, data });
    return verdict;
  } finally {
    await mock.close();
  }
}

function expectRequestsCarriedKeyOnlyAsBearer(mock: MockRootly, key: string, label: string): void {
  const forms = secretForms(key);
  const bad = mock.requests.filter((r) => r.authorization !== 'valid' || forms.some((form) => r.url.includes(form)));
  expect({ label, badRequests: bad.map((r) => `${r.number} ${r.authorization} ${r.url}`) }).toEqual({ label, badRequests: [] });
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const kindSeed = (kind: FaultKind, salt: number): number => (SEED + salt * 7919 + FAULT_KINDS.indexOf(kind) * 104_729) >>> 0;

describe('every fault kind alone, at a seeded random rate', () => {
  FAULT_KINDS.forEach((kind, index) => {
    const seed = kindSeed(kind, 1);
    const random = rng(seed);
    // Waits cost wall time (Retry-After, timeouts): rates stay moderate so the suite stays fast.
    const rate = kind === 'stall' ? random.between(0.04, 0.12) : random.between(0.05, 0.25);
    const label = `alone ${kind} rate=${rate.toFixed(2)}`;
    scenarioTest(label, () => runScenario({ label, seed, faults: [{ kind, rate }], debug: index % 2 === 1 }));
  });
});

describe('every fault kind on every request from a random point on: failure type and safe state', () => {
  const fatal = FAULT_KINDS.filter((kind) => FAILURE_OF[kind].length > 0 && kind !== 'empty-page-with-next');
  fatal.forEach((kind, index) => {
    const seed = kindSeed(kind, 2);
    const from = rng(seed).int(4, 30);
    const label = `persistent ${kind} from request ${from}: ${FAILURE_OF[kind][0]}`;
    scenarioTest(label, async () => {
      const verdict = await runScenario({ label, seed, faults: [{ kind, atRequests: range(from, 2_000) }], debug: index % 2 === 0 });
      expect({ kind, outcome: verdict.outcome, failureType: verdict.failureType }).toEqual({
        kind,
        outcome: 'failed',
        failureType: FAILURE_OF[kind][0],
      });
    });
  });

  scenarioTest('persistent duplicate-across-pages is harmless: exactly the dataset', async () => {
    const seed = kindSeed('duplicate-across-pages', 2);
    const verdict = await runScenario({
      label: 'persistent duplicate-across-pages',
      seed,
      faults: [{ kind: 'duplicate-across-pages' }],
      debug: true,
    });
    expect(verdict.outcome).toBe('complete');
  });
});

describe('empty-page-with-next: pages that lose their records while linking on', () => {
  scenarioTest('one empty page: the window falls short of meta.total_count and is read again, exactly once overall', async () => {
    const seed = kindSeed('empty-page-with-next', 3);
    await runScenario(
      { label: 'empty page at request 3', seed, faults: [{ kind: 'empty-page-with-next', atRequests: [3] }], debug: true },
      ({ verdict, mock }) => {
        expect(verdict.outcome).toBe('complete');
        // The window of request 3 was asked for from its first page again.
        const filterOf = (url: string): string => {
          const params = new URL(url, 'http://mock').searchParams;
          return `${params.get('filter[created_at][gte]')}..${params.get('filter[created_at][lt]')}`;
        };
        const faulted = mock.requests.find((r) => r.fault === 'empty-page-with-next');
        expect(faulted).toBeDefined();
        const firstPages = mock.requests.filter(
          (r) => filterOf(r.url) === filterOf(faulted?.url ?? '') && new URL(r.url, 'http://mock').searchParams.get('page[number]') === '1',
        );
        expect(firstPages.length).toBeGreaterThanOrEqual(2);
      },
    );
  });

  scenarioTest('at rate 0.5 (a window may fall short in every reading): never a silent success', async () => {
    const seed = kindSeed('empty-page-with-next', 4);
    await runScenario({
      label: 'empty-page-with-next rate=0.50',
      seed,
      faults: [{ kind: 'empty-page-with-next', rate: 0.5 }],
      debug: true,
    });
  });

  scenarioTest(
    'on every request from a point on (an endless chain of empty pages): the sync ends with an error, it does not loop',
    async () => {
      const seed = kindSeed('empty-page-with-next', 5);
      const from = rng(seed).int(4, 20);
      const verdict = await runScenario({
        label: `persistent empty-page-with-next from request ${from}`,
        seed,
        faults: [{ kind: 'empty-page-with-next', atRequests: range(from, 100_000) }],
        timeoutMs: 30_000,
      });
      expect(verdict.outcome).toBe('failed');
    },
  );
});

describe('fault kinds mixed at seeded random rates', () => {
  const MIXES = 8;
  const mixes = range(1, MIXES).map((n) => {
    const seed = (SEED * 31 + n * 1_000_003) >>> 0;
    const random = rng(seed);
    const count = random.int(2, 6);
    const kinds = new Set<FaultKind>();
    while (kinds.size < count) kinds.add(random.pick(FAULT_KINDS));
    const faults: FaultRule[] = [...kinds].map((kind) => {
      // Fatal-at-once kinds rarely, so that some mixes run to the end; the rest at 2-10 %.
      const rate =
        kind === 'repeat-next-link' || kind === 'foreign-next-link'
          ? random.between(0.005, 0.03)
          : kind === 'stall'
            ? random.between(0.02, 0.05)
            : random.between(0.02, 0.1);
      return { kind, rate };
    });
    const concurrency = random.pick([1, 2, 4, 16]);
    const label = `mix#${n} ${faults.map((f) => `${f.kind}@${(f.rate ?? 0).toFixed(3)}`).join(' ')} windows<=${concurrency}`;
    return [label, seed, faults, concurrency] as const;
  });
  for (const [label, seed, faults, concurrency] of mixes) {
    scenarioTest(label, () =>
      runScenario({ label, seed, faults, config: { max_concurrent_windows: concurrency, max_retry_seconds: 4 }, debug: seed % 2 === 0 }),
    );
  }
});

describe('a server that ignores sort, mixed with faults', () => {
  for (const order of ['newest-first', 'shuffled'] as const) {
    scenarioTest(order, async () => {
      const seed = (SEED ^ (order === 'shuffled' ? 0x5af : 0x11e)) >>> 0;
      const random = rng(seed);
      const faults: FaultRule[] = [
        { kind: '503', rate: random.between(0.03, 0.1) },
        { kind: '429-x-ratelimit-reset', rate: random.between(0.03, 0.1) },
        { kind: 'reset-mid-body', rate: random.between(0.02, 0.06) },
        { kind: 'truncated-json', rate: random.between(0.02, 0.06) },
        { kind: 'duplicate-across-pages', rate: random.between(0.05, 0.2) },
        { kind: 'empty-page-with-next', rate: random.between(0.02, 0.05) },
      ];
      await runScenario({
        label: `order=${order} ${faults.map((f) => `${f.kind}@${(f.rate ?? 0).toFixed(3)}`).join(' ')}`,
        seed,
        faults,
        mock: { order },
        config: { max_retry_seconds: 6 },
        debug: true,
      });
    });
  }
});

describe('records that become visible late', () => {
  scenarioTest(
    'records created inside the settle delay and hidden during a sync are picked up by the next sync, none lost or repeated',
    async () => {
      const seed = (SEED ^ 0x1a7e) >>> 0;
      const key = scenarioKey('late', seed);
      const random = rng(seed);
      const settleMs = 5_000;
      const backfillMs = floorHour(Date.now()) - (WINDOWS + 1) * HOUR;
      const base = edgeClusterDataset({ seed, count: BASE_RECORDS, backfillMs, windowMs: HOUR, windows: WINDOWS });
      const born = Date.now();
      // 14 records written during the last 3 s (inside the settle delay), several in one ms;
      // two thirds of them only become visible 4 s from now, after the first sync has read.
      const late: AuditResource[] = [];
      const hiddenUntil = new Map<string, number>();
      for (let i = 0; i < 14; i += 1) {
        const ms = i < 4 ? born - 2_000 : born - 3_000 + random.int(0, 2_500);
        const id = 90_000_000 + i;
        late.push({
          id: String(id),
          type: 'audits',
          attributes: { event: 'update', created_at: formatWithOffset(ms, random.pick([0, 330])), id },
        });
        if (i % 3 !== 0) hiddenUntil.set(String(id), born + 4_000);
      }
      const data = [...base, ...late];
      const faults: FaultRule[] = [
        { kind: '500', rate: 0.08 },
        { kind: '429-retry-after', rate: 0.05 },
        { kind: 'duplicate-across-pages', rate: 0.1 },
      ];
      const mock = await startMockRootly({ apiKey: key, dataset: data, hiddenUntil, maxPageSize: 8, stallMs: 3_000, seed, faults });
      try {
        const config = {
          api_key: key,
          base_url: mock.url,
          backfill_start_time: new Date(backfillMs).toISOString(),
          settle_delay_seconds: settleMs / 1000,
          page_size: 8,
          window_size_hours: 1,
          request_timeout_seconds: 1,
          max_retry_seconds: 20,
        };
        const first = await readSync(config, { debug: true });
        expectNoLeak(first, key, 'late: first sync');
        expect({ exit: first.exitCode, errors: errorTraces(first) }).toEqual({ exit: 0, errors: [] });
        const upper1 = Date.parse((lastState(first) as { created_at: string }).created_at);
        const expectedFirst = data.filter((r) => Date.parse(r.attributes.created_at) < upper1);
        expect(idDiff(datasetIds(expectedFirst), recordIds(first))).toEqual({ missing: [], unexpected: [], duplicated: [] });
        expect(recordIds(first).filter((id) => Number(id) >= 90_000_000)).toEqual([]);
        // Wait until the hidden records are visible and past the next sync's settle delay.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, born + settleMs + 2_000 - Date.now())));
        const second = await readSync(config, { state: lastState(first), debug: false });
        expectNoLeak(second, key, 'late: second sync');
        expect({ exit: second.exitCode, errors: errorTraces(second) }).toEqual({ exit: 0, errors: [] });
        expect(idDiff(datasetIds(late), recordIds(second))).toEqual({ missing: [], unexpected: [], duplicated: [] });
        expect(idDiff(datasetIds(data), [...recordIds(first), ...recordIds(second)])).toEqual({
          missing: [],
          unexpected: [],
          duplicated: [],
        });
        summary.push(
          `late-visible records (settle ${settleMs / 1000} s)                  seed=${seed} first=${recordIds(first).length} second=${recordIds(second).length} fired=[${[...firedKinds(mock)].join(',')}]`,
        );
      } finally {
        await mock.close();
      }
    },
  );
});

describe('a server clock ahead of or behind the connector, with records written while syncs run', () => {
  for (const offsetMs of [-90_000, -600_000, 90_000]) {
    const label = `server clock ${offsetMs > 0 ? '+' : ''}${offsetMs / 1000} s, live writes`;
    scenarioTest(`${label}: every record before the last cursor exactly once`, async () => {
      const seed = (SEED ^ (0xc10c + offsetMs)) >>> 0;
      const key = scenarioKey('clock', seed);
      const random = rng(seed);
      const serverNow = (): number => Date.now() + offsetMs;
      // One backfill start for the data and the config: near an hour's turn, the two clocks' hours differ.
      const backfillMs = floorHour(serverNow()) - (WINDOWS + 1) * HOUR;
      const written: AuditResource[] = edgeClusterDataset({
        seed,
        count: BASE_RECORDS,
        backfillMs,
        windowMs: HOUR,
        windows: WINDOWS,
      });
      const faults: FaultRule[] = [
        { kind: '500', rate: random.between(0.02, 0.06) },
        { kind: '429-bad-retry-after', rate: random.between(0.02, 0.06) },
        { kind: 'duplicate-across-pages', rate: random.between(0.05, 0.15) },
        { kind: 'repeat-records', rate: random.between(0.02, 0.06) },
      ];
      const mock = await startMockRootly({ apiKey: key, dataset: written, clockOffsetMs: offsetMs, maxPageSize: 9, seed, faults });
      const stopWriting = liveWriter(mock, written, {
        firstId: 95_000_000,
        everyMs: 20,
        createdAt: () => formatWithOffset(serverNow(), random.pick([0, 330, -420])),
      });
      try {
        const config = {
          api_key: key,
          base_url: mock.url,
          backfill_start_time: new Date(backfillMs).toISOString(),
          settle_delay_seconds: 0,
          page_size: 9,
          window_size_hours: 1,
          request_timeout_seconds: 1,
          max_retry_seconds: 20,
        };
        const delivered: string[] = [];
        let state: unknown;
        for (let sync = 0; sync < 4; sync += 1) {
          if (sync === 3) stopWriting();
          const result = await readSync(config, { state, timeoutMs: 60_000 });
          expectNoLeak(result, key, `${label} sync ${sync + 1}`);
          // As a destination keeps them: all of a finished sync, only what a state followed of a failed one.
          delivered.push(...(result.exitCode === 0 ? recordIds(result) : committedIds(result)));
          state = lastState(result) ?? state;
        }
        const cursor = Date.parse((state as { created_at: string }).created_at);
        const expected = written.filter((r) => Date.parse(r.attributes.created_at) < cursor);
        expect({ label, diff: idDiff(datasetIds(expected), delivered) }).toEqual({
          label,
          diff: { missing: [], unexpected: [], duplicated: [] },
        });
        summary.push(
          `${label.padEnd(52)} seed=${seed} written=${written.length} delivered=${delivered.length} fired=[${[...firedKinds(mock)].join(',')}]`,
        );
      } finally {
        stopWriting();
        await mock.close();
      }
    });
  }
});
