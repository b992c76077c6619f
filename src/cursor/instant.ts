/**
 * Exact instants for cursor comparisons. Rootly's `created_at` precision and offset style are not
 * pinned down, so a timestamp is parsed into whole epoch seconds plus its fractional digits as
 * written: no rounding, any precision, `Z` or `±hh:mm`.
 */
export interface Instant {
  /** Whole seconds since the Unix epoch, in UTC. */
  readonly epochSeconds: number;
  /** Fractional-second digits with trailing zeros removed ("" for a whole second). */
  readonly fraction: string;
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** Parses an ISO-8601 date-time with a zone; returns undefined when it is not one. */
export function parseInstant(text: string): Instant | undefined {
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const y = Number(match[1]);
  const mo = Number(match[2]);
  const d = Number(match[3]);
  const h = Number(match[4]);
  const mi = Number(match[5]);
  const s = Number(match[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 60) return undefined;
  const offsetSeconds = match[8] ? 0 : (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 3600 + Number(match[11]) * 60);
  return {
    epochSeconds: Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offsetSeconds,
    fraction: (match[7] ?? '').replace(/0+$/, ''),
  };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function parseInstantOrThrow(text: string, what: string): Instant {
  const instant = parseInstant(text);
  if (!instant) throw new TypeError(`${what} is not an ISO-8601 date-time with a time zone: ${JSON.stringify(text)}`);
  return instant;
}

/** Negative, zero or positive as a is before, equal to or after b. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.epochSeconds !== b.epochSeconds) return a.epochSeconds < b.epochSeconds ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

export function instantFromMillis(epochMillis: number): Instant {
  const millis = ((epochMillis % 1000) + 1000) % 1000;
  return {
    epochSeconds: (epochMillis - millis) / 1000,
    fraction: String(millis).padStart(3, '0').replace(/0+$/, ''),
  };
}

/** Milliseconds since the epoch, truncated (for arithmetic on window bounds, never for comparison). */
export function instantToMillis(instant: Instant): number {
  return instant.epochSeconds * 1000 + Number(instant.fraction.slice(0, 3).padEnd(3, '0'));
}

/** Canonical UTC text with the full precision kept, e.g. 2025-04-02T20:38:10.476Z. */
export function formatInstant(instant: Instant): string {
  const whole = new Date(instant.epochSeconds * 1000).toISOString().slice(0, 19);
  return `${whole}${instant.fraction ? `.${instant.fraction.padEnd(3, '0')}` : ''}Z`;
}
