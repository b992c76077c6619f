import type { LimiterClock, SlidingWindowLimiter } from './rate-limiter.js';

export const WINDOW = 60_000;
export const T0 = Date.UTC(2025, 3, 2, 20, 0, 0);

/** Virtual time: sleeping moves the clock forward at once; each sleep is recorded. */
export class FakeClock implements LimiterClock {
  sleeps: number[] = [];
  constructor(public time = T0) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** Fires `count` acquires at once and returns when each one was let go. */
export async function departures(limiter: SlidingWindowLimiter, clock: FakeClock, count: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(Array.from({ length: count }, () => limiter.acquire().then(() => times.push(clock.now()))));
  return times;
}

/** The most departures found inside any window [t, t + windowMs). */
export function busiestWindow(times: readonly number[], windowMs = WINDOW): number {
  let most = 0;
  for (const [i, start] of times.entries()) {
    most = Math.max(most, times.slice(i).filter((t) => t < start + windowMs).length);
  }
  return most;
}
