import type { FaultKind, MockRootly } from '../../mock-rootly/src/index.js';
import { errorTraces, records, runConnector, runRead, stateMessages, streamStatuses, type RunResult } from '../helpers/connector.js';
import { API_KEY, dataset, duplicates, expectNoSecret, mockConfig, mockRootly, sortedIds } from '../helpers/fixtures.js';

const read = (config: unknown): Promise<RunResult> => runRead(config, { debug: true });
const check = (config: unknown): Promise<RunResult> => runConnector(['check', '--config', '{config}', '--debug'], { files: { config } });

const connectionStatus = (result: RunResult): { status: string; message?: string } => {
  const statuses = result.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return (statuses[0] as unknown as { connectionStatus: { status: string; message?: string } }).connectionStatus;
};

let mock: MockRootly;
afterEach(async () => mock?.close());

describe('HTTP failures', () => {
  test('401: read fails with a config_error telling how to get a new key; check is FAILED with exit 0', async () => {
    mock = await mockRootly({ dataset: dataset(10) });
    const config = mockConfig(mock, { api_key: `${API_KEY}-revoked` });
    const result = await read(config);
    expect(result.exitCode).not.toBe(0);
    expect(errorTraces(result)).toEqual([
      expect.objectContaining({ failure_type: 'config_error', message: expect.stringContaining('Configuration → API Keys') }),
    ]);
    expect(streamStatuses(result).at(-1)).toBe('INCOMPLETE');
    expect(result.stdout).not.toContain(`${API_KEY}-revoked`);
    const checked = await check(config);
    expect(checked.exitCode).toBe(0);
    expect(connectionStatus(checked)).toEqual({ status: 'FAILED', message: expect.stringContaining('invalid, expired or revoked') });
    expect(checked.stdout).not.toContain(API_KEY);
  });

  test('404 on /v1/audits: a config_error naming the missing Audits read permission', async () => {
    mock = await mockRootly({ dataset: dataset(10), forbiddenKeys: [API_KEY], apiKey: 'another-key' });
    const result = await read(mockConfig(mock));
    expect(result.exitCode).not.toBe(0);
    expect(errorTraces(result)[0]).toEqual(
      expect.objectContaining({ failure_type: 'config_error', message: expect.stringContaining('Audits: read') }),
    );
    expect(connectionStatus(await check(mockConfig(mock))).message).toContain('Audits: read');
    expectNoSecret(result);
  });

  test('check succeeds with a good key, sending one request of page size 1', async () => {
    mock = await mockRootly({ dataset: dataset(10) });
    const result = await check(mockConfig(mock));
    expect(result.exitCode).toBe(0);
    expect(connectionStatus(result).status).toBe('SUCCEEDED');
    expect(mock.requests).toHaveLength(1);
    expect(decodeURIComponent(mock.requests[0]?.url ?? '')).toContain('page[size]=1');
    expectNoSecret(result);
  });

  test.each<FaultKind>(['429-retry-after', '429-x-ratelimit-reset', '429-ratelimit-reset', '429-no-headers'])(
    '%s: the sync waits, reports RATE_LIMITED and completes with every record once',
    async (kind) => {
      const data = dataset(150);
      mock = await mockRootly({ dataset: data, faults: [{ kind, atRequests: [2, 3] }] });
      const result = await read(mockConfig(mock, { page_size: 50 }));
      expect(result.exitCode).toBe(0);
      expect(sortedIds(records(result))).toEqual(sortedIds(data));
      expect(streamStatuses(result)).toContain('RUNNING:RATE_LIMITED');
      expect(mock.requests.filter((r) => r.status === 429)).toHaveLength(2);
      expectNoSecret(result);
    },
  );

  test.each<FaultKind>(['500', '502', '503', 'reset-mid-body', 'truncated-json', 'html-200'])(
    '%s is retried and the sync completes exactly once',
    async (kind) => {
      const data = dataset(150);
      mock = await mockRootly({ dataset: data, faults: [{ kind, atRequests: [2] }] });
      const result = await read(mockConfig(mock, { page_size: 50 }));
      expect(result.exitCode).toBe(0);
      expect(duplicates(records(result).map((r) => r.id))).toEqual([]);
      expect(sortedIds(records(result))).toEqual(sortedIds(data));
      expectNoSecret(result);
    },
  );

  test('a response stalled past the timeout is retried', async () => {
    const data = dataset(60);
    mock = await mockRootly({ dataset: data, faults: [{ kind: 'stall', atRequests: [1] }], stallMs: 5_000 });
    const result = await read(mockConfig(mock, { request_timeout_seconds: 1 }));
    expect(result.exitCode).toBe(0);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
  });

  test('a server failing every time ends in a transient_error after the retry budget, with a safe state', async () => {
    mock = await mockRootly({ dataset: dataset(200), maxPageSize: 20, faults: [{ kind: '503', rate: 1 }] });
    const result = await read(mockConfig(mock, { max_retry_seconds: 3 }));
    expect(result.exitCode).not.toBe(0);
    expect(errorTraces(result)[0]).toEqual(
      expect.objectContaining({ failure_type: 'transient_error', message: expect.stringContaining('503') }),
    );
    expect(records(result)).toHaveLength(0);
    expect(stateMessages(result).length).toBeLessThanOrEqual(1);
    expect(streamStatuses(result).at(-1)).toBe('INCOMPLETE');
  });

  test('a next link to another host is refused with a system_error, and that host gets no request', async () => {
    mock = await mockRootly({ dataset: dataset(100), maxPageSize: 20, faults: [{ kind: 'foreign-next-link', atRequests: [2] }] });
    const result = await read(mockConfig(mock, { page_size: 20 }));
    expect(result.exitCode).not.toBe(0);
    expect(errorTraces(result)[0]).toEqual(
      expect.objectContaining({ failure_type: 'system_error', message: expect.stringContaining('evil.example.com') }),
    );
    expectNoSecret(result);
  });

  test('a next link that repeats stops the sync instead of looping', async () => {
    mock = await mockRootly({ dataset: dataset(100), maxPageSize: 20, faults: [{ kind: 'repeat-next-link', atRequests: [2] }] });
    const result = await read(mockConfig(mock, { page_size: 20 }));
    expect(result.exitCode).not.toBe(0);
    expect(errorTraces(result)[0]).toEqual(
      expect.objectContaining({ failure_type: 'system_error', message: expect.stringContaining('already followed') }),
    );
    expect(mock.requests.length).toBeLessThan(10);
  });

  test('empty pages that still link on, and a record served on two pages, give every record once', async () => {
    const data = dataset(120);
    mock = await mockRootly({
      dataset: data,
      maxPageSize: 20,
      faults: [
        { kind: 'empty-page-with-next', atRequests: [2] },
        { kind: 'duplicate-across-pages', atRequests: [4, 5] },
      ],
    });
    const result = await read(mockConfig(mock, { page_size: 20 }));
    expect(result.exitCode).toBe(0);
    expect(duplicates(records(result).map((r) => r.id))).toEqual([]);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
  });
});
