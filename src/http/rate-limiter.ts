import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Epoch-seconds or delta-seconds headers, as Rootly (and the IETF draft) send them. */
export function readResetHeader(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  for (const name of ['x-ratelimit-reset', 'ratelimit-reset']) {
    const raw = headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw === undefined || !Number.isFinite(value) || value < 0) continue;
    // Values below ~2001 as epoch seconds can only be a delta; above ~33658 only milliseconds.
    if (value < 1_000_000_000) return nowMs + value * 1000;
    return value > 1e12 ? value : value * 1000;
  }
  return undefined;
}

function readNumberHeader(headers: IncomingHttpHeaders, names: readonly string[]): number | undefined {
  for (const name of names) {
    const raw = headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw !== undefined && Number.isFinite(value)) return value;
  }
  return undefined;
}

export interface LimiterClock {
  now(): number;
  /** Resolves after `ms`, or rejects as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/** Safety margin on the window: the server counts arrivals, which lag our departures. */
const WINDOW_MARGIN = 1.01;
/** A header can pause the limiter for this long at most, whatever reset it names. */
const MAX_PAUSE_MS = 5 * 60_000;

/**
 * A sliding-window limiter shared by every request of a sync: it never lets more than `limit`
 * requests leave within any window. It also follows what the server says: a lower advertised
 * limit, a remaining allowance of zero (a key shared with other tools), and 429 answers, which both
 * pause it until the reset and lower its rate.
 */
export class SlidingWindowLimiter {
  private readonly departures: number[] = [];
  private pausedUntil = 0;
  private effectiveLimit: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    limit: number,
    private readonly windowMs = 60_000,
    private readonly clock: LimiterClock = systemClock,
  ) {
    this.effectiveLimit = limit;
  }

  /** Resolves when one more request may leave; callers are served in order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Milliseconds until the limiter would let the next request go (0 when free). */
  delayBeforeNext(): number {
    const now = this.clock.now();
    this.forgetOlderThan(now - this.windowMs * WINDOW_MARGIN);
    const pause = Math.max(0, this.pausedUntil - now);
    const full = this.departures.length >= this.effectiveLimit;
    const oldest = this.departures[0];
    const slot = full && oldest !== undefined ? oldest + this.windowMs * WINDOW_MARGIN - now : 0;
    return Math.max(pause, slot);
  }

  /** Re-synchronises from the rate-limit headers of any response. */
  observe(headers: IncomingHttpHeaders): void {
    const now = this.clock.now();
    const serverLimit = readNumberHeader(headers, ['x-ratelimit-limit', 'ratelimit-limit']);
    if (serverLimit !== undefined && serverLimit >= 1 && serverLimit < this.effectiveLimit) {
      this.effectiveLimit = Math.floor(serverLimit);
    }
    const remaining = readNumberHeader(headers, ['x-ratelimit-remaining', 'ratelimit-remaining']);
    const resetAt = readResetHeader(headers, now);
    if (remaining !== undefined && remaining <= 0 && resetAt !== undefined) {
      this.pausedUntil = Math.max(this.pausedUntil, Math.min(resetAt, now + MAX_PAUSE_MS));
    }
  }

  /** A 429 arrived: hold every request until `resumeAt` and slow down by a fifth. */
  rateLimited(resumeAt: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Math.min(resumeAt, this.clock.now() + MAX_PAUSE_MS));
    this.effectiveLimit = Math.max(1, Math.floor(this.effectiveLimit * 0.8));
  }

  private async waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    for (let delay = this.delayBeforeNext(); delay > 0; delay = this.delayBeforeNext()) {
      await this.clock.sleep(delay, signal);
    }
    this.departures.push(this.clock.now());
  }

  private forgetOlderThan(cutoff: number): void {
    let drop = 0;
    while (drop < this.departures.length && (this.departures[drop] as number) <= cutoff) drop += 1;
    if (drop > 0) this.departures.splice(0, drop);
  }
}
