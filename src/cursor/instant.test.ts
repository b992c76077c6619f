import { describe, expect, test } from '@jest/globals';
import {
  compareInstants,
  formatInstant,
  instantFromMillis,
  instantToMillis,
  parseInstant,
  parseInstantOrThrow,
  parseRootlyShape,
  type Instant,
} from './instant.js';

const parse = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(`expected ${text} to parse`);
  return instant;
};
const cmp = (a: string, b: string): number => Math.sign(compareInstants(parse(a), parse(b)));

describe('parseInstant', () => {
  test('reads Z, +hh:mm and -hh:mm into the same UTC instant', () => {
    const utc = parse('2025-04-02T20:38:10.476Z');
    expect(utc).toEqual({ epochSeconds: Date.UTC(2025, 3, 2, 20, 38, 10) / 1000, fraction: '476' });
    expect(parse('2025-04-02T13:38:10.476-07:00')).toEqual(utc);
    expect(parse('2025-04-02T22:08:10.476+01:30')).toEqual(utc);
    expect(cmp('2025-04-02T13:38:10.476-07:00', '2025-04-02T20:38:10.476Z')).toBe(0);
  });

  test('accepts a whole second without a fraction', () => {
    expect(parse('2025-04-02T20:38:10Z')).toEqual({ epochSeconds: Date.UTC(2025, 3, 2, 20, 38, 10) / 1000, fraction: '' });
    expect(cmp('2025-04-02T20:38:10Z', '2025-04-02T20:38:10.000Z')).toBe(0);
  });

  test.each(['1', '12', '123', '1234', '12345', '123456', '1234567', '12345678', '123456789', '1234567890123'])(
    'keeps all %s fractional digits',
    (digits) => {
      expect(parse(`2025-04-02T20:38:10.${digits}Z`).fraction).toBe(digits);
    },
  );

  test('never rounds: sub-millisecond digits still order instants', () => {
    expect(cmp('2025-04-02T20:38:10.4761Z', '2025-04-02T20:38:10.476Z')).toBe(1);
    expect(cmp('2025-04-02T20:38:10.476Z', '2025-04-02T20:38:10.4761Z')).toBe(-1);
    expect(cmp('2025-04-02T20:38:10.4769999Z', '2025-04-02T20:38:10.477Z')).toBe(-1);
    expect(cmp('2025-04-02T20:38:10.999999999Z', '2025-04-02T20:38:11Z')).toBe(-1);
    // Trailing zeros do not change the instant.
    expect(cmp('2025-04-02T20:38:10.4760000Z', '2025-04-02T20:38:10.476Z')).toBe(0);
  });

  test('orders any two fractions of one second as their nanoseconds do, however many digits each has', () => {
    const fractions = [
      '',
      '0',
      '000',
      '05',
      '1',
      '10',
      '100000001',
      '12',
      '123',
      '1234',
      '199',
      '2',
      '25',
      '250',
      '5',
      '50',
      '9',
      '99',
      '999999999',
    ];
    const nanos = (digits: string): number => Number(digits.padEnd(9, '0').slice(0, 9));
    for (const a of fractions) {
      for (const b of fractions) {
        const suffix = (digits: string): string => (digits === '' ? '' : `.${digits}`);
        expect([a, b, cmp(`2025-04-02T20:38:10${suffix(a)}Z`, `2025-04-02T20:38:10${suffix(b)}Z`)]).toEqual([
          a,
          b,
          Math.sign(nanos(a) - nanos(b)),
        ]);
      }
    }
  });

  test('orders across offsets by the real instant, not the text', () => {
    // 20:00 at -07:00 is 03:00Z the next day, later than 23:00Z.
    expect(cmp('2025-04-02T20:00:00-07:00', '2025-04-02T23:00:00Z')).toBe(1);
    expect(cmp('2025-04-03T01:00:00+05:00', '2025-04-02T21:00:00Z')).toBe(-1);
  });

  test.each([
    ['no zone', '2025-04-02T20:38:10.476'],
    ['31 February', '2025-02-31T00:00:00Z'],
    ['29 February in a common year', '2025-02-29T00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 24', '2025-04-02T24:00:00Z'],
    ['minute 60', '2025-04-02T20:60:00Z'],
    ['a date only', '2025-04-02'],
    ['garbage', 'yesterday'],
    ['empty', ''],
    ['epoch number as text', '1743626290'],
    ['trailing text', '2025-04-02T20:38:10Z junk'],
    ['empty fraction', '2025-04-02T20:38:10.Z'],
    ['a letter among the digits', '2025-04-02T2x:38:10Z'],
    ['a sign among the digits', '2025-0+-02T20:38:10Z'],
    ['a letter in the offset', '2025-04-02T20:38:10+0x:00'],
    ['a short offset', '2025-04-02T20:38:10+07'],
    ['text after the offset', '2025-04-02T20:38:10+07:00Z'],
    ['a fraction with a letter', '2025-04-02T20:38:10.47aZ'],
    ['text before the date', 'x2025-04-02T20:38:10Z'],
    ['a slash after the year', '2025/04-02T20:38:10Z'],
    ['a slash after the month', '2025-04/02T20:38:10Z'],
    ['a letter for the T', '2025-04-02X20:38:10Z'],
    ['a dot after the hour', '2025-04-02T20.38:10Z'],
    ['a dot after the minute', '2025-04-02T20:38.10Z'],
    ['a letter for the zone', '2025-04-02T20:38:10.476X'],
    ['a sign that is no sign', '2025-04-02T20:38:10*07:00'],
    ['an offset with five digits', '2025-04-02T20:38:10-07000'],
  ])('rejects %s', (_label, text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  test.each([
    ['a lowercase t and z', '2025-04-02t20:38:10.476z'],
    ['a space for the T', '2025-04-02 20:38:10.476Z'],
    ['a decimal comma', '2025-04-02T20:38:10,476Z'],
    ['an offset without a colon', '2025-04-02T13:38:10.476-0700'],
    ['an offset of +00:00', '2025-04-02T20:38:10.476+00:00'],
  ])('accepts %s as the same instant', (_label, text) => {
    expect(parse(text)).toEqual(parse('2025-04-02T20:38:10.476Z'));
  });

  test('every spelling of an instant parses to the same one, which Date.parse agrees with to the millisecond', () => {
    // Rootly's own shape and the other spellings are read by different code; they must agree.
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    for (let i = 0; i < 2000; i += 1) {
      const ms = Date.UTC(1990, 0, 1) + random(2_000_000_000) * 1000 + random(1000);
      const digits = String(random(1_000_000)).padStart(6, '0').slice(0, random(7));
      const offsetMinutes = (random(2) === 0 ? -1 : 1) * random(14 * 60);
      const iso = new Date(ms).toISOString().slice(0, 19);
      const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
      const zone = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
      const fraction = digits === '' ? '' : `.${digits}`;
      const canonical = parse(`${iso}${fraction}Z`);
      expect(parse(`${local}${fraction}${zone}`)).toEqual(canonical);
      expect(parse(`${iso.replace('T', ' ')}${fraction.replace('.', ',')}z`)).toEqual(canonical);
      expect(parse(`${local}${fraction}${zone.replace(':', '')}`)).toEqual(canonical);
      expect(instantToMillis(canonical)).toBe(Date.parse(`${iso}.${(digits + '000').slice(0, 3)}Z`));
    }
  });

  // Each impossible date is written in Rootly's shape and in another spelling, which other code reads.
  test.each([
    ['31 April', '2025-04-31T00:00:00'],
    ['31 June', '2025-06-31T00:00:00'],
    ['31 September', '2025-09-31T00:00:00'],
    ['31 November', '2025-11-31T00:00:00'],
    ['day 00', '2025-05-00T00:00:00'],
    ['day 32', '2025-05-32T00:00:00'],
    ['month 00', '2025-00-10T00:00:00'],
    ['second 61', '2025-01-01T00:00:61'],
    ['29 February of a century that is not a leap year', '1900-02-29T00:00:00'],
  ])('rejects the impossible %s, whatever the spelling', (_label, text) => {
    expect(parseInstant(`${text}Z`)).toBeUndefined();
    expect(parseInstant(`${text}.5+02:00`)).toBeUndefined();
    expect(parseInstant(`${text.replace('T', ' ')}Z`)).toBeUndefined();
  });

  test.each([
    ['31 of each 31-day month', ['01', '03', '05', '07', '08', '10', '12'].map((month) => `2025-${month}-31T23:59:59Z`)],
    ['29 February of a leap year, also of a century divisible by 400', ['2024-02-29T00:00:00Z', '2000-02-29T00:00:00Z']],
    ['the last moment of a year', ['2025-12-31T23:59:59.999Z']],
  ])('accepts %s', (_label, texts) => {
    for (const text of texts) expect(parseInstant(text)).toEqual(parseInstant(text.replace('T', ' ')));
    for (const text of texts) expect(formatInstant(parse(text))).toBe(text);
  });

  test('a leap second is accepted as the first instant of the next minute, as Date does', () => {
    expect(parse('2016-12-31T23:59:60Z')).toEqual(parse('2017-01-01T00:00:00Z'));
  });

  test('accepts 29 February in a leap year', () => {
    expect(parseInstant('2024-02-29T12:00:00Z')).toBeDefined();
  });

  test('parseInstantOrThrow names what it was parsing', () => {
    expect(() => parseInstantOrThrow('2025-04-02T20:38:10', 'range start')).toThrow(/range start/);
  });
});

describe('formatInstant', () => {
  test.each([
    ['2025-04-02T20:38:10.476Z', '2025-04-02T20:38:10.476Z'],
    ['2025-04-02T13:38:10.476-07:00', '2025-04-02T20:38:10.476Z'],
    ['2025-04-02T20:38:10.4761Z', '2025-04-02T20:38:10.4761Z'],
    ['2025-04-02T20:38:10.123456789Z', '2025-04-02T20:38:10.123456789Z'],
    ['2025-04-02T20:38:10.5Z', '2025-04-02T20:38:10.500Z'],
    ['2025-04-02T20:38:10Z', '2025-04-02T20:38:10Z'],
  ])('%s is written as %s', (input, expected) => {
    expect(formatInstant(parse(input))).toBe(expected);
  });

  test('round trip keeps precision and the instant', () => {
    for (const text of ['2025-04-02T20:38:10.4761Z', '2025-04-02T13:38:10.000000001-07:00', '1999-12-31T23:59:59.9+00:00']) {
      const instant = parse(text);
      expect(parse(formatInstant(instant))).toEqual(instant);
    }
  });
});

describe('millisecond helpers', () => {
  test('instantFromMillis and instantToMillis agree, before and after 1970', () => {
    for (const ms of [0, 1, 999, 1000, 1_743_626_290_476, -1, -1500]) {
      expect(instantToMillis(instantFromMillis(ms))).toBe(ms);
    }
    expect(formatInstant(instantFromMillis(1_743_626_290_476))).toBe('2025-04-02T20:38:10.476Z');
  });

  test('instantToMillis truncates sub-millisecond digits', () => {
    expect(instantToMillis(parse('2025-04-02T20:38:10.4769Z'))).toBe(Date.UTC(2025, 3, 2, 20, 38, 10, 476));
  });
});

// Every created_at Rootly writes is read without the general regular expression, whose match
// allocates a dozen strings per record: a spelling of Rootly's shape left to it costs CPU on
// every record of a sync (the benchmark's CPU per record).
describe('parseRootlyShape', () => {
  test('reads every instant in the shape Rootly writes: any fraction, Z or any ±hh:mm offset', () => {
    let seed = 11;
    const random = (below: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    const two = (n: number): string => String(n).padStart(2, '0');
    for (let i = 0; i < 1000; i += 1) {
      const seconds = Date.UTC(1990, 0, 1) / 1000 + random(2_000_000_000);
      const digits = String(random(1_000_000_000)).padStart(9, '0').slice(0, random(10));
      const offsetMinutes = (random(2) === 0 ? -1 : 1) * random(14 * 60 + 1);
      const zone =
        i % 3 === 0
          ? 'Z'
          : `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offsetMinutes) / 60))}:${two(Math.abs(offsetMinutes) % 60)}`;
      const shift = zone === 'Z' ? 0 : offsetMinutes * 60;
      const local = new Date((seconds + shift) * 1000).toISOString().slice(0, 19);
      const text = `${local}${digits === '' ? '' : `.${digits}`}${zone}`;
      expect([text, parseRootlyShape(text)]).toEqual([text, { epochSeconds: seconds, fraction: digits.replace(/0+$/, '') }]);
    }
  });

  test.each([
    ['the first and the last moment of a year', ['2025-01-01T00:00:00Z', '2025-12-31T23:59:59.999999Z']],
    ['the last day of each month', ['2025-01-31T12:00:00Z', '2024-02-29T12:00:00Z', '2025-02-28T12:00:00Z', '2025-04-30T12:00:00Z']],
    ['the widest offsets', ['2025-04-02T23:59:59+14:00', '2025-04-02T00:00:00-12:00', '2025-04-02T00:00:00-00:00']],
    ['a fraction longer than nanoseconds', ['2025-04-02T20:38:10.123456789012Z']],
  ])('reads %s', (_label, texts) => {
    for (const text of texts) {
      expect([text, parseRootlyShape(text)]).toEqual([text, parseInstant(text.replace('T', ' '))]);
      expect([text, parseRootlyShape(text)]).not.toEqual([text, undefined]);
    }
  });
});
