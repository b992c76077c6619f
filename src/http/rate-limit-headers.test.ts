import { describe, expect, test } from '@jest/globals';
import { readRateLimitHeaders, readResetHeader, serverDateOf } from './rate-limit-headers.js';

const T0 = Date.UTC(2025, 3, 2, 20, 0, 0);

describe('readRateLimitHeaders: the limit and its window', () => {
  test.each([
    ['x-ratelimit-limit', '1000, 1000;window=3600'],
    ['x-ratelimit-limit', '1000;w=3600'],
    ['ratelimit-limit', '1000, 1000;w=3600'],
    ['ratelimit-policy', '1000;w=3600'],
    ['ratelimit-policy', '"hourly";q=1000;w=3600'],
  ])('%s: %s is 1000 per hour', (name, value) => {
    expect(readRateLimitHeaders({ [name]: value }, T0).policies).toEqual([{ limit: 1000, windowMs: 3_600_000 }]);
  });

  test('every policy of a list is kept', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-limit': '10, 10;w=1, 1000;w=3600' }, T0).policies).toEqual([
      { limit: 10, windowMs: 1000 },
      { limit: 1000, windowMs: 3_600_000 },
    ]);
  });

  test('a bare number leaves the window unsaid', () => {
    const reading = readRateLimitHeaders({ 'x-ratelimit-limit': '3000' }, T0);
    expect(reading).toEqual({ policies: [], bareLimit: 3000 });
  });

  test.each(['0', '-5', 'many', '', '1000;window=0', '1000;w=0.001', '1000;w=99999999', 'NaN;w=60', '1e12;w=60'])(
    'a limit or window no server means (%s) is not believed',
    (value) => {
      const reading = readRateLimitHeaders({ 'x-ratelimit-limit': value }, T0);
      expect(reading).toEqual({ policies: [] });
    },
  );
});

describe('readRateLimitHeaders: the remaining allowance', () => {
  test('remaining with its reset, in either dialect', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': String(T0 / 1000 + 12) }, T0)).toMatchObject({
      remaining: 7,
      resetAt: T0 + 12_000,
    });
    expect(readRateLimitHeaders({ 'ratelimit-remaining': '7', 'ratelimit-reset': '12' }, T0)).toMatchObject({
      remaining: 7,
      resetAt: T0 + 12_000,
    });
  });

  test("the newest draft's combined field", () => {
    expect(readRateLimitHeaders({ ratelimit: '"default";r=50;t=30' }, T0)).toMatchObject({ remaining: 50, resetAt: T0 + 30_000 });
  });

  test('a negative remaining reads as none left; garbage as unsaid', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '-3' }, T0).remaining).toBe(0);
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining': 'lots' }, T0).remaining).toBeUndefined();
  });
});

describe('readResetHeader', () => {
  test('epoch seconds are an absolute time', () => {
    expect(readResetHeader({ 'x-ratelimit-reset': String(T0 / 1000 + 30) }, T0)).toBe(T0 + 30_000);
  });

  test('epoch milliseconds are an absolute time', () => {
    expect(readResetHeader({ 'x-ratelimit-reset': String(T0 + 30_000) }, T0)).toBe(T0 + 30_000);
  });

  test('at the edges between delta seconds, epoch seconds and epoch milliseconds, a reset is read as the time it names', () => {
    // 1,000,000,000 is epoch seconds (2001), 1e12 epoch milliseconds (2001): both long past, not decades ahead.
    expect(readResetHeader({ 'x-ratelimit-reset': '1000000000' }, T0)).toBe(1_000_000_000_000);
    expect(readResetHeader({ 'x-ratelimit-reset': '1000000000000' }, T0)).toBe(1_000_000_000_000);
  });

  test('small values are delta seconds from now', () => {
    expect(readResetHeader({ 'ratelimit-reset': '30' }, T0)).toBe(T0 + 30_000);
    expect(readResetHeader({ 'ratelimit-reset': '0' }, T0)).toBe(T0);
  });

  test("an epoch is read against the response's Date, so a clock ahead or behind Rootly's waits as long", () => {
    const serverNow = T0 - 600_000; // the connector's clock 10 minutes ahead
    const headers = { date: new Date(serverNow).toUTCString(), 'x-ratelimit-reset': String(serverNow / 1000 + 30) };
    expect(readResetHeader(headers, T0)).toBe(T0 + 30_000);
  });

  test('X-RateLimit-Reset is preferred over RateLimit-Reset', () => {
    expect(readResetHeader({ 'x-ratelimit-reset': '5', 'ratelimit-reset': '50' }, T0)).toBe(T0 + 5000);
  });

  test('an unusable X- value falls back to RateLimit-Reset', () => {
    expect(readResetHeader({ 'x-ratelimit-reset': 'soon', 'ratelimit-reset': '50' }, T0)).toBe(T0 + 50_000);
    expect(readResetHeader({ 'x-ratelimit-reset': '-3', 'ratelimit-reset': '50' }, T0)).toBe(T0 + 50_000);
  });

  test('no header, or only garbage, gives undefined', () => {
    expect(readResetHeader({}, T0)).toBeUndefined();
    expect(readResetHeader({ 'x-ratelimit-reset': 'tomorrow' }, T0)).toBeUndefined();
  });
});

describe('serverDateOf', () => {
  test("an HTTP date is the server's clock", () => {
    expect(serverDateOf({ date: new Date(T0).toUTCString() })).toBe(T0);
  });

  test('a Date without day and month names is no clock, not a year such as 2000', () => {
    for (const date of ['0', '1', '2025', '-1', ' ']) expect(serverDateOf({ date })).toBeUndefined();
    expect(serverDateOf({})).toBeUndefined();
  });

  test('a bare-number Date does not shift an epoch reset', () => {
    expect(readResetHeader({ date: '0', 'x-ratelimit-reset': String(T0 / 1000 + 30) }, T0)).toBe(T0 + 30_000);
  });
});

describe('readRateLimitHeaders: loosely written fields read as meant', () => {
  test.each([
    ['spaces around the parameters', '1000 ; window = 3600', { limit: 1000, windowMs: 3_600_000 }],
    ['a quoted window', '"burst";q=100;w="60"', { limit: 100, windowMs: 60_000 }],
    ['a fractional limit, rounded down', '10.55;w=1', { limit: 10, windowMs: 1000 }],
    ['the largest limit believed', '1000000000;w=60', { limit: 1e9, windowMs: 60_000 }],
    ['the smallest limit and window believed', '1;w=1', { limit: 1, windowMs: 1000 }],
    ['the longest window believed, a day', '5000;w=86400', { limit: 5000, windowMs: 86_400_000 }],
  ])('%s: %s', (_label, value, policy) => {
    expect(readRateLimitHeaders({ 'ratelimit-policy': value }, T0).policies).toEqual([policy]);
  });

  test.each([
    ['a window without a value leaves it unsaid', '1000;w=', 1000],
    ['a parameter without a name is skipped', '1000;=60', 1000],
    ['a window with quotes inside it is no number', '1000;w=6"0"', 1000],
    ['a window with a quote left after it is no number', '1000;w="6"0', 1000],
    ['a limit just past the largest believed is not a limit', '1000000001', undefined],
  ])('%s (%s)', (_label, value, bareLimit) => {
    const reading = readRateLimitHeaders({ 'x-ratelimit-limit': value }, T0);
    expect(reading).toEqual({ policies: [], ...(bareLimit === undefined ? {} : { bareLimit }) });
  });

  test('a window just past a day is not believed', () => {
    expect(readRateLimitHeaders({ 'x-ratelimit-limit': '5000;w=86401' }, T0)).toEqual({ policies: [] });
  });

  test('blank remaining and reset headers are unsaid, not zero: they pause nothing', () => {
    const reading = readRateLimitHeaders({ 'x-ratelimit-remaining': '  ', 'x-ratelimit-reset': ' ', 'ratelimit-reset': '' }, T0);
    expect(reading).toEqual({ policies: [] });
  });

  test("the combined field's reset: zero is now, a negative one is unsaid", () => {
    expect(readRateLimitHeaders({ ratelimit: '"default";r=0;t=0' }, T0)).toEqual({ policies: [], remaining: 0, resetAt: T0 });
    expect(readRateLimitHeaders({ ratelimit: '"default";r=0;t=-5' }, T0)).toEqual({ policies: [], remaining: 0 });
  });
});
