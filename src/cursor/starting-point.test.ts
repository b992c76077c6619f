import { describe, expect, test } from '@jest/globals';
import { formatInstant, parseInstantOrThrow, type Instant } from './instant.js';
import { startingPoint, upperBound } from './starting-point.js';
import { stateJson, type SavedState } from './state.js';

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

describe('startingPoint: what a sync reads first', () => {
  const instant = (text: string): Instant => parseInstantOrThrow(text, 'test instant');
  const END = instant('2025-04-02T19:59:00Z');
  const BACKFILL = instant('2025-03-01T00:00:00Z');
  const SAVED: SavedState = {
    position: { instant: instant('2025-04-01T10:00:00.5Z'), ids: ['a1'] },
    ahead: [
      {
        start: instant('2025-04-01T12:00:00Z'),
        end: instant('2025-04-01T13:00:00Z'),
        position: { instant: instant('2025-04-01T13:00:00Z'), ids: [] },
      },
    ],
  };
  /** The state a sync would save before reading anything, in its JSON form. */
  const from = (...args: Parameters<typeof startingPoint>) => stateJson(startingPoint(...args));

  test('an incremental sync resumes from its saved state, ranges ahead and ids included, whatever the backfill time says', () => {
    expect(from('incremental', SAVED, BACKFILL, END)).toEqual(stateJson(SAVED));
    expect(from('incremental', SAVED, undefined, END)).toEqual(stateJson(SAVED));
  });

  test('a first incremental sync starts at the backfill time with nothing delivered', () => {
    expect(from('incremental', undefined, BACKFILL, END)).toEqual({ created_at: '2025-03-01T00:00:00Z', ids_at_created_at: [] });
  });

  test('a first incremental sync without a backfill time starts at its upper bound: it brings nothing from the past', () => {
    expect(from('incremental', undefined, undefined, END)).toEqual({ created_at: '2025-04-02T19:59:00Z', ids_at_created_at: [] });
  });

  test('a full refresh ignores any saved state: from the backfill time, or else from before any Rootly account existed', () => {
    expect(from('full_refresh', SAVED, BACKFILL, END)).toEqual({ created_at: '2025-03-01T00:00:00Z', ids_at_created_at: [] });
    expect(from('full_refresh', SAVED, undefined, END)).toEqual({ created_at: '2015-01-01T00:00:00Z', ids_at_created_at: [] });
    expect(from('full_refresh', undefined, undefined, END)).toEqual({ created_at: '2015-01-01T00:00:00Z', ids_at_created_at: [] });
  });
});
