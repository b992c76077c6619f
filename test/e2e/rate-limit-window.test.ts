import type { MockRootly } from '../../mock-rootly/src/index.js';
import { errorTraces, logMessages, records, runRead as read, streamStatuses } from '../helpers/connector.js';
import { dataset, duplicates, expectNoSecret, mockConfig, mockRootly, sortedIds } from '../helpers/fixtures.js';

let mock: MockRootly;
afterEach(async () => mock?.close());

describe("the server's own rate-limit window", () => {
  test('a window shorter than a minute, stated in the quota-policy form, is kept to and used: no 429, nothing lost or repeated', async () => {
    // 300 records at 10 per page: some 30 requests against 8 per sliding 3 s.
    const data = dataset(300, 30, 1, 31);
    mock = await mockRootly({
      dataset: data,
      maxPageSize: 10,
      rateLimit: { limit: 8, windowMs: 3000, headers: 'x-ratelimit', retryAfter: false, limitForm: 'quota-policy' },
    });
    const result = await read(
      mockConfig(mock, { page_size: 10, window_size_hours: 1, backfill_start_time: new Date(Date.now() - 31 * 3_600_000).toISOString() }),
    );
    expect(result.exitCode).toBe(0);
    expect(duplicates(records(result).map((r) => r.id))).toEqual([]);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
    expect(mock.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(mock.requestsInAnyWindow(3000)).toBeLessThanOrEqual(8);
    // Read as 8 per minute, the same requests would have been spread over minutes.
    expect(mock.requestsInAnySlidingMinute()).toBeGreaterThan(8);
    expectNoSecret(result);
  }, 120_000);

  test('a limiter pause from Remaining 0 is logged and reports the stream RATE_LIMITED, then the sync completes', async () => {
    // 3 requests per sliding 8 s, said only through Remaining and Reset: the fourth request waits for the window.
    const data = dataset(40, 6, 1, 32);
    mock = await mockRootly({
      dataset: data,
      maxPageSize: 10,
      rateLimit: { limit: 3, windowMs: 8000, headers: 'x-ratelimit', retryAfter: false },
    });
    const result = await read(
      mockConfig(mock, { page_size: 10, window_size_hours: 24, backfill_start_time: new Date(Date.now() - 7 * 3_600_000).toISOString() }),
    );
    expect(result.exitCode).toBe(0);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
    expect(mock.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(
      logMessages(result).some((message) =>
        /Requests to Rootly wait \d+(\.\d)? s: Rootly's remaining rate-limit allowance is spent/.test(message),
      ),
    ).toBe(true);
    expect(streamStatuses(result)).toContain('RUNNING:RATE_LIMITED');
    expectNoSecret(result);
  }, 120_000);

  test('a pause longer than max_retry_seconds fails the sync at once as a transient error instead of waiting in silence', async () => {
    const data = dataset(40, 6, 1, 33);
    mock = await mockRootly({
      dataset: data,
      maxPageSize: 10,
      rateLimit: { limit: 2, windowMs: 600_000, headers: 'x-ratelimit', retryAfter: false },
    });
    const result = await read(
      mockConfig(mock, {
        page_size: 10,
        window_size_hours: 24,
        max_retry_seconds: 5,
        backfill_start_time: new Date(Date.now() - 7 * 3_600_000).toISOString(),
      }),
    );
    expect(result.exitCode).not.toBe(0);
    const [error] = errorTraces(result);
    expect(error?.failure_type).toBe('transient_error');
    expect(error?.message).toMatch(/max_retry_seconds/);
    expect(mock.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expectNoSecret(result);
  }, 60_000);
});
