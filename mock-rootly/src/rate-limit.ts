/**
 * A sliding-window limiter like the one Rootly documents (about 3,000 GET per minute per key)
 * and the header dialects it has used over time, so the connector can be tested against each.
 */

export type RateLimitHeaderStyle = 'x-ratelimit' | 'ratelimit' | 'both' | 'none';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  headers: RateLimitHeaderStyle;
  /**
   * How the limit header says the window: 'plain' is the bare number (the window left unsaid, as in
   * Rootly's older docs); 'quota-policy' is Rootly's 2026 form `600, 600;window=12` on the limit
   * header, with `RateLimit-Policy: 600;w=12` beside the RateLimit-* names. Default 'plain'.
   */
  limitForm?: 'plain' | 'quota-policy';
  /** Whether a 429 also carries Retry-After (Rootly never documents one; proxies may add it). */
  retryAfter: boolean;
}

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  used: number;
  remaining: number;
  /** Epoch ms when the oldest counted request leaves the window. */
  resetAtMs: number;
}

export class SlidingWindowLimiter {
  // Admission times in order; `head` skips expired ones without shifting the array each time.
  private times: number[] = [];
  private head = 0;

  constructor(private readonly options: RateLimitOptions) {}

  /** Counts the request if there is room; rejected requests do not extend the window. */
  admit(now: number): RateLimitVerdict {
    const { limit, windowMs } = this.options;
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    const allowed = this.times.length - this.head < limit;
    if (allowed) this.times.push(now);
    const used = this.times.length - this.head;
    const oldest = used > 0 ? (this.times[this.head] as number) : now;
    return { allowed, limit, used, remaining: Math.max(0, limit - used), resetAtMs: oldest + windowMs };
  }
}

export function rateLimitHeaders(options: RateLimitOptions, verdict: RateLimitVerdict, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const reset = String(Math.ceil(verdict.resetAtMs / 1000));
  const windowSeconds = Math.max(1, Math.round(options.windowMs / 1000));
  const quotaPolicy = options.limitForm === 'quota-policy';
  const limit = quotaPolicy ? `${verdict.limit}, ${verdict.limit};window=${windowSeconds}` : String(verdict.limit);
  if (options.headers === 'x-ratelimit' || options.headers === 'both') {
    headers['X-RateLimit-Limit'] = limit;
    headers['X-RateLimit-Remaining'] = String(verdict.remaining);
    headers['X-RateLimit-Used'] = String(verdict.used);
    headers['X-RateLimit-Reset'] = reset;
  }
  if (options.headers === 'ratelimit' || options.headers === 'both') {
    headers['RateLimit-Limit'] = limit;
    if (quotaPolicy) headers['RateLimit-Policy'] = `${verdict.limit};w=${windowSeconds}`;
    headers['RateLimit-Remaining'] = String(verdict.remaining);
    headers['RateLimit-Reset'] = reset;
  }
  if (!verdict.allowed && options.retryAfter) headers['Retry-After'] = String(Math.max(1, Math.ceil((verdict.resetAtMs - now) / 1000)));
  return headers;
}

/** The most requests inside any window of windowMs; times need not be sorted. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
