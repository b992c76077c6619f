import { describe, expect, test } from '@jest/globals';
import { formatInstant, parseInstant, type Instant } from '../cursor/instant.js';
import type { WindowBounds } from '../cursor/window-cursor.js';
import { WindowPlanner } from './windows.js';

const at = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(`bad instant ${text}`);
  return instant;
};
const text = (w: WindowBounds | undefined): [string, string] | undefined => (w ? [formatInstant(w.start), formatInstant(w.end)] : undefined);
const HOUR = 3_600_000;

describe('WindowPlanner', () => {
  test('cuts the range into contiguous base-size windows, the last one ending exactly at the end', () => {
    const planner = new WindowPlanner(at('2025-04-02T00:00:00Z'), at('2025-04-02T02:30:00.25Z'), HOUR);
    expect(text(planner.next(false))).toEqual(['2025-04-02T00:00:00Z', '2025-04-02T01:00:00Z']);
    expect(text(planner.next(false))).toEqual(['2025-04-02T01:00:00Z', '2025-04-02T02:00:00Z']);
    expect(text(planner.next(false))).toEqual(['2025-04-02T02:00:00Z', '2025-04-02T02:30:00.250Z']);
    expect(planner.next(false)).toBeUndefined();
  });

  test('an empty or inverted range has no window', () => {
    expect(new WindowPlanner(at('2025-04-02T00:00:00Z'), at('2025-04-02T00:00:00Z'), HOUR).next(false)).toBeUndefined();
    expect(new WindowPlanner(at('2025-04-02T01:00:00Z'), at('2025-04-02T00:00:00Z'), HOUR).next(false)).toBeUndefined();
  });

  test('windows double after each empty one and fall back to the base size after a non-empty one', () => {
    const planner = new WindowPlanner(at('2025-04-02T00:00:00Z'), at('2025-04-10T00:00:00Z'), HOUR);
    expect(text(planner.next(false))).toEqual(['2025-04-02T00:00:00Z', '2025-04-02T01:00:00Z']);
    expect(planner.isGrown).toBe(false);
    expect(text(planner.next(true))).toEqual(['2025-04-02T01:00:00Z', '2025-04-02T03:00:00Z']);
    expect(planner.isGrown).toBe(true);
    expect(text(planner.next(true))).toEqual(['2025-04-02T03:00:00Z', '2025-04-02T07:00:00Z']);
    expect(text(planner.next(false))).toEqual(['2025-04-02T07:00:00Z', '2025-04-02T08:00:00Z']);
    expect(planner.isGrown).toBe(false);
  });

  test('growth is capped, so a long empty history still takes a bounded window', () => {
    const base = 1000;
    const planner = new WindowPlanner(at('2020-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z'), base);
    let window = planner.next(false);
    let largest = 0;
    for (let i = 0; i < 20 && window; i += 1) {
      const size = (window.end.epochSeconds - window.start.epochSeconds) * 1000;
      largest = Math.max(largest, size);
      window = planner.next(true);
    }
    expect(largest).toBe(256 * base);
  });

  test('restartAtBaseSize gives back a grown window and plans it again at the base size', () => {
    const planner = new WindowPlanner(at('2025-04-02T00:00:00Z'), at('2025-04-10T00:00:00Z'), HOUR);
    planner.next(false);
    planner.next(true);
    const grown = planner.next(true);
    expect(text(grown)).toEqual(['2025-04-02T03:00:00Z', '2025-04-02T07:00:00Z']);
    expect(text(planner.restartAtBaseSize())).toEqual(['2025-04-02T03:00:00Z', '2025-04-02T04:00:00Z']);
    expect(planner.isGrown).toBe(false);
    // The rest of the grown window is not skipped.
    expect(text(planner.next(false))).toEqual(['2025-04-02T04:00:00Z', '2025-04-02T05:00:00Z']);
  });

  test('restartAtBaseSize before any window is a no-op', () => {
    expect(new WindowPlanner(at('2025-04-02T00:00:00Z'), at('2025-04-03T00:00:00Z'), HOUR).restartAtBaseSize()).toBeUndefined();
  });

  test.each([
    ['a fractional start and an odd base size', '2025-04-02T20:38:10.4761Z', 2_345, '2025-04-02T20:58:07.123Z'],
    ['a base size under one second', '2025-04-02T20:38:10.999Z', 250, '2025-04-02T20:48:07.123Z'],
    ['a base size of a fraction of an hour', '2025-04-02T13:38:10.001-07:00', 0.37 * HOUR, '2025-04-02T23:41:07.123Z'],
  ])('inner boundaries fall on whole seconds (%s), and the windows tile the range', (_label, start, baseMs, endText) => {
    const end = at(endText);
    const planner = new WindowPlanner(at(start), end, baseMs);
    const windows: WindowBounds[] = [];
    for (let w = planner.next(false); w && windows.length < 10_000; w = planner.next(windows.length % 3 === 0)) windows.push(w);
    expect(windows[0]?.start).toEqual(at(start));
    expect(windows.at(-1)?.end).toEqual(end);
    for (let i = 0; i < windows.length; i += 1) {
      const w = windows[i] as WindowBounds;
      // Every window is non-empty and starts where the previous one ended.
      expect(w.end.epochSeconds * 1000 + Number(w.end.fraction.padEnd(3, '0').slice(0, 3))).toBeGreaterThan(
        w.start.epochSeconds * 1000 + Number(w.start.fraction.padEnd(3, '0').slice(0, 3)),
      );
      if (i > 0) expect(w.start).toEqual(windows[i - 1]?.end);
      if (i < windows.length - 1) expect(w.end.fraction).toBe('');
    }
  });
});
