import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateDataset } from './dataset.js';
import { maxInAnyWindow, type RateLimitOptions } from './rate-limit.js';
import { startMockRootly, type MockRootly } from './server.js';
import { request } from './test-support.js';

const KEY = 'test-key';
let mock: MockRootly;

beforeAll(async () => {
  const dataset = generateDataset({ count: 30, start: new Date('2025-03-01T00:00:00Z'), end: new Date('2025-03-02T00:00:00Z'), seed: 5 });
  mock = await startMockRootly({ apiKey: KEY, dataset });
});
afterAll(async () => mock.close());

function limit(options: Partial<RateLimitOptions>): void {
  mock.setOptions({ rateLimit: { limit: 3, windowMs: 1000, headers: 'both', retryAfter: true, ...options } });
  mock.resetRequests();
}

const get = () => request(`${mock.url}/v1/audits`, KEY);
const limitHeaderNames = (headers: Headers): string[] => [...headers.keys()].filter((name) => /ratelimit|retry-after/.test(name)).sort();

describe('sliding-window rate limit', () => {
  it('counts down on 200s, then answers 429 with Rootly’s non-JSON:API body and Retry-After', async () => {
    limit({});
    const started = Date.now();
    const answers = [await get(), await get(), await get(), await get()];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers.map((a) => a.headers.get('x-ratelimit-used'))).toEqual(['1', '2', '3', '3']);
    const rejected = answers[3];
    expect(JSON.parse(rejected?.text ?? '')).toEqual({ error: 'Rate limit exceeded. Try again later.' });
    expect(Number(rejected?.headers.get('retry-after'))).toBe(1);
    const reset = Number(rejected?.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor((started + 1000) / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil((Date.now() + 1000) / 1000));
    expect(mock.requests[3]).toMatchObject({ rateLimited: true, status: 429 });
    expect(answers[0]?.headers.get('retry-after')).toBeNull();
  });

  it('admits again once the oldest request has left the window', async () => {
    limit({ windowMs: 300 });
    for (let i = 0; i < 3; i++) await get();
    expect((await get()).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await get()).status).toBe(200);
  });

  it.each([
    ['x-ratelimit', false, ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used']],
    ['ratelimit', false, ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']],
    ['none', true, ['retry-after']],
    ['none', false, []],
  ] as Array<[RateLimitOptions['headers'], boolean, string[]]>)(
    'header style %s (retryAfter %s) on a 429',
    async (headers, retryAfter, expected) => {
      limit({ headers, retryAfter, limit: 1 });
      await get();
      const rejected = await get();
      expect(rejected.status).toBe(429);
      expect(limitHeaderNames(rejected.headers)).toEqual(expected);
    },
  );

  it('says its window in the quota-policy form when asked', async () => {
    limit({ limit: 600, windowMs: 12_000, limitForm: 'quota-policy' });
    const answer = await get();
    expect(answer.headers.get('x-ratelimit-limit')).toBe('600, 600;window=12');
    expect(answer.headers.get('ratelimit-limit')).toBe('600, 600;window=12');
    expect(answer.headers.get('ratelimit-policy')).toBe('600;w=12');
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('599');
    limit({ limit: 600, windowMs: 12_000 });
    expect((await get()).headers.get('x-ratelimit-limit')).toBe('600');
  });

  it('is off when rateLimit is undefined', async () => {
    mock.setOptions({ rateLimit: undefined });
    mock.resetRequests();
    const answers = await Promise.all(Array.from({ length: 20 }, get));
    expect(answers.every((a) => a.status === 200 && limitHeaderNames(a.headers).length === 0)).toBe(true);
    expect(mock.requestsInAnySlidingMinute()).toBe(20);
  });
});

describe('maxInAnyWindow', () => {
  it('finds the busiest window, half-open at its end', () => {
    expect(maxInAnyWindow([], 60_000)).toBe(0);
    expect(maxInAnyWindow([0, 59_999, 60_000, 60_001, 200_000], 60_000)).toBe(3);
    expect(maxInAnyWindow([5, 1, 3, 2, 4], 3)).toBe(3);
  });

  it('is what requestsInAnyWindow reports for the requests received', async () => {
    mock.setOptions({ rateLimit: undefined });
    mock.resetRequests();
    await Promise.all(Array.from({ length: 4 }, get));
    expect(mock.requestsInAnyWindow(60_000)).toBe(4);
    expect(mock.requestsInAnyWindow(1)).toBeGreaterThanOrEqual(1);
  });
});
