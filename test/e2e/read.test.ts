import { generateDataset, type MockRootly } from '../../mock-rootly/src/index.js';
import {
  committedRecords,
  lastState,
  logMessages,
  records,
  runRead,
  stateMessages,
  states,
  streamStatuses,
  type RunResult,
} from '../helpers/connector.js';
import { dataset, duplicates, expectNoSecret, HOUR, mockConfig, mockRootly, sortedIds } from '../helpers/fixtures.js';
import type { AuditResource } from '../../src/rootly/audits.js';

const read = (config: unknown, state?: unknown, syncMode: 'incremental' | 'full_refresh' = 'incremental'): Promise<RunResult> =>
  runRead(config, { state, syncMode });

let mock: MockRootly;
afterEach(async () => mock?.close());

describe('read against the mock Rootly server', () => {
  test('an incremental sync delivers every record exactly once, with statuses, estimate and states', async () => {
    const data = dataset(700);
    mock = await mockRootly({ dataset: data, maxPageSize: 100 });
    const result = await read(mockConfig(mock));
    expect(result.exitCode).toBe(0);
    expectNoSecret(result);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
    const statuses = streamStatuses(result);
    expect(statuses[0]).toBe('STARTED');
    expect(statuses).toContain('RUNNING');
    expect(statuses.at(-1)).toBe('COMPLETE');
    expect(result.messages.some((m) => m.type === 'TRACE' && (m as { trace?: { type?: string } }).trace?.type === 'ESTIMATE')).toBe(true);
    for (const message of stateMessages(result)) {
      expect(
        (message as unknown as { state: { sourceStats: { recordCount: number } } }).state.sourceStats.recordCount,
      ).toBeGreaterThanOrEqual(0);
    }
    const counted = stateMessages(result).reduce(
      (sum, m) => sum + (m as unknown as { state: { sourceStats: { recordCount: number } } }).state.sourceStats.recordCount,
      0,
    );
    expect(counted).toBe(data.length);
    const summary = logMessages(result).find((t) => t.startsWith('Sync of'));
    expect(summary).toMatch(/700 records, \d+ pages, \d+ windows \(up to \d+ at once\), 0 retries, .* new cursor /);
    // The request carried the key only as a Bearer header, and asked for ascending order.
    expect(mock.requests.every((r) => r.authorization === 'valid' && !r.url.includes(API_KEY_PART))).toBe(true);
    expect(mock.requests[0]?.url).toContain('sort=created_at');
  });

  test('--debug logs every request a read sends (the secret-leak run depends on them); without it, none', async () => {
    const data = dataset(300);
    mock = await mockRootly({ dataset: data, maxPageSize: 100 });
    const quiet = await read(mockConfig(mock));
    const quietRequests = mock.requests.length;
    const debug = await runRead(mockConfig(mock), { debug: true });
    const gets = (result: RunResult) => logMessages(result).filter((text) => text.startsWith('GET /v1/audits'));
    expect({ quiet: quiet.exitCode, debug: debug.exitCode }).toEqual({ quiet: 0, debug: 0 });
    expect(gets(quiet)).toEqual([]);
    expect(gets(debug)).toHaveLength(mock.requests.length - quietRequests);
    expectNoSecret(debug);
  });

  test('a sync reading many windows at once leaves stderr empty: no listener warning that looks like a leak', async () => {
    const data = dataset(1500, 30 * 24, 1);
    mock = await mockRootly({ dataset: data, maxPageSize: 25, latencyMs: 150 });
    const result = await read(
      mockConfig(mock, { backfill_start_time: new Date(Date.now() - 31 * 24 * HOUR).toISOString(), page_size: 25 }),
    );
    expect({ exit: result.exitCode, stderr: result.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
    const summary = logMessages(result).find((t) => t.startsWith('Sync of')) ?? '';
    expect(Number(/up to (\d+) at once/.exec(summary)?.[1])).toBeGreaterThan(10);
  });

  test('same-millisecond records straddling page and window boundaries are neither lost nor repeated', async () => {
    const boundary = Math.floor((Date.now() - 24 * HOUR) / 1000) * 1000;
    const at = (ms: number, id: number): AuditResource => ({
      id: String(id),
      type: 'audits',
      attributes: { event: 'update', created_at: new Date(ms).toISOString(), id },
    });
    const cluster: AuditResource[] = [];
    let id = 1;
    for (let i = 0; i < 7; i += 1) cluster.push(at(boundary - 1, id++)); // the last millisecond of a window
    for (let i = 0; i < 7; i += 1) cluster.push(at(boundary, id++)); // the first millisecond of the next
    for (let i = 0; i < 5; i += 1) cluster.push(at(boundary + 1234, id++));
    mock = await mockRootly({ dataset: cluster, maxPageSize: 3 });
    // Windows of one hour starting on a whole hour put a window edge exactly at `boundary`.
    const start = new Date(boundary - HOUR).toISOString();
    const result = await read(mockConfig(mock, { page_size: 3, window_size_hours: 1, backfill_start_time: start }));
    expect(result.exitCode).toBe(0);
    const got = records(result).map((r) => r.id);
    expect(duplicates(got)).toEqual([]);
    expect(got.sort()).toEqual(cluster.map((r) => r.id).sort());
    // Resuming from every checkpoint commits each record exactly once.
    await expectExactlyOnceFromEveryCheckpoint(
      result,
      cluster,
      mockConfig(mock, { page_size: 3, window_size_hours: 1, backfill_start_time: start }),
    );
  });

  test('a second incremental sync returns only the records created since the first', async () => {
    const first = dataset(300, 48, 2);
    mock = await mockRootly({ dataset: first });
    const config = mockConfig(mock);
    const run1 = await read(config);
    expect(run1.exitCode).toBe(0);
    expect(records(run1)).toHaveLength(300);
    // Events created after the first sync's upper bound, then visible to the second.
    const firstEnd = Date.parse(states(run1).at(-1)?.created_at ?? '');
    const later = generateDataset({ count: 40, start: new Date(firstEnd), end: new Date(firstEnd + 1500), seed: 99 }).map((r, i) => ({
      ...r,
      id: String(9_000_000 + i),
    }));
    mock.setDataset([...first, ...later]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstEnd + 2000 - Date.now())));
    const run2 = await read(config, lastState(run1));
    expect(run2.exitCode).toBe(0);
    expect(sortedIds(records(run2))).toEqual(sortedIds(later));
    const run3 = await read(config, lastState(run2));
    expect(records(run3)).toHaveLength(0);
    expect(stateMessages(run3).length).toBeGreaterThanOrEqual(1);
  });

  test('resuming from each checkpoint of a sync yields exactly the records not yet committed', async () => {
    const data = dataset(400, 30, 1, 3);
    mock = await mockRootly({ dataset: data, maxPageSize: 40 });
    const backfill = new Date(Date.now() - 30.5 * HOUR).toISOString();
    const config = mockConfig(mock, { page_size: 40, window_size_hours: 6, backfill_start_time: backfill });
    const full = await read(config);
    expect(full.exitCode).toBe(0);
    expect(stateMessages(full).length).toBeGreaterThan(5);
    await expectExactlyOnceFromEveryCheckpoint(full, data, config);
  });

  test('a far-future state gives 0 records and one STATE carrying it unchanged', async () => {
    mock = await mockRootly({ dataset: dataset(50) });
    const future = { created_at: '2999-12-31T00:00:00Z', ids_at_created_at: [] };
    const result = await read(mockConfig(mock), future);
    expect(result.exitCode).toBe(0);
    expect(records(result)).toHaveLength(0);
    expect(states(result)).toEqual([future]);
    expect(mock.requests).toHaveLength(0);
  });

  test.each(['newest-first', 'shuffled'] as const)('a server that ignores sort (%s) still gives exactly-once results', async (order) => {
    const data = dataset(500, 40, 1, 11);
    mock = await mockRootly({ dataset: data, order, maxPageSize: 30 });
    const config = mockConfig(mock, { page_size: 30, window_size_hours: 8 });
    const result = await read(config);
    expect(result.exitCode).toBe(0);
    expect(duplicates(records(result).map((r) => r.id))).toEqual([]);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
    await expectExactlyOnceFromEveryCheckpoint(result, data, config);
  });

  test('a full refresh reads from the backfill time to the frozen upper bound', async () => {
    const data = dataset(120);
    mock = await mockRootly({ dataset: data });
    const result = await read(mockConfig(mock), undefined, 'full_refresh');
    expect(result.exitCode).toBe(0);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
  });

  test('without a backfill time the first incremental sync starts now and fetches nothing old', async () => {
    mock = await mockRootly({ dataset: dataset(80) });
    const config = mockConfig(mock);
    delete config['backfill_start_time'];
    const result = await read(config);
    expect(result.exitCode).toBe(0);
    expect(records(result)).toHaveLength(0);
    expect(states(result)).toHaveLength(1);
    expect(Date.parse(states(result)[0]?.created_at ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });
});

const API_KEY_PART = 'LEAKCANARY';

/** Replays a crash right after each STATE: commits up to it, resumes from it, checks the union. */
async function expectExactlyOnceFromEveryCheckpoint(full: RunResult, data: AuditResource[], config: unknown): Promise<void> {
  const expected = sortedIds(data);
  let committed: string[] = [];
  let pending: string[] = [];
  for (const message of full.messages) {
    if (message.type === 'RECORD') pending.push((message as unknown as { record: { data: { id: string } } }).record.data.id);
    if (message.type !== 'STATE') continue;
    committed = [...committed, ...pending];
    pending = [];
    const state = (message as unknown as { state: { stream: { stream_state: unknown } } }).state.stream.stream_state;
    const resumed = await read(config, state);
    expect(resumed.exitCode).toBe(0);
    const union = [...committed, ...committedRecords(resumed).map((r) => r.id)];
    expect(duplicates(union)).toEqual([]);
    expect(union.sort()).toEqual(expected);
  }
}
