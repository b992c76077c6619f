import { describe, expect, test } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import { SlidingWindowLimiter } from './rate-limiter.js';
import { busiestWindow, departures, FakeClock, T0, WINDOW } from './rate-limiter.test-support.js';

/** An answer stating 5 requests per 12 s, with the allowance left and its reset in epoch seconds. */
function fivePer12s(remaining: number, resetSeconds: number): IncomingHttpHeaders {
  return { 'x-ratelimit-limit': '5;w=12', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetSeconds) };
}

describe('SlidingWindowLimiter: limits across answers', () => {
  test('a window stated once is kept to when later answers do not repeat it', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5;w=12' }, 0);
    limiter.observe({}, 0);
    expect(busiestWindow(await departures(limiter, clock, 15), 12_000)).toBe(5);
  });

  test.each([
    ['a remaining count', { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4' }],
    ['a reset', { 'x-ratelimit-limit': '5', 'x-ratelimit-reset': '30' }],
  ])('a bare limit beside %s alone (no allowance to pace by) is kept to per minute, without a pause', async (_, headers) => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe(headers, 0);
    const times = await departures(limiter, clock, 17);
    expect(times.slice(0, 5)).toEqual([T0, T0, T0, T0, T0]);
    expect(busiestWindow(times)).toBe(5);
  });

  test('a bare limit advertised after answers without any is kept to', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({}, 0);
    limiter.observe({ 'x-ratelimit-limit': '5' }, 0);
    expect(limiter.requestsPerSecond()).toBeCloseTo(5 / 60);
    expect(busiestWindow(await departures(limiter, clock, 12))).toBe(5);
  });

  test('once the window is stated, the limit repeated alone is that window, not a slower per-minute one', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'ratelimit-policy': '600;w=12' }, 0);
    limiter.observe({ 'ratelimit-limit': '600' }, 0);
    const times = await departures(limiter, clock, 1800);
    expect((times.at(-1) as number) - T0).toBeLessThanOrEqual(2 * 12_000 * 1.02);
  });

  test('the steady rate reported for sizing concurrency is that of the slowest window', () => {
    const limiter = new SlidingWindowLimiter(3000, WINDOW, new FakeClock());
    limiter.observe({ 'x-ratelimit-limit': '100;w=60' }, 0);
    expect(limiter.requestsPerSecond()).toBeCloseTo(100 / 60);
  });
});

describe('SlidingWindowLimiter: whether others use the key', () => {
  test('others having spent one of five, a spent allowance pauses until the reset though the window has room', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5;w=12' }, 0);
    await departures(limiter, clock, 4);
    limiter.observe(fivePer12s(0, T0 / 1000 + 9), 4);
    expect(limiter.delayBeforeNext()).toBe(9000);
  });

  test('others on the key leaving two of five, only two more requests leave before the reset, however many are waiting', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5;w=12' }, 0);
    await departures(limiter, clock, 1);
    // One request of this sync, three of others: two remain until the reset in 9 s.
    limiter.observe(fivePer12s(2, T0 / 1000 + 9), 1);
    const times = await departures(limiter, clock, 3);
    expect(times).toEqual([T0, T0, T0 + 9000]);
  });

  test('only this sync’s requests inside the window count as its own, not older ones', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5;w=12' }, 0);
    await departures(limiter, clock, 4);
    clock.time += 20_000;
    await departures(limiter, clock, 4);
    // The server counts 5, this sync 4 of them: someone else spent one.
    limiter.observe(fivePer12s(0, T0 / 1000 + 29), 8);
    expect(limiter.delayBeforeNext()).toBe(9000);
  });

  test.each([
    [13_119, 0],
    [13_120, 6880],
  ])('own requests count for the window, its margin and a second of arrival lag: %i ms later the wait is %i', async (later, wait) => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5;w=12' }, 0);
    await departures(limiter, clock, 5);
    clock.time = T0 + later;
    limiter.observe(fivePer12s(0, T0 / 1000 + 20), 5);
    expect(limiter.delayBeforeNext()).toBe(wait);
  });

  test('a request of this sync still in the longest stated window explains a spent allowance, however long it waited', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '1;w=120' }, 0);
    await departures(limiter, clock, 1);
    // Past the window and its margin (121.2 s), within the second it may have taken to arrive.
    clock.time = T0 + 121_700;
    expect(limiter.delayBeforeNext()).toBe(0);
    limiter.observe({ 'x-ratelimit-limit': '1;w=120', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 150) }, 1);
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test('with several windows stated, the allowance is read against the one whose limit it names', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    const limits = { 'x-ratelimit-limit': '40, 5;w=1, 40;w=3600' };
    limiter.observe(limits, 0);
    await departures(limiter, clock, 10);
    expect(clock.time).toBe(T0 + 1010);
    // 40 an hour, 10 of them this sync's: others spent the rest.
    limiter.observe({ ...limits, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 60) }, 10);
    expect(limiter.delayBeforeNext()).toBe(60_000 - 1010);
  });

  test('a spent allowance in the answer arriving last pauses, though a newer-numbered one counted only this sync', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5;w=12' }, 0);
    const one = await limiter.acquire();
    const two = await limiter.acquire();
    limiter.observe(fivePer12s(3, T0 / 1000 + 12), two);
    limiter.observe(fivePer12s(0, T0 / 1000 + 9), one);
    expect(limiter.delayBeforeNext()).toBe(9000);
  });
});

describe('SlidingWindowLimiter: probing a spent allowance', () => {
  test('after the reset of a spent allowance, one request a second probes it until an answer tells more', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    const first = await limiter.acquire();
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 42) }, first);
    expect(await departures(limiter, clock, 3)).toEqual([T0 + 42_000, T0 + 43_000, T0 + 44_000]);
  });

  /** Two requests leave; the first's answer leaves one allowed, then the probe after its reset leaves. */
  async function probing(): Promise<{ limiter: SlidingWindowLimiter; two: number }> {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    const one = await limiter.acquire();
    const two = await limiter.acquire();
    limiter.observe({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(T0 / 1000 + 1) }, one);
    await limiter.acquire();
    expect(clock.time).toBe(T0 + 1000);
    return { limiter, two };
  }

  test('the late answer of a request that left before the probe, naming a fresh allowance, lets requests go at once', async () => {
    const { limiter, two } = await probing();
    limiter.observe({ 'x-ratelimit-remaining': '50', 'x-ratelimit-reset': String(T0 / 1000 + 60) }, two);
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test('the late answer of a request that left under the old allowance, without allowance headers, does not end the probing', async () => {
    const { limiter, two } = await probing();
    limiter.observe({}, two);
    expect(limiter.delayBeforeNext()).toBe(1000);
  });

  test('an earlier request served without allowance headers leaves the allowance a later 429 named in force', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    const one = await limiter.acquire();
    const two = await limiter.acquire();
    limiter.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '30' }, two, false);
    limiter.observe({}, one);
    expect(limiter.delayBeforeNext()).toBe(30_000);
  });
});
