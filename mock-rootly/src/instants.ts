/**
 * Exact instants for ISO-8601 timestamps. Date.parse drops everything past the millisecond, and
 * the connector may send (or a dataset may hold) microseconds; comparing filters by truncated
 * values would hide off-by-one-microsecond bugs, so the sub-millisecond digits are kept.
 */

// Math's functions are held locally: in Jest's VM context every global lookup goes through an
// interceptor, which made these hot loops ~30x slower than in plain Node.
const { floor, abs } = Math;

export interface Instant {
  /** Epoch milliseconds, floored. */
  ms: number;
  /** Fraction digits past the millisecond, trailing zeros stripped ("" when none). */
  sub: string;
}

// Date, optional time, optional fraction of any length, optional zone (Z, ±hh:mm or ±hhmm).
// A space in place of the zone's '+' (an unencoded '+' decoded as a space) deliberately fails.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/** Parses an ISO-8601 timestamp; undefined when it is not one (no lenient guessing). */
export function parseInstant(text: string): Instant | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  // Unary plus rather than Number(): see the note on Math above.
  const year = +(m[1] as string);
  const month = +(m[2] as string);
  const day = +(m[3] as string);
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = parseOffset(m[8]);
  if (offsetMinutes === undefined) return undefined;
  const fraction = m[7] ?? '';
  const fractionMs = fraction === '' ? 0 : +fraction.slice(0, 3).padEnd(3, '0');
  const wallMs = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000;
  return {
    ms: wallMs - offsetMinutes * 60_000 + fractionMs,
    sub: fraction.length <= 3 ? '' : fraction.slice(3).replace(/0+$/, ''),
  };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date; Howard Hinnant's days_from_civil. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floor(y / 400);
  const yoe = y - era * 400;
  const doy = floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function parseOffset(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = +digits.slice(0, 2);
  const minutes = +digits.slice(2);
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Negative, zero or positive like a sort comparator. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  // With trailing zeros stripped, digit strings order like the fractions they spell.
  if (a.sub === b.sub) return 0;
  return a.sub < b.sub ? -1 : 1;
}

const stamp = Buffer.allocUnsafe(29);

/**
 * ISO-8601 with milliseconds in a fixed offset, e.g. 2025-04-02T13:38:10.476-07:00.
 * Written digit by digit into a buffer: the dataset formats a million of these, and
 * Date/toISOString/slicing garbage dominated generation time.
 */
export function formatWithOffset(ms: number, offsetMinutes: number): string {
  const local = ms + offsetMinutes * 60_000;
  const days = floor(local / 86_400_000);
  let rest = local - days * 86_400_000;
  const [year, month, day] = civilFromDays(days);
  const hour = floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = floor(rest / 1000);
  const milli = rest - second * 1000;
  digits(0, year, 4);
  stamp[4] = 0x2d;
  digits(5, month, 2);
  stamp[7] = 0x2d;
  digits(8, day, 2);
  stamp[10] = 0x54;
  digits(11, hour, 2);
  stamp[13] = 0x3a;
  digits(14, minute, 2);
  stamp[16] = 0x3a;
  digits(17, second, 2);
  stamp[19] = 0x2e;
  digits(20, milli, 3);
  if (offsetMinutes === 0) {
    stamp[23] = 0x5a;
    return stamp.toString('latin1', 0, 24);
  }
  const minutes = abs(offsetMinutes);
  stamp[23] = offsetMinutes < 0 ? 0x2d : 0x2b;
  digits(24, floor(minutes / 60), 2);
  stamp[26] = 0x3a;
  digits(27, minutes % 60, 2);
  return stamp.toString('latin1', 0, 29);
}

function digits(at: number, value: number, width: number): void {
  for (let i = at + width - 1; i >= at; i--) {
    stamp[i] = 0x30 + (value % 10);
    value = floor(value / 10);
  }
}

/** Days since 1970-01-01 to [year, month, day]; Howard Hinnant's civil_from_days. */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = floor((doe - floor(doe / 1460) + floor(doe / 36_524) - floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
  const mp = floor((5 * doy + 2) / 153);
  const day = doy - floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}
