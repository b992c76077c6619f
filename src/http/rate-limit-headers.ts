import type { IncomingHttpHeaders } from 'node:http';

/** A limit together with the window it applies to, as a server states it. */
export interface RatePolicy {
  limit: number;
  windowMs: number;
}

/** What one response's rate-limit headers say, each part only when it is said in a sane form. */
export interface RateLimitReading {
  /** Limits with their windows (`1000;window=3600`, `1000;w=3600`, RateLimit-Policy). */
  policies: RatePolicy[];
  /** A limit said as a bare number: its window is left unsaid. */
  bareLimit?: number;
  /** Requests the server still allows until `resetAt`; never negative. */
  remaining?: number;
  /** When the allowance is replenished, as epoch ms on the connector's clock. */
  resetAt?: number;
}

const LIMIT_HEADERS = ['x-ratelimit-limit', 'ratelimit-limit', 'ratelimit-policy'];
const REMAINING_HEADERS = ['x-ratelimit-remaining', 'ratelimit-remaining'];
const RESET_HEADERS = ['x-ratelimit-reset', 'ratelimit-reset'];
/** Windows outside these bounds are not believed: no server counts per millisecond or per month. */
const MIN_WINDOW_MS = 1000;
const MAX_WINDOW_MS = 86_400_000;
const MAX_LIMIT = 1e9;

/** Reads the limits, the remaining allowance and its reset from any of the dialects servers use. */
export function readRateLimitHeaders(headers: IncomingHttpHeaders, nowMs: number): RateLimitReading {
  const reading: RateLimitReading = { policies: [] };
  for (const name of LIMIT_HEADERS) {
    for (const item of listItems(headerText(headers, name))) {
      const limit = item.head ?? item.params.get('q');
      if (limit === undefined || !(limit >= 1 && limit <= MAX_LIMIT)) continue;
      const windowSeconds = item.params.get('w') ?? item.params.get('window');
      if (windowSeconds === undefined) reading.bareLimit ??= Math.floor(limit);
      else if (windowSeconds * 1000 >= MIN_WINDOW_MS && windowSeconds * 1000 <= MAX_WINDOW_MS) {
        reading.policies.push({ limit: Math.floor(limit), windowMs: Math.round(windowSeconds * 1000) });
      }
    }
  }
  // The newest draft's combined field: `RateLimit: "default";r=50;t=30` (remaining, seconds to reset).
  const combined = listItems(headerText(headers, 'ratelimit'))[0];
  const remaining = firstNumber(headers, REMAINING_HEADERS) ?? combined?.params.get('r');
  if (remaining !== undefined) reading.remaining = Math.max(0, Math.floor(remaining));
  const resetSeconds = combined?.params.get('t');
  const resetAt =
    readResetHeader(headers, nowMs) ?? (resetSeconds !== undefined && resetSeconds >= 0 ? nowMs + resetSeconds * 1000 : undefined);
  if (resetAt !== undefined) reading.resetAt = resetAt;
  return reading;
}

/**
 * The reset of `X-RateLimit-Reset` or `RateLimit-Reset`: epoch seconds (as Rootly sends it), delta
 * seconds (as the IETF draft does) or epoch milliseconds, told apart by size. An epoch is read
 * against the response's own `Date` when it has one, so that a connector clock ahead or behind
 * Rootly's does not stretch or skip the wait. Negative or unreadable values give undefined.
 */
export function readResetHeader(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const serverNow = serverDateOf(headers);
  const skew = serverNow === undefined ? 0 : nowMs - serverNow;
  for (const name of RESET_HEADERS) {
    const value = Number(headerText(headers, name));
    if (headerText(headers, name) === undefined || !Number.isFinite(value) || value < 0) continue;
    // Values below ~2001 as epoch seconds can only be a delta; above ~33658 only milliseconds.
    if (value < 1_000_000_000) return nowMs + value * 1000;
    return (value >= 1e12 ? value : value * 1000) + skew;
  }
  return undefined;
}

/** The Date header of an answer in epoch ms, when it has a readable one: the server's clock. */
export function serverDateOf(headers: IncomingHttpHeaders): number | undefined {
  return httpDate(headerText(headers, 'date'));
}

/**
 * An HTTP date such as `Wed, 02 Apr 2025 20:00:00 GMT` in epoch ms. It names its day and month:
 * anything without a letter is none, since Date.parse reads a bare number such as `0` as a year.
 */
export function httpDate(text: string | undefined): number | undefined {
  const date = text !== undefined && /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : date;
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  const text = Array.isArray(raw) ? raw[0] : raw;
  return text === undefined || text.trim() === '' ? undefined : text;
}

function firstNumber(headers: IncomingHttpHeaders, names: readonly string[]): number | undefined {
  for (const name of names) {
    const value = Number(headerText(headers, name));
    if (headerText(headers, name) !== undefined && Number.isFinite(value)) return value;
  }
  return undefined;
}

interface ListItem {
  /** The item's bare number, when it is one (a quoted policy name is not). */
  head?: number;
  /** Its numeric parameters by lower-case name. */
  params: Map<string, number>;
}

/** A structured-field list such as `1000, 1000;window=3600` or `"burst";q=100;w=60`, read loosely. */
function listItems(text: string | undefined): ListItem[] {
  if (text === undefined) return [];
  return text.split(',').map((item) => {
    const [head = '', ...params] = item.split(';').map((part) => part.trim());
    const numbers = new Map<string, number>();
    for (const param of params) {
      const [key = '', value = ''] = param.split('=').map((part) => part.trim());
      const number = Number(value.replace(/^"(.*)"$/, '$1'));
      if (key !== '' && value !== '' && Number.isFinite(number)) numbers.set(key.toLowerCase(), number);
    }
    return /^\d+(\.\d+)?$/.test(head) ? { head: Number(head), params: numbers } : { params: numbers };
  });
}
