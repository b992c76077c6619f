import { describe, expect, test } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import { ConnectorError } from '../errors.js';
import { MAX_PAUSE_MS, SlidingWindowLimiter, type LimiterClock, type LimiterPause } from './rate-limiter.js';
import { departures, FakeClock, T0, WINDOW } from './rate-limiter.test-support.js';

describe('SlidingWindowLimiter: the remaining allowance', () => {
  test('remaining 0 pauses every request until the reset, and says so once', async () => {
    const clock = new FakeClock();
    const pauses: LimiterPause[] = [];
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock, (pause) => pauses.push(pause));
    const departure = await limiter.acquire();
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 42) }, departure);
    expect(limiter.delayBeforeNext()).toBe(42_000);
    // After the reset one request finds out what the server allows now; its answer lets the rest go.
    const probe = await limiter.acquire();
    expect(clock.time).toBe(T0 + 42_000);
    limiter.observe({ 'x-ratelimit-remaining': '50', 'x-ratelimit-reset': String(T0 / 1000 + 60) }, probe);
    expect(await departures(limiter, clock, 3)).toEqual([T0 + 42_000, T0 + 42_000, T0 + 42_000]);
    expect(pauses).toEqual([{ cause: 'allowance', waitMs: 42_000, resumeAt: T0 + 42_000 }]);
  });

  test('an allowance only a 429 named stops pacing once the server serves requests without naming one', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(600, WINDOW, clock);
    const limited = await limiter.acquire();
    limiter.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '1' }, limited, false);
    const probe = await limiter.acquire();
    expect(clock.time).toBe(T0 + 1_000);
    limiter.observe({}, probe);
    // 600 a minute again, not one request per probe interval.
    const times = await departures(limiter, clock, 50);
    expect(times.at(-1)).toBe(T0 + 1_000);
  });

  test('an error page without headers leaves the allowance in force', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(600, WINDOW, clock);
    const first = await limiter.acquire();
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 30) }, first);
    limiter.observe({}, first + 1, false);
    expect(limiter.delayBeforeNext()).toBe(30_000);
  });
});

describe('SlidingWindowLimiter: how long a spent allowance pauses', () => {
  test('remaining 0 with the older RateLimit-* names and a delta reset also pauses', () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    limiter.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '15' }, 0);
    expect(limiter.delayBeforeNext()).toBe(15_000);
  });

  test.each([
    ['a reset in the past', String(T0 / 1000 - 30)],
    ['a reset of zero', '0'],
  ])('%s does not pause', (_, reset) => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, 0);
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test('a huge or far reset pauses for at most the bound', () => {
    for (const reset of [String(T0 / 1000 + 86_400), '1e15', String(Number.MAX_SAFE_INTEGER)]) {
      const clock = new FakeClock();
      const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
      limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, 0);
      expect(limiter.delayBeforeNext()).toBeGreaterThan(0);
      expect(limiter.delayBeforeNext()).toBeLessThanOrEqual(MAX_PAUSE_MS);
    }
  });

  test('a pause longer than what is left of the retry time fails the request as transient instead of waiting', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 240) }, 0);
    const refused = await limiter.acquire(undefined, T0 + 60_000).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect((refused as ConnectorError).failureType).toBe('transient_error');
    expect((refused as ConnectorError).message).toMatch(/240 s.*max_retry_seconds/);
    expect(clock.time).toBe(T0);
    // A request with time enough waits it out.
    await limiter.acquire(undefined, T0 + 300_000);
    expect(clock.time).toBe(T0 + 240_000);
  });
});

describe('SlidingWindowLimiter: what counts against the remaining allowance', () => {
  test('remaining above 0 does not pause', () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(T0 / 1000 + 42) }, 0);
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test('requests sent after the reading count against it while the window is unsaid', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    const first = await limiter.acquire();
    await departures(limiter, clock, 2); // two more leave before the first one's answer arrives
    limiter.observe({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(T0 / 1000 + 9) }, first);
    const times = await departures(limiter, clock, 2);
    expect(times).toEqual([T0, T0 + 9000]);
  });

  test('with the window stated, a spent allowance that this sync spent waits only for the window', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe({ 'x-ratelimit-limit': '5, 5;window=12' }, 0);
    const times = await departures(limiter, clock, 5);
    limiter.observe(
      { 'x-ratelimit-limit': '5, 5;window=12', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 14) },
      5,
    );
    // The window frees its first slot 12 s (and its margin) after the first departure, before the whole-second reset.
    expect(limiter.delayBeforeNext()).toBeLessThan(12_500);
    expect(times).toEqual([T0, T0, T0, T0, T0]);
  });

  test('with the window stated, an allowance spent by other tools on the same key still pauses until the reset', () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    limiter.observe(
      { 'x-ratelimit-limit': '600, 600;window=12', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 9) },
      0,
    );
    expect(limiter.delayBeforeNext()).toBe(9000);
  });

  test('an answer older than the reading held does not replace it', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter(100, WINDOW, clock);
    await departures(limiter, clock, 5);
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '20' }, 5);
    limiter.observe({ 'x-ratelimit-remaining': '50', 'x-ratelimit-reset': '20' }, 4);
    expect(limiter.delayBeforeNext()).toBe(20_000);
  });
});

/**
 * Discrete-event time for concurrent requests: sleeping registers a timer, and the test runs the
 * earliest timer once every task is waiting on one.
 */
class EventClock implements LimiterClock {
  time = T0;
  private timers: Array<{ at: number; wake: () => void }> = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.timers.push({ at: this.time + ms, wake }));
  }
  /** Runs timers in order until none is left and every task has settled. */
  async run(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift() as { at: number; wake: () => void };
      this.time = Math.max(this.time, next.at);
      next.wake();
    }
  }
}

/** A server counting arrivals in a sliding window it does not state: bare limit, remaining and epoch reset. */
function slidingServer(limit: number, windowMs: number): { answer: (now: number) => IncomingHttpHeaders; rejected: number } {
  const arrivals: number[] = [];
  const server = {
    rejected: 0,
    answer(now: number): IncomingHttpHeaders {
      while (arrivals.length > 0 && (arrivals[0] as number) <= now - windowMs) arrivals.shift();
      if (arrivals.length < limit) arrivals.push(now);
      else server.rejected += 1;
      const reset = Math.ceil(((arrivals[0] ?? now) + windowMs) / 1000);
      return {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(limit - arrivals.length),
        'x-ratelimit-reset': String(reset),
      };
    },
  };
  return server;
}

describe('SlidingWindowLimiter against a server whose window is unsaid', () => {
  test('14 concurrent tasks at 200 ms latency never exceed 600 per 12 s, and keep near that rate', async () => {
    const clock = new EventClock();
    const limiter = new SlidingWindowLimiter(3000, WINDOW, clock);
    const server = slidingServer(600, 12_000);
    const requests = 2400;
    let sent = 0;
    const task = async (): Promise<void> => {
      while (sent < requests) {
        sent += 1;
        const departure = await limiter.acquire();
        const headers = server.answer(clock.now());
        await clock.sleep(200);
        limiter.observe(headers, departure);
      }
    };
    const tasks = Promise.all(Array.from({ length: 14 }, task));
    await clock.run();
    await tasks;
    expect(server.rejected).toBe(0);
    // At least nine tenths of the allowed rate: 2,400 requests at 50 per second take 48 s.
    expect(clock.time - T0).toBeLessThanOrEqual(48_000 / 0.9);
  });
});
