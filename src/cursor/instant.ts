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

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** Parses an ISO-8601 date-time with a zone; returns undefined when it is not one. */
export function parseInstant(text: string): Instant | undefined {
  return parseRootlyShape(text) ?? parseAnyIsoShape(text);
}

/**
 * The shape Rootly writes, 2025-04-02T20:38:10.476Z or with ±hh:mm, read character by character:
 * it is parsed once per record, and a regular expression's match would allocate a dozen strings.
 * Anything else (or an impossible date) is undefined here, left to parseAnyIsoShape.
 */
export function parseRootlyShape(text: string): Instant | undefined {
  if (text.length < 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  let zoneAt = 19;
  if (text[19] === '.') {
    zoneAt = 20;
    while (zoneAt < text.length && isDigit(text.charCodeAt(zoneAt))) zoneAt += 1;
    if (zoneAt === 20) return undefined;
  }
  const sign = text[zoneAt];
  const utc = sign === 'Z' && text.length === zoneAt + 1;
  const offset = (sign === '+' || sign === '-') && text.length === zoneAt + 6 && text[zoneAt + 3] === ':';
  if (!utc && !offset) return undefined;
  const offsetSeconds = utc ? 0 : (sign === '-' ? -1 : 1) * (digitsAt(text, zoneAt + 1, 2) * 3600 + digitsAt(text, zoneAt + 4, 2) * 60);
  const fields = [
    digitsAt(text, 0, 4),
    digitsAt(text, 5, 2),
    digitsAt(text, 8, 2),
    digitsAt(text, 11, 2),
    digitsAt(text, 14, 2),
    digitsAt(text, 17, 2),
  ] as const;
  if (Number.isNaN(offsetSeconds) || fields.some(Number.isNaN)) return undefined;
  return fromFields(fields, zoneAt > 20 ? text.slice(20, zoneAt) : '', offsetSeconds);
}

function parseAnyIsoShape(text: string): Instant | undefined {
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const fields: DateTimeFields = [
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6]),
  ];
  const offsetSeconds = match[8] ? 0 : (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 3600 + Number(match[11]) * 60);
  return fromFields(fields, match[7] ?? '', offsetSeconds);
}

/** Year, month, day, hour, minute, second as written. */
type DateTimeFields = readonly [number, number, number, number, number, number];

function fromFields([y, mo, d, h, mi, s]: DateTimeFields, fractionDigits: string, offsetSeconds: number): Instant | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 60) return undefined;
  let significant = fractionDigits.length;
  while (significant > 0 && fractionDigits[significant - 1] === '0') significant -= 1;
  return {
    epochSeconds: Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offsetSeconds,
    fraction: fractionDigits.slice(0, significant),
  };
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** The number written by `count` digits at `from`; NaN when one of them is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return Number.NaN;
    value = value * 10 + (code - 48);
  }
  return value;
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
  // Without trailing zeros, fractions order as text: a shorter one is a prefix or differs earlier.
  if (a.fraction === b.fraction) return 0;
  return a.fraction < b.fraction ? -1 : 1;
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
