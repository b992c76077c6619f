import { describe, expect, test } from '@jest/globals';
import { ConnectorError } from '../errors.js';
import { SlidingWindowLimiter, type LimiterPause } from './rate-limiter.js';
import { FakeClock, T0, WINDOW } from './rate-limiter.test-support.js';

/**
 * Virtual time, except a sleep given a signal, which lasts until that signal aborts (a request
 * abandoned while it waits).
 */
class AbandonableClock extends FakeClock {
  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('abandoned'))));
    return super.sleep(ms);
  }
}

function watched(limit: number, windowMs = WINDOW): { clock: FakeClock; limiter: SlidingWindowLimiter; pauses: LimiterPause[] } {
  const clock = new AbandonableClock();
  const pauses: LimiterPause[] = [];
  return { clock, limiter: new SlidingWindowLimiter(limit, windowMs, clock, (pause) => pauses.push(pause)), pauses };
}

async function refusal(limiter: SlidingWindowLimiter, deadline: number): Promise<string> {
  const refused = await limiter.acquire(undefined, deadline).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(ConnectorError);
  return (refused as ConnectorError).message;
}

describe('SlidingWindowLimiter: a wait longer than the time left', () => {
  test.each([
    ['the window', 'The rate limit allows no further request for 61 s', (limiter: SlidingWindowLimiter) => limiter.acquire()],
    [
      'the allowance',
      "Rootly's remaining rate-limit allowance allows no further request for 240 s",
      async (limiter: SlidingWindowLimiter) => limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '240' }, 0),
    ],
    [
      'a 429',
      'A rate-limit pause after HTTP 429 allows no further request for 30 s',
      async (limiter: SlidingWindowLimiter) => limiter.rateLimited(T0 + 30_000),
    ],
  ])('names %s as the reason, with the wait and the time left', async (_, reason, hold) => {
    const { limiter } = watched(1);
    await hold(limiter);
    const message = await refusal(limiter, T0 + 10_500);
    expect(message).toContain(`${reason}, longer than what is left of max_retry_seconds for this request (11 s).`);
  });

  test('a deadline already past is told as no time left', async () => {
    const { limiter } = watched(1);
    await limiter.acquire();
    expect(await refusal(limiter, T0 - 5_000)).toContain('(0 s)');
  });

  test('a 429 pause ending when the window frees is named as the reason: the server refused', async () => {
    const { limiter } = watched(1);
    await limiter.acquire();
    limiter.rateLimited(T0 + limiter.delayBeforeNext());
    expect(await refusal(limiter, T0 + 1000)).toMatch(/^A rate-limit pause after HTTP 429/);
  });

  test('a wait ending exactly at the deadline is waited out', async () => {
    const { clock, limiter } = watched(100);
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '240' }, 0);
    await limiter.acquire(undefined, T0 + 240_000);
    expect(clock.time).toBe(T0 + 240_000);
  });
});

describe('SlidingWindowLimiter: which waits are reported as pauses', () => {
  test('pacing waits shorter than five seconds are not reported', async () => {
    const { clock, limiter, pauses } = watched(5, 1000);
    for (let i = 0; i < 12; i += 1) await limiter.acquire();
    expect(clock.time).toBe(T0 + 2020);
    expect(pauses).toEqual([]);
  });

  test('a wait of five seconds is reported', async () => {
    const { limiter, pauses } = watched(100);
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' }, 0);
    await limiter.acquire();
    expect(pauses).toEqual([{ cause: 'allowance', waitMs: 5000, resumeAt: T0 + 5000 }]);
  });

  test('each window a request waits out is reported, once', async () => {
    const { limiter, pauses } = watched(1);
    for (let i = 0; i < 3; i += 1) await limiter.acquire();
    expect(pauses).toEqual([
      { cause: 'window', waitMs: 60_600, resumeAt: T0 + 60_600 },
      { cause: 'window', waitMs: 60_600, resumeAt: T0 + 121_200 },
    ]);
  });

  test.each([
    [35, []],
    [36, [{ cause: 'allowance', waitMs: 36_000, resumeAt: T0 + 36_000 }]],
  ])(
    'a 429 pause is reported by the retry, not here; an allowance reset %i s away is reported only beyond it by more than five seconds',
    async (reset, reported) => {
      const { limiter, pauses } = watched(100);
      limiter.rateLimited(T0 + 30_000);
      limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, 0);
      await limiter.acquire();
      expect(pauses).toEqual(reported);
    },
  );

  test('a 429 pause alone is not reported', async () => {
    const { clock, limiter, pauses } = watched(100);
    limiter.rateLimited(T0 + 30_000);
    await limiter.acquire();
    expect(clock.time).toBe(T0 + 30_000);
    expect(pauses).toEqual([]);
  });

  test('a request abandoned during a pause hands it on: the next one waiting it out is not reported again', async () => {
    const { clock, limiter, pauses } = watched(100);
    limiter.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '42' }, 0);
    const controller = new AbortController();
    const abandoned = limiter.acquire(controller.signal).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await abandoned).toBeInstanceOf(Error);
    clock.time = T0 + 1000;
    await limiter.acquire();
    expect(clock.time).toBe(T0 + 42_000);
    expect(pauses).toEqual([{ cause: 'allowance', waitMs: 42_000, resumeAt: T0 + 42_000 }]);
  });
});

describe('SlidingWindowLimiter on the real clock: abandoning a wait', () => {
  test('a request abandoned while it waits out the window stops waiting at once', async () => {
    const limiter = new SlidingWindowLimiter(1, WINDOW);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal).catch((error: unknown) => error);
    setTimeout(() => controller.abort(), 10);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 1000)));
    const outcome = await Promise.race([waiting, late]);
    clearTimeout(timer);
    expect((outcome as Error).name).toBe('AbortError');
  });
});
