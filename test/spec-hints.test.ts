/**
 * The form hints of spec.json tell the truth: the backfill pattern admits every date-time the
 * connector accepts and refuses what it refuses; each pattern has words for the form; the one
 * setting most users need is shown without opening the optional fields; an API key the pattern
 * refuses is a config_error, the same for check and read, in words rather than a regex.
 */
import { readFileSync } from 'node:fs';
import { parseConfig } from '../src/config.js';
import { parseInstant } from '../src/cursor/instant.js';
import { ConnectorError } from '../src/errors.js';
import { compileSchema } from '../src/validation.js';

interface Property {
  pattern?: string;
  pattern_descriptor?: string;
  order?: number;
  always_show?: boolean;
  title?: string;
}
const spec = JSON.parse(readFileSync(new URL('../spec.json', import.meta.url), 'utf8')) as {
  connectionSpecification: { required: string[]; properties: Record<string, Property> };
};
const properties = spec.connectionSpecification.properties;
const FAR_FUTURE = new Date('9999-12-31T23:59:59Z');

const backfillPattern = new RegExp(properties['backfill_start_time']?.pattern ?? '(?!)', 'u');
const dateTimeFormat = compileSchema<string>({ type: 'string', format: 'date-time' });

/** What the connector itself accepts, the pattern aside: the date-time format check and the parser. */
const connectorAccepts = (text: string): boolean => dateTimeFormat(text) && parseInstant(text) !== undefined;

/** A fault no regular expression of reasonable size checks: a day past the month's end, or a misplaced leap second. */
function calendarOnlyFault(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!match) return false;
  const [year, month, day, , , second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const monthDays = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day > monthDays || second === 60;
}

const DATES = [
  '2025-01-01',
  '2024-02-29',
  '2025-02-29',
  '2025-02-31',
  '2025-06-31',
  '2025-12-31',
  '2025-13-01',
  '2025-00-10',
  '2025-01-32',
  '25-01-01',
  '2025-1-01',
  '20250101',
];
const SEPARATORS = ['T', 't', ' ', '\t', '_', ''];
const TIMES = ['00:00:00', '23:59:59', '23:59:60', '12:30:60', '24:00:00', '23:60:00', '1:02:03', '12:30', '123000'];
const FRACTIONS = ['', '.5', '.476', '.123456789', ',5', '.'];
const ZONES = ['Z', 'z', '', '+00:00', '-07:00', '+0530', '+05', '+23:59', '+24:00', '+05:60', ' Z', 'UTC', '+5:30'];
const CANDIDATES = DATES.flatMap((d) =>
  SEPARATORS.flatMap((s) => TIMES.flatMap((t) => FRACTIONS.flatMap((f) => ZONES.map((z) => `${d}${s}${t}${f}${z}`)))),
);

describe('backfill_start_time pattern', () => {
  test(`admits every one of ${CANDIDATES.length} candidate date-times the connector accepts`, () => {
    const accepted = CANDIDATES.filter(connectorAccepts);
    expect(accepted.length).toBeGreaterThan(100);
    expect(accepted.filter((text) => !backfillPattern.test(text))).toEqual([]);
  });

  test('refuses what the connector refuses, but for calendar faults the connector reports itself', () => {
    const admittedButRefused = CANDIDATES.filter((text) => backfillPattern.test(text) && !connectorAccepts(text));
    expect(admittedButRefused.filter((text) => !calendarOnlyFault(text))).toEqual([]);
  });

  test.each(['2025-01-01T00:00:00Z', '2025-04-02T13:38:10.476-07:00', '2025-01-01 00:00:00+0530', '2024-02-29t23:59:59.999999z'])(
    '%s is accepted by the config',
    (text) => {
      expect(backfillPattern.test(text)).toBe(true);
      expect(parseConfig({ api_key: 'rk-test-key-1', backfill_start_time: text }, FAR_FUTURE).config.backfillStart).toBeDefined();
    },
  );

  test.each(['2025-01-01', '2025-01-01T00:00:00', '2025-02-30T00:00:00Z', '2025-01-01T00:00:00,5Z', 'last tuesday'])(
    '%s is a config_error that names the field',
    (text) => {
      const error = (() => {
        try {
          parseConfig({ api_key: 'rk-test-key-1', backfill_start_time: text }, FAR_FUTURE);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).failureType).toBe('config_error');
      expect((error as ConnectorError).message).toContain("'backfill_start_time'");
    },
  );
});

describe('form hints', () => {
  test('every pattern has a pattern_descriptor', () => {
    const withPattern = Object.entries(properties).filter(([, p]) => p.pattern !== undefined);
    expect(withPattern.length).toBeGreaterThanOrEqual(3);
    expect(withPattern.filter(([, p]) => !p.pattern_descriptor).map(([name]) => name)).toEqual([]);
  });

  test('the backfill time is shown without opening the optional fields, right after the required ones; the advanced fields follow it', () => {
    const backfill = properties['backfill_start_time'];
    expect(backfill?.always_show).toBe(true);
    const required = spec.connectionSpecification.required.map((name) => properties[name]?.order ?? 0);
    const advanced = Object.values(properties)
      .filter((p) => p.title?.includes('(advanced)'))
      .map((p) => p.order ?? 0);
    expect(advanced.length).toBeGreaterThan(0);
    expect(Math.max(...required)).toBeLessThan(backfill?.order ?? -1);
    expect(Math.min(...advanced)).toBeGreaterThan(backfill?.order ?? Number.POSITIVE_INFINITY);
  });
});

describe('api_key pattern', () => {
  const keyPattern = new RegExp(properties['api_key']?.pattern ?? '(?!)', 'u');
  const descriptor = properties['api_key']?.pattern_descriptor ?? '';

  test('the descriptor says the rule in words', () => {
    expect(descriptor).toMatch(/8 or more printable characters/i);
    expect(descriptor).toMatch(/Latin-1/i);
    expect(descriptor).toMatch(/no spaces, control characters/i);
  });

  test.each(['rk-12345', 'abcdefgh', 'clé-secrète', 'k"ey/+=%\\x'])('accepts %p', (key) => {
    expect(keyPattern.test(key)).toBe(true);
    expect(parseConfig({ api_key: key }, FAR_FUTURE).config.apiKey).toBe(key);
  });

  const printable = 'may only hold printable characters (no spaces, control characters or characters outside Latin-1)';
  test.each([
    ['7 characters', 'rk-1234', 'must be at least 8 characters long'],
    ['a NUL', 'rk-12345\u0000x', printable],
    ['a newline', 'rk-12345\nx', printable],
    ['a DEL', 'rk-12345\u007fx', printable],
    ['a C1 control', 'rk-12345\u0085x', printable],
    ['a character beyond Latin-1', 'rk-12345\u0105x', printable],
    ['a leading space', ' rk-123456', printable],
    ['a trailing space', 'rk-123456 ', printable],
    ['an inner space', 'key with inner spaces', printable],
    ['only digits and JSON punctuation', '12345678', 'cannot be made only of digits and JSON punctuation'],
  ])('refuses a key with %s as a config_error in words, without the key', (_label, key, words) => {
    expect(keyPattern.test(key)).toBe(false);
    let error: unknown;
    try {
      parseConfig({ api_key: key }, FAR_FUTURE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    expect((error as ConnectorError).message).toContain(`'api_key' ${words}`);
    expect((error as ConnectorError).message).not.toContain(key);
    expect((error as ConnectorError).message).not.toContain('\\x21');
  });
});
