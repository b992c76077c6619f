import { describe, expect, test } from '@jest/globals';
import { formatInstant } from './instant.js';
import { upperBound } from './starting-point.js';

const LOCAL = Date.UTC(2025, 3, 2, 20, 0, 0, 640);
const SETTLE = 60_000;

describe('upperBound', () => {
  test("a local clock ahead of Rootly's is not trusted: the bound follows Rootly's clock", () => {
    for (const aheadMs of [90_000, 600_000]) {
      const bound = upperBound(LOCAL, LOCAL - aheadMs, SETTLE);
      expect(formatInstant(bound.end)).toBe(
        new Date(Math.floor((LOCAL - aheadMs - SETTLE) / 1000) * 1000).toISOString().replace('.000', ''),
      );
      expect(bound.skewMs).toBe(aheadMs);
    }
  });

  test("a local clock behind Rootly's bounds the sync by itself (it reads less, never past Rootly's now)", () => {
    const bound = upperBound(LOCAL, LOCAL + 90_000, SETTLE);
    expect(formatInstant(bound.end)).toBe('2025-04-02T19:59:00Z');
    expect(bound.skewMs).toBe(-90_000);
  });

  test("without Rootly's clock, the local clock minus the settle delay, on a whole second", () => {
    expect(upperBound(LOCAL, undefined, SETTLE)).toEqual({ end: { epochSeconds: (LOCAL - 640 - SETTLE) / 1000, fraction: '' } });
  });
});
