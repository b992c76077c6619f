import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { transientError } from '../errors.js';
import { readRateLimitHeaders, type RatePolicy } from './rate-limit-headers.js';

export interface LimiterClock {
  now(): number;
  /** Resolves after `ms`, or rejects as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/** Why the limiter holds requests back. */
export type PauseCause = 'window' | 'allowance' | 'rate_limited';

/** A wait long enough to tell the user about: every request waits for it. */
export interface LimiterPause {
  cause: PauseCause;
  waitMs: number;
  /** Epoch ms when requests go again. */
  resumeAt: number;
}

/** Safety margin on every window: the server counts arrivals, which lag our departures. */
const WINDOW_MARGIN = 1.01;
/** No header or 429 pauses the limiter for longer than this, whatever reset it names. */
export const MAX_PAUSE_MS = 5 * 60_000;
/** Waits at least this long are pauses: logged and reported, not just pacing. */
const PAUSE_NOTICE_MS = 5_000;
/** With the allowance spent and its reset past, one request probes it; another after this long. */
const PROBE_INTERVAL_MS = 1_000;
/** How much later than it left a request may be counted by the server (latency, clocks). */
const ARRIVAL_LAG_MS = 1_000;
/** Rootly documents its limit per minute: a bare advertised limit with nothing else is read so. */
const BARE_LIMIT_WINDOW_MS = 60_000;

/** Requests the server still allows after departure number `after`, until `resetAt`. */
interface Allowance {
  after: number;
  remaining: number;
  resetAt: number;
}

/**
 * The one rate limiter of a sync, shared by every request. It never lets more requests leave than
 * any window allows: the configured requests per minute, and each limit the server states with
 * its window (`1000;window=3600`, RateLimit-Policy). It also paces to the allowance the server
 * reports (Remaining until Reset), counting requests still in flight against it, so that a server
 * whose window is unsaid, or a key shared with other tools, is not exceeded either. A 429 pauses
 * it and lowers every limit by a fifth. Waits of seconds are pauses: reported through `onPause`,
 * bounded, and refused when they would outlast a request's deadline.
 */
export class SlidingWindowLimiter {
  /** Departure times, oldest first, as far back as the longest window. */
  private readonly departures: number[] = [];
  private sent = 0;
  private serverPolicies: RatePolicy[] = [];
  private bareLimit: RatePolicy | undefined;
  private allowance: Allowance | undefined;
  private pausedUntil = 0;
  private slowdown = 1;
  private lastNoticeResumeAt = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly clock: LimiterClock = systemClock,
    private readonly onPause: (pause: LimiterPause) => void = () => undefined,
  ) {}

  /**
   * Resolves with the request's departure number when one more request may leave; callers are
   * served in order. Rejects with a transient error when the wait would pass `deadline` (epoch ms).
   */
  acquire(signal?: AbortSignal, deadline = Infinity): Promise<number> {
    const turn = this.queue.then(() => this.waitForSlot(signal, deadline));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Milliseconds until the limiter would let the next request go (0 when free). */
  delayBeforeNext(): number {
    return this.nextWait().waitMs;
  }

  /** The highest steady rate every window allows, in requests per second. */
  requestsPerSecond(): number {
    return Math.min(...this.windows().map((window) => window.limit / (window.windowMs / 1000)));
  }

  /**
   * Re-synchronises from the rate-limit headers of the response to departure number `departure`;
   * `answered` says whether the server served it (a 2xx), not a proxy or an error page.
   */
  observe(headers: IncomingHttpHeaders, departure: number, answered = true): void {
    const now = this.clock.now();
    const reading = readRateLimitHeaders(headers, now);
    if (reading.policies.length > 0) this.serverPolicies = reading.policies;
    const { remaining, resetAt } = reading;
    if (remaining === undefined || resetAt === undefined) {
      // No allowance to pace by and no window stated (now or before, which this answer's policies
      // already set): a bare limit is all there is to keep to.
      if (reading.bareLimit !== undefined && this.serverPolicies.length === 0) {
        this.bareLimit = { limit: Math.min(reading.bareLimit, this.bareLimit?.limit ?? Infinity), windowMs: BARE_LIMIT_WINDOW_MS };
      }
      // Served a later request without naming an allowance: the one held came from a single answer
      // (a 429 from a gateway), and probing it once a second would pace the whole sync to one request.
      if (answered && this.allowance && departure > this.allowance.after) this.allowance = undefined;
      return;
    }
    // A reading older than the one held says less: requests sent since are not in it.
    if (this.allowance && departure < this.allowance.after) return;
    // With the window known and no one else using the key, the windows already pace exactly; the
    // allowance, its reset rounded to a whole second, would only hold requests back for longer.
    if (!this.othersUseTheKey(remaining, reading.bareLimit, now)) {
      this.allowance = undefined;
      return;
    }
    this.allowance = { after: departure, remaining, resetAt: Math.min(Math.max(resetAt, now), now + MAX_PAUSE_MS) };
  }

  /** A 429 arrived: hold every request until `resumeAt` and lower every limit by a fifth. */
  rateLimited(resumeAt: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Math.min(resumeAt, this.clock.now() + MAX_PAUSE_MS));
    // The retry that follows is reported as such: this pause needs no notice of its own.
    this.lastNoticeResumeAt = Math.max(this.lastNoticeResumeAt, this.pausedUntil);
    this.slowdown *= 0.8;
  }

  /**
   * Whether the server counts more requests in its window than this sync sent (give or take those
   * in flight). With no window stated it cannot tell, and says so: the allowance then paces alone.
   */
  private othersUseTheKey(remaining: number, bareLimit: number | undefined, now: number): boolean {
    const policy = this.serverPolicies.find((stated) => stated.limit === bareLimit) ?? this.serverPolicies[0];
    if (!policy) return true;
    const ours = this.departures.length - firstIndexAfter(this.departures, now - policy.windowMs * WINDOW_MARGIN - ARRIVAL_LAG_MS);
    return policy.limit - remaining > ours;
  }

  private async waitForSlot(signal: AbortSignal | undefined, deadline: number): Promise<number> {
    signal?.throwIfAborted();
    for (let wait = this.nextWait(); wait.waitMs > 0; wait = this.nextWait()) {
      const now = this.clock.now();
      if (now + wait.waitMs > deadline) throw tooLong(wait, now, deadline);
      if (wait.waitMs >= PAUSE_NOTICE_MS && now + wait.waitMs > this.lastNoticeResumeAt + PAUSE_NOTICE_MS) {
        this.lastNoticeResumeAt = now + wait.waitMs;
        this.onPause({ cause: wait.cause, waitMs: wait.waitMs, resumeAt: now + wait.waitMs });
      }
      await this.clock.sleep(wait.waitMs, signal);
    }
    this.departures.push(this.clock.now());
    this.sent += 1;
    return this.sent;
  }

  /** The longest of the waits every rule asks for, and the rule asking it. */
  private nextWait(): { waitMs: number; cause: PauseCause } {
    const now = this.clock.now();
    const windows = this.windows();
    // Kept as long as othersUseTheKey counts them: the longest window, its margin and the arrival lag.
    this.forgetOlderThan(now - Math.max(...windows.map((window) => window.windowMs)) * WINDOW_MARGIN - ARRIVAL_LAG_MS);
    let wait = { waitMs: Math.max(0, this.pausedUntil - now), cause: 'rate_limited' as PauseCause };
    const consider = (waitMs: number, cause: PauseCause): void => {
      if (waitMs > wait.waitMs) wait = { waitMs, cause };
    };
    for (const window of windows) consider(this.windowWait(window, now), 'window');
    consider(this.allowanceWait(now), 'allowance');
    return wait;
  }

  /** The configured window and every one the server stated, each lowered after 429s. */
  private windows(): RatePolicy[] {
    const stated = [{ limit: this.limit, windowMs: this.windowMs }, ...this.serverPolicies, ...(this.bareLimit ? [this.bareLimit] : [])];
    return stated.map(({ limit, windowMs }) => ({ limit: Math.max(1, Math.floor(limit * this.slowdown)), windowMs }));
  }

  /** How long until one more departure fits in `window`; 0 or less when one fits now. */
  private windowWait(window: RatePolicy, now: number): number {
    // The departure whose leaving makes room is the limit-th newest: the newer ones alone fill the
    // window. With fewer departures kept (the older ones are forgotten), none holds it.
    const making = this.departures.at(-window.limit) ?? -Infinity;
    return making + window.windowMs * WINDOW_MARGIN - now;
  }

  /**
   * How long until the server's allowance has room for one more request. Requests sent after the
   * reading count against it: others on the key only ever take more, so letting more leave than the
   * server said remain would draw 429s, and each later answer reads the allowance afresh.
   */
  private allowanceWait(now: number): number {
    const allowance = this.allowance;
    if (!allowance) return 0;
    if (this.sent - allowance.after < allowance.remaining) return 0;
    if (allowance.resetAt > now) return allowance.resetAt - now;
    // Spent and past its reset: how much it has now is unknown. One request goes to find out; its
    // answer (or, failing that, the next probe) says how many more may follow.
    this.allowance = { after: this.sent, remaining: 1, resetAt: now + PROBE_INTERVAL_MS };
    return 0;
  }

  /** Keeps the departure list as short as the longest window: memory, not pacing, depends on it. */
  private forgetOlderThan(cutoff: number): void {
    this.departures.splice(0, firstIndexAfter(this.departures, cutoff));
  }
}

/** The index of the first time after `cutoff` in ascending `times` (binary search). */
function firstIndexAfter(times: readonly number[], cutoff: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) <= cutoff) low = middle + 1;
    else high = middle;
  }
  return low;
}

function tooLong(wait: { waitMs: number; cause: PauseCause }, now: number, deadline: number): Error {
  const why =
    wait.cause === 'window'
      ? 'The rate limit'
      : wait.cause === 'allowance'
        ? "Rootly's remaining rate-limit allowance"
        : 'A rate-limit pause after HTTP 429';
  return transientError(
    `${why} allows no further request for ${Math.ceil(wait.waitMs / 1000)} s, longer than what is left of max_retry_seconds for this request (${Math.max(0, Math.ceil((deadline - now) / 1000))} s). The sync stops; the next one resumes from the last saved state. Raise max_retry_seconds or lower requests_per_minute if this recurs.`,
  );
}
