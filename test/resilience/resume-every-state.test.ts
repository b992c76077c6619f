/**
 * Resume from every state, as a property: one sync over days of very uneven density, against a
 * server slow enough that many windows are read at once and finish out of order, whose ascending
 * order is trusted and then goes back in time on a page (pages served swapped). Every STATE the
 * sync printed is then resumed from, on its own; each resume must return exactly the records the
 * first sync printed after that STATE: none lost (a state claiming records not yet printed) and none
 * repeated (a state forgetting records printed before it).
 *
 * The seed is fixed unless RESUME_SEED is set; it is printed first so that a failure replays.
 */
import { generateDataset, startMockRootly, type FaultRule } from '../../mock-rootly/src/index.js';
import type { AuditResource } from '../../src/rootly/audits.js';
import { errorTraces, logMessages } from '../helpers/connector.js';
import type { AirbyteMessageJson } from '../helpers/protocol.js';
import { HOUR, datasetIds, expectNoLeak, floorHour, idDiff, readSync, recordIds, scenarioKey, scenarioPool, seedFrom } from './support.js';

const SEED = seedFrom('RESUME_SEED', 20_260_301);
console.log(`resume-every-state: seed ${SEED} (replay with RESUME_SEED=${SEED})`);

const DAY = 24 * HOUR;
/** Records per day: dense days, near-empty days and empty ones side by side. */
const DENSITY = [0, 420, 3, 0, 260, 1, 12, 0, 380, 2, 0, 150, 40, 1];
const PAGE_SIZE = 40;
const LATENCY_MS = 40;
/** Requests around which pages are served swapped: after the sort is trusted, while windows run at once. */
const SWAP_AT = Array.from({ length: 8 }, (_, i) => 40 + 3 * i);

/** Each day generated on its own, its ids moved into a range of their own. */
function unevenDataset(firstDayMs: number): AuditResource[] {
  return DENSITY.flatMap((count, day) => {
    if (count === 0) return [];
    const records = generateDataset({
      count,
      start: new Date(firstDayMs + day * DAY),
      end: new Date(firstDayMs + (day + 1) * DAY),
      seed: SEED + day,
      sameMillisecondClusterRate: 0.1,
    });
    return records.map((record) => ({ ...record, id: String(Number(record.id) + (day + 1) * 10_000_000) }));
  });
}

/** The stream state of each STATE line, with the ids of the records printed after it. */
function statesWithRecordsAfter(messages: readonly AirbyteMessageJson[]): Array<{ state: unknown; after: string[] }> {
  const found: Array<{ state: unknown; after: string[] }> = [];
  for (const message of messages) {
    if (message.type === 'STATE') {
      found.push({ state: (message as unknown as { state: { stream: { stream_state: unknown } } }).state.stream.stream_state, after: [] });
    } else if (message.type === 'RECORD') {
      const id = String((message as unknown as { record: { data: { id: unknown } } }).record.data.id);
      for (const entry of found) entry.after.push(id);
    }
  }
  return found;
}

test('a resume from every state of a concurrent sync, over uneven days and a server that goes back in time, returns exactly the records printed after that state', async () => {
  const key = scenarioKey('resume', SEED);
  const backfillMs = floorHour(Date.now()) - (DENSITY.length + 2) * DAY;
  const data = unevenDataset(backfillMs + DAY);
  const swaps: FaultRule[] = [{ kind: 'swap-with-next-page', atRequests: SWAP_AT }];
  const mock = await startMockRootly({
    apiKey: key,
    dataset: data,
    maxPageSize: PAGE_SIZE,
    latencyMs: LATENCY_MS,
    seed: SEED,
    order: 'honour',
    faults: swaps,
  });
  const config = {
    api_key: key,
    base_url: mock.url,
    backfill_start_time: new Date(backfillMs).toISOString(),
    settle_delay_seconds: 0,
    page_size: PAGE_SIZE,
    window_size_hours: 6,
    requests_per_minute: 30_000,
    max_concurrent_windows: 16,
  };
  try {
    const first = await readSync(config, { timeoutMs: 30_000 });
    expectNoLeak(first, key, 'first read');
    expect({ exit: first.exitCode, errors: errorTraces(first) }).toEqual({ exit: 0, errors: [] });
    expect(idDiff(datasetIds(data), recordIds(first))).toEqual({ missing: [], unexpected: [], duplicated: [] });
    const swapped = mock.requests.filter((r) => r.fault === 'swap-with-next-page').length;
    const atOnce = Number(/up to (\d+) at once/.exec(logMessages(first, 'INFO').join('\n'))?.[1] ?? 0);
    const states = statesWithRecordsAfter(first.messages);
    const withAhead = states.filter((s) => (s.state as { ahead?: unknown[] }).ahead !== undefined).length;
    console.log(
      `resume-every-state: ${data.length} records, ${mock.requests.length} requests, up to ${atOnce} windows at once, ${swapped} pages swapped, ${states.length} states (${withAhead} with ranges ahead)`,
    );
    // The scenario is what it claims: windows at once, finishing out of order, and pages out of order.
    expect({ atOnce: atOnce >= 4, finishedOutOfOrder: withAhead > 0, swapped: swapped > 0 }).toEqual({
      atOnce: true,
      finishedOutOfOrder: true,
      swapped: true,
    });

    mock.setOptions({ faults: [], latencyMs: 0 });
    const pool = scenarioPool(2);
    const resumes = states.map(({ state, after }, index) =>
      pool(async () => {
        const resumed = await readSync(config, { state, timeoutMs: 30_000 });
        return { index, state, exit: resumed.exitCode, errors: errorTraces(resumed), diff: idDiff(after, recordIds(resumed)) };
      }),
    );
    for (const outcome of await Promise.all(resumes)) {
      const { index, state } = outcome;
      expect(outcome).toEqual({ index, state, exit: 0, errors: [], diff: { missing: [], unexpected: [], duplicated: [] } });
    }
  } finally {
    await mock.close();
  }
}, 120_000);
