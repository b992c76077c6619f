import type { MockRootly } from '../../mock-rootly/src/index.js';
import { records, runRead } from '../helpers/connector.js';
import { dataset, duplicates, expectNoSecret, mockConfig, mockRootly, sortedIds } from '../helpers/fixtures.js';

let mock: MockRootly;
afterEach(async () => mock?.close());

describe('the proactive limiter', () => {
  test('never sends more than the server allows per sliding minute, learning a lower limit from its headers', async () => {
    // 400 records at 10 per page over 40 windows: about 45 requests against a limit of 30 per minute.
    const data = dataset(400, 40, 1, 21);
    mock = await mockRootly({
      dataset: data,
      maxPageSize: 10,
      rateLimit: { limit: 30, windowMs: 60_000, headers: 'x-ratelimit', retryAfter: false },
    });
    const config = mockConfig(mock, {
      page_size: 10,
      window_size_hours: 1,
      backfill_start_time: new Date(Date.now() - 41 * 3_600_000).toISOString(),
    });
    const result = await runRead(config, { timeoutMs: 150_000 });
    expect(result.exitCode).toBe(0);
    expect(duplicates(records(result).map((r) => r.id))).toEqual([]);
    expect(sortedIds(records(result))).toEqual(sortedIds(data));
    expect(mock.requests.length).toBeGreaterThan(30);
    expect(mock.requestsInAnySlidingMinute()).toBeLessThanOrEqual(30);
    expect(mock.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expectNoSecret(result);
  }, 180_000);
});
