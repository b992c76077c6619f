import { describe, expect, test } from '@jest/globals';
import { SlidingWindowLimiter } from './rate-limiter.js';
import { busiestWindow, departures, FakeClock, T0, WINDOW } from './rate-limiter.test-support.js';

describe('SlidingWindowLimiter: the configured window', () => {
  test.each([1, 3, 7])('never lets more than %i requests leave in any window', async (limit) => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(limit, WINDOW, clock);
    const times = await departures(limiter, clock, limit * 6 + 2);
    expect(busiestWindow(times)).toBe(limit);
    // ...and does not wait much longer than needed: the first burst leaves at once, the next one a window later.
    expect(times.slice(0, limit).every((t) => t === T0)).toBe(true);
    expect((times[limit] as number) - T0).toBeGreaterThanOrEqual(WINDOW);
    expect((times[limit] as number) - T0).toBeLessThanOrEqual(WINDOW * 1.02);
  });

  test('requests spread over time are not delayed while under the limit', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3, WINDOW, clock);
    for (let i = 0; i < 10; i += 1) {
      await limiter.acquire();
      clock.time += 25_000;
    }
    expect(clock.sleeps).toEqual([]);
  });

  test('rateLimited() pauses until the resume time and lowers the rate by a fifth', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(10, WINDOW, clock);
    limiter.rateLimited(T0 + 30_000);
    const times = await departures(limiter, clock, 20);
    expect(times[0]).toBe(T0 + 30_000);
    expect(busiestWindow(times)).toBe(8);
  });

  test('repeated 429s keep lowering the rate but never below one request per window', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3, WINDOW, clock);
    for (let i = 0; i < 10; i += 1) limiter.rateLimited(T0);
    const times = await departures(limiter, clock, 3);
    expect(busiestWindow(times)).toBe(1);
    expect(times[2]).toBeLessThan(T0 + 3 * WINDOW * 1.02);
  });

  test('a pause already over does not delay', () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(10, WINDOW, clock);
    limiter.rateLimited(T0 - 1000);
    expect(limiter.delayBeforeNext()).toBe(0);
  });
});

describe('SlidingWindowLimiter: waits a user would notice', () => {
  test('a Remaining: 0 without a reset time does not stop later 429s from pausing the sync', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-remaining': '0' }, 0);
    limiter.rateLimited(T0 + 30_000);
    expect(limiter.delayBeforeNext()).toBe(30_000);
    const times = await departures(limiter, clock, 1);
    expect(times).toEqual([T0 + 30_000]);
  });

  test('a Remaining: 0 without a reset time does not hold requests', () => {
    const limiter = new SlidingWindowLimiter(100, WINDOW, new FakeClock());
    limiter.observe({ 'ratelimit-remaining': '0' }, 0);
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test('a lower advertised RateLimit-Limit (the IETF name) lowers the limit too', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'ratelimit-limit': '4' }, 0);
    const times = await departures(limiter, clock, 13);
    expect(busiestWindow(times)).toBe(4);
  });

  test('a reset given in epoch milliseconds pauses until that time, not for the longest pause', () => {
    const limiter = new SlidingWindowLimiter(100, WINDOW, new FakeClock());
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 + 30_000) }, 0);
    expect(limiter.delayBeforeNext()).toBe(30_000);
  });

  test('a reset far away pauses five minutes at most', () => {
    const limiter = new SlidingWindowLimiter(100, WINDOW, new FakeClock());
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 86_400) }, 0);
    expect(limiter.delayBeforeNext()).toBe(5 * 60_000);
    limiter.rateLimited(T0 + 86_400_000);
    expect(limiter.delayBeforeNext()).toBe(5 * 60_000);
  });

  test('requests spaced by just under a window still wait out the window, so the server never counts one too many', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(1, WINDOW, clock);
    await limiter.acquire();
    clock.time = T0 + WINDOW - 500;
    await limiter.acquire();
    expect(clock.time - T0).toBeGreaterThanOrEqual(WINDOW);
    expect(clock.time - T0).toBeLessThanOrEqual(WINDOW * 1.02);
  });

  test('a shorter pause named later does not cut a longer one short', () => {
    const limiter = new SlidingWindowLimiter(100, WINDOW, new FakeClock());
    limiter.rateLimited(T0 + 40_000);
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '10' }, 0);
    limiter.rateLimited(T0 + 20_000);
    expect(limiter.delayBeforeNext()).toBe(40_000);
  });
});

describe('SlidingWindowLimiter: headers in both dialects', () => {
  test('an unusable X-RateLimit-* value falls back to the RateLimit-* one', () => {
    const limiter = new SlidingWindowLimiter(100, WINDOW, new FakeClock());
    limiter.observe(
      {
        'x-ratelimit-limit': 'many',
        'ratelimit-limit': '6',
        'x-ratelimit-remaining': 'none',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '12',
      },
      0,
    );
    expect(limiter.delayBeforeNext()).toBe(12_000);
  });

  test('an advertised limit of one request per window is followed', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(50, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '1' }, 0);
    const times = await departures(limiter, clock, 3);
    expect(busiestWindow(times)).toBe(1);
  });
});

describe('SlidingWindowLimiter on the real clock', () => {
  test('waits out the window without blocking the process: timers still fire while it waits', async () => {
    const limiter = new SlidingWindowLimiter(1, 60);
    const order: string[] = [];
    const started = Date.now();
    await limiter.acquire();
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 10));
    await Promise.all([limiter.acquire().then(() => order.push('second request')), timer]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(59);
    expect(order).toEqual(['timer', 'second request']);
  });
});

describe('SlidingWindowLimiter: the windows the server states', () => {
  test.each([
    { 'x-ratelimit-limit': '600, 600;window=12' },
    { 'ratelimit-limit': '600;w=12' },
    { 'ratelimit-policy': '600;w=12', 'ratelimit-limit': '600' },
  ])('600 per 12 s (%o) is kept to, at that rate, not at 600 per minute', async (headers) => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe(headers, 0);
    const times = await departures(limiter, clock, 1800);
    expect(busiestWindow(times, 12_000)).toBe(600);
    expect((times.at(-1) as number) - T0).toBeLessThanOrEqual(2 * 12_000 * 1.02);
    expect(limiter.requestsPerSecond()).toBe(50);
  });

  test('several policies are all kept to', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5, 5;w=1, 40;w=3600' }, 0);
    const times = await departures(limiter, clock, 45);
    expect(busiestWindow(times, 1000)).toBe(5);
    expect(busiestWindow(times, 3_600_000)).toBe(40);
  });

  test('a server window never raises the configured limit', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(50, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '10000;w=60' }, 0);
    expect(busiestWindow(await departures(limiter, clock, 120))).toBe(50);
  });

  test('a bare limit with nothing else is read per minute, as Rootly documents; a higher one does not raise it', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5' }, 0);
    limiter.observe({ 'x-ratelimit-limit': '10000' }, 0);
    expect(busiestWindow(await departures(limiter, clock, 17))).toBe(5);
  });

  test('a nonsensical advertised limit is ignored', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(50, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '0' }, 0);
    limiter.observe({ 'x-ratelimit-limit': 'many;w=12' }, 0);
    limiter.observe({ 'x-ratelimit-limit': '10;w=0' }, 0);
    expect(busiestWindow(await departures(limiter, clock, 120))).toBe(50);
  });
});
