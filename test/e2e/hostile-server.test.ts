/**
 * A server that misbehaves on purpose, and configs that would let it: the connector refuses what
 * would send the key elsewhere or rewrite its output, waits out a 429 whatever it asks for, bounds
 * every response and every walk, fails on records it cannot handle with a message naming them,
 * and never prints a piece of the key, however the server quotes it.
 */
import type { FaultKind, MockRootly } from '../../mock-rootly/src/index.js';
import { errorTraces, records, runConnector, runRead, streamStatuses, type ReadOptions, type RunResult } from '../helpers/connector.js';
import { MAX_STALE_PAGES_IN_A_ROW } from '../../src/stream/paginator.js';
import { API_KEY, dataset, mockConfig, mockRootly, sortedIds } from '../helpers/fixtures.js';

const read = (config: unknown, options: ReadOptions = {}): Promise<RunResult> => runRead(config, { ...options, debug: true });
const check = (config: unknown): Promise<RunResult> => runConnector(['check', '--config', '{config}', '--debug'], { files: { config } });

const connectionStatus = (result: RunResult): { status: string; message?: string } =>
  (result.messages.find((m) => m.type === 'CONNECTION_STATUS') as unknown as { connectionStatus: { status: string; message?: string } })
    .connectionStatus;
const onlyError = (result: RunResult): { message: string; failure_type: string } => {
  const errors = errorTraces(result);
  expect(errors).toHaveLength(1);
  const { message, failure_type } = errors[0] as { message: string; failure_type: string };
  return { message, failure_type };
};

/** Every 8-character piece of the key found in stdout or stderr. */
function keyPieces(result: RunResult, key = API_KEY): string[] {
  const text = result.stdout + result.stderr;
  const found: string[] = [];
  for (let i = 0; i + 8 <= key.length; i += 1) if (text.includes(key.slice(i, i + 8))) found.push(key.slice(i, i + 8));
  return found;
}

/** Figures for the summary printed at the end. */
const figures: string[] = [];
afterAll(() => console.log(`hostile server figures:\n${figures.join('\n')}`));

const mocks: MockRootly[] = [];
const start = async (...args: Parameters<typeof mockRootly>): Promise<MockRootly> => {
  const mock = await mockRootly(...args);
  mocks.push(mock);
  return mock;
};
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});

describe('URLs: no config or link can send the key to another host or path', () => {
  test('a base_url whose path begins with // is refused by check and read, before any request', async () => {
    const mock = await start({ dataset: dataset(10) });
    const other = await start({ dataset: dataset(10) });
    const config = mockConfig(mock, { base_url: `${mock.url}/${other.url.replace('http:', '')}` });
    const result = await read(config);
    expect(onlyError(result)).toEqual({ failure_type: 'config_error', message: expect.stringContaining("'base_url'") });
    expect(connectionStatus(await check(config))).toEqual({ status: 'FAILED', message: expect.stringContaining("'base_url'") });
    expect([mock.requests.length, other.requests.length]).toEqual([0, 0]);
  });

  test.each<[FaultKind, RegExp]>([
    ['userinfo-next-link', /audits-evil|rootly:hunter2/],
    ['sibling-path-next-link', /audits-evil/],
  ])('%s: refused with a system_error; no request leaves for it', async (kind) => {
    const mock = await start({ dataset: dataset(100), maxPageSize: 20, faults: [{ kind, atRequests: [2] }] });
    const result = await read(mockConfig(mock, { page_size: 20 }));
    expect(onlyError(result)).toEqual({ failure_type: 'system_error', message: expect.stringContaining('does not follow it') });
    // Every request carried the Bearer key (got would have swapped it for the link's user info) to the audits path.
    expect(mock.requests.map((r) => `${r.authorization} ${new URL(r.url, 'http://x').pathname}`)).toEqual([
      'valid /v1/audits',
      'valid /v1/audits',
    ]);
  });
});

describe('retry edges', () => {
  test('a 429 asking for no wait (0, negative, past date, unreadable) is waited out with backoff, then the sync completes', async () => {
    const data = dataset(150);
    const mock = await start({ dataset: data, faults: [{ kind: '429-bad-retry-after', atRequests: [2, 4, 7, 9] }] });
    const result = await read(mockConfig(mock, { page_size: 20 }));
    expect(result.exitCode).toBe(0);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
    expect(streamStatuses(result)).toContain('RUNNING:RATE_LIMITED');
    // Each 429 was retried (the same URL again) after a backoff of at least half a second.
    const retryOf = (index: number): number | undefined =>
      mock.requests.slice(index + 1).find((later) => later.url === mock.requests[index]?.url)?.time;
    const waits = mock.requests.flatMap((r, i) => (r.status === 429 ? [(retryOf(i) ?? Number.NaN) - r.time] : []));
    expect(waits).toHaveLength(4);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(450);
    figures.push(`429 with a Retry-After of no wait: retried after ${waits.join(', ')} ms`);

    mock.setOptions({ faults: [{ kind: '429-bad-retry-after', atRequests: [1] }] });
    mock.resetRequests();
    expect(connectionStatus(await check(mockConfig(mock))).status).toBe('SUCCEEDED');
  });
});

describe('bounded responses', () => {
  test.each<[FaultKind, string]>([
    ['gzip-bomb', '1 MB of gzip inflating to 1 GiB'],
    ['huge-body', 'a 200 MB body'],
    ['huge-page', 'a page of 1,000,000 records when 100 were asked for'],
  ])('%s (%s): a system_error naming the cap, not retried, memory bounded', async (kind, what) => {
    const mock = await start({ dataset: dataset(150), faults: [{ kind, atRequests: [2] }] });
    const started = Date.now();
    const result = await read(mockConfig(mock, { page_size: 100 }), { measurePeakRss: true });
    expect(onlyError(result)).toEqual({
      failure_type: 'system_error',
      message: expect.stringContaining('larger than 32 MB once decompressed'),
    });
    expect(mock.requests).toHaveLength(2);
    if (result.peakRssMb !== undefined) expect(result.peakRssMb).toBeLessThan(400);
    figures.push(`${what}: peak RSS ${result.peakRssMb ?? '?'} MB, ${Date.now() - started} ms`);
  });
});

describe('endless paging', () => {
  test('pages that only repeat records already sent, each with a new next link and no total, stop the sync naming the window', async () => {
    const endless = Array.from({ length: 100_000 }, (_, i) => i + 3);
    const mock = await start({
      dataset: dataset(200),
      maxPageSize: 20,
      omitMeta: true,
      faults: [{ kind: 'repeat-records', atRequests: endless }],
    });
    const started = Date.now();
    const result = await read(mockConfig(mock, { page_size: 20 }), { timeoutMs: 30_000 });
    figures.push(
      `endless repeating pages: ${mock.requests.length} requests in ${Date.now() - started} ms, exit ${result.exitCode ?? result.signal}`,
    );
    const error = onlyError(result);
    expect(error.failure_type).toBe('transient_error');
    expect(error.message).toMatch(/without records not already read/);
    expect(error.message).toMatch(/\[\d{4}-\d\d-\d\dT[\d:.]+Z, \d{4}-\d\d-\d\dT[\d:.]+Z\)/);
    // A few windows may walk a few stale pages each before the first stops the sync: dozens, not 100,000.
    expect(mock.requests.length).toBeLessThan(40);
    // Each walk (one window's range) ends after its first page and five stale ones.
    const walks = new Map<string, number>();
    for (const request of mock.requests) {
      const range = new URL(request.url, 'http://mock').searchParams.get('filter[created_at][gte]') ?? '';
      walks.set(range, (walks.get(range) ?? 0) + 1);
    }
    expect(Math.max(...walks.values())).toBeLessThanOrEqual(1 + MAX_STALE_PAGES_IN_A_ROW);
  });
});

describe('the key is never printed, however the server quotes it', () => {
  test('echoed at the 300th character of a long error title (and encoded before it), through read and check', async () => {
    const mock = await start({ dataset: dataset(50), faults: [{ kind: 'echo-key-in-title' }] });
    const config = mockConfig(mock, { max_retry_seconds: 2 });
    const result = await read(config);
    expect(onlyError(result)).toEqual({ failure_type: 'transient_error', message: expect.stringContaining('**********') });
    const checked = await check(config);
    expect(connectionStatus(checked).status).toBe('FAILED');
    expect([...keyPieces(result), ...keyPieces(checked)]).toEqual([]);
  });

  test.each([
    [2, 'to another host'],
    [3, 'that is not a URL'],
  ])('echoed at the 200th character of a next link %#: refused, and quoted masked', async (at) => {
    const mock = await start({ dataset: dataset(100), maxPageSize: 20, faults: [{ kind: 'echo-key-in-link', atRequests: [at] }] });
    const result = await read(mockConfig(mock, { page_size: 20 }));
    expect(onlyError(result)).toEqual({ failure_type: 'system_error', message: expect.stringContaining('**********') });
    expect(keyPieces(result)).toEqual([]);
  });
});

describe('keys the mask could not hide safely are a config_error in check and read', () => {
  test.each([
    ['one common character', 'e'],
    ['a quote', '"'],
    ['a euro sign', 'rk-live-€-abcdef'],
    ['a NUL', 'rk-live-\u0000-abcdef'],
  ])('%s', async (_label, key) => {
    const mock = await start({ dataset: dataset(10), apiKey: key });
    const config = mockConfig(mock, { api_key: key });
    // Every stdout line is still one valid Airbyte message (runConnector parses them all).
    const result = await read(config);
    expect(onlyError(result)).toEqual({ failure_type: 'config_error', message: expect.stringContaining("'api_key'") });
    expect(connectionStatus(await check(config))).toEqual({ status: 'FAILED', message: expect.stringContaining("'api_key'") });
    expect(mock.requests).toHaveLength(0);
  });
});

describe('records the connector cannot handle fail naming the record, at once', () => {
  test.each<[FaultKind, RegExp]>([
    ['deep-record', /nests more than 500 levels deep/],
    ['no-created-at', /has no created_at/],
    ['conflicting-duplicate', /appears twice on one page with two different contents/],
  ])('%s', async (kind, problem) => {
    const data = dataset(150);
    const mock = await start({ dataset: data, faults: [{ kind, atRequests: [2] }] });
    // One window over the whole dataset: the faulty page is its first.
    const result = await read(mockConfig(mock, { page_size: 50, window_size_hours: 96 }));
    const error = onlyError(result);
    expect(error.failure_type).toBe('system_error');
    expect(error.message).toMatch(problem);
    const named = /audit record "([^"]+)"/.exec(error.message)?.[1];
    expect(data.map((r) => r.id)).toContain(named);
    expect(error.message).not.toMatch(/call stack/i);
    // No window is read again and again: the probe and the faulty page.
    expect(mock.requests).toHaveLength(2);
  });
});
