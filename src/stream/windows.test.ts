import { describe, expect, test } from '@jest/globals';
import { formatInstant, parseInstant, type Instant } from '../cursor/instant.js';
import { windowEnd, WindowSizer } from './windows.js';

const at = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(text);
  return instant;
};
const HOUR = 3_600_000;

describe('windowEnd', () => {
  test('ends a window size later, on a whole second, never past the limit', () => {
    expect(formatInstant(windowEnd(at('2025-04-02T00:00:00.4761Z'), at('2025-04-03T00:00:00Z'), HOUR))).toBe('2025-04-02T01:00:00Z');
    expect(formatInstant(windowEnd(at('2025-04-02T00:00:00Z'), at('2025-04-02T00:30:00.25Z'), HOUR))).toBe('2025-04-02T00:30:00.250Z');
  });

  test('a window is at least one second long, so that tiny sizes still make progress', () => {
    expect(formatInstant(windowEnd(at('2025-04-02T00:00:00.900Z'), at('2025-04-03T00:00:00Z'), 10))).toBe('2025-04-02T00:00:01Z');
  });
});

describe('WindowSizer', () => {
  test('doubles after empty windows read one at a time, up to 256 times, and resets after records', () => {
    const sizer = new WindowSizer(HOUR);
    sizer.windowDone(0, true);
    sizer.windowDone(0, true);
    expect(sizer.sizeMs).toBe(4 * HOUR);
    expect(sizer.isGrown).toBe(true);
    for (let i = 0; i < 20; i += 1) sizer.windowDone(0, true);
    expect(sizer.sizeMs).toBe(256 * HOUR);
    sizer.windowDone(3, true);
    expect(sizer.sizeMs).toBe(HOUR);
  });

  test('does not grow while windows are read concurrently', () => {
    const sizer = new WindowSizer(HOUR);
    sizer.windowDone(0, false);
    expect(sizer.sizeMs).toBe(HOUR);
  });

  test('only a grown window counts as grown, so only it may be handed back as dense', () => {
    const sizer = new WindowSizer(HOUR);
    expect(sizer.isGrown).toBe(false);
    sizer.windowDone(0, true);
    expect(sizer.isGrown).toBe(true);
    sizer.windowDone(5, true);
    expect(sizer.isGrown).toBe(false);
  });

  test('after a dense window, reset returns to the configured size at once', () => {
    const sizer = new WindowSizer(HOUR);
    for (let i = 0; i < 4; i += 1) sizer.windowDone(0, true);
    sizer.reset();
    expect({ sizeMs: sizer.sizeMs, isGrown: sizer.isGrown }).toEqual({ sizeMs: HOUR, isGrown: false });
  });
});
