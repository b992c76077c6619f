import { describe, expect, test } from '@jest/globals';
import { at, audit, cursor, END, minute, newestFirstWindow, page, START, T1, T2, T3 } from './window-cursor.test-support.js';

/* Moving a window's bounds while it is read, and when the walk may end at a moved bound. */

const CANNOT_END = 'a window can only end earlier, after its start and what it admitted';
const CANNOT_START = 'a window can only start later, before its end and what it admitted';

describe('WindowCursor bounds move only inward', () => {
  test('ending a window at its own end is refused: no part is left for another window to read', () => {
    const c = cursor();
    page(c, [audit('a', T1)]);
    expect(() => c.endAt(at(END))).toThrow(CANNOT_END);
    expect(c.wasNarrowed).toBe(false);
    expect(c.bounds.end).toEqual(at(END));
  });

  test('starting a window at its own start is refused: the ids delivered there would be emitted again', () => {
    const c = cursor(['a']);
    expect(() => c.startAt(at(START))).toThrow(CANNOT_START);
    expect(c.admit('a', at(START))).toBe('already-delivered');
  });

  test('starting a window before its start is refused: records of the window before it would be emitted again', () => {
    const c = cursor();
    expect(() => c.startAt(at('2025-04-02T19:59:00Z'))).toThrow(CANNOT_START);
    expect(c.admit('earlier', at('2025-04-02T19:59:30Z'))).toBe('outside-window');
  });

  test('a window with nothing admitted cannot start at or past its end: the part behind would reach into the next window', () => {
    const c = cursor();
    expect(() => c.startAt(at(END))).toThrow(CANNOT_START);
    expect(() => c.startAt(at('2025-04-02T21:30:00Z'))).toThrow(CANNOT_START);
    expect(c.wasNarrowed).toBe(false);
  });

  test('a window started later with nothing admitted cannot then end at or before its new start', () => {
    const c = cursor();
    c.startAt(at(T2));
    expect(() => c.endAt(at(T2))).toThrow(CANNOT_END);
    expect(() => c.endAt(at(T1))).toThrow(CANNOT_END);
    expect(c.bounds).toEqual({ start: at(T2), end: at(END) });
  });
});

describe('WindowCursor walking past a moved bound', () => {
  test('the end is exclusive: a record exactly at the moved end has walked past it, so no further page is read', () => {
    const c = cursor();
    page(c, [audit('a', T1)]);
    c.endAt(at(T3));
    expect(page(c, [audit('b', T2), audit('c', T3)]).admissions).toEqual(['emit', 'outside-window']);
    expect(c.walkedPast).toBe(true);
  });

  test('in a window ended earlier, a record before its start does not end the walk: later pages still hold the window', () => {
    const c = cursor();
    page(c, [audit('a', T1)]);
    c.endAt(at(T3));
    expect(page(c, [audit('b', T2), audit('old', '2025-04-02T19:59:00Z')]).admissions).toEqual(['emit', 'outside-window']);
    expect(c.walkedPast).toBe(false);
  });

  test('in a window started later, a record past its end does not end the walk: later pages still hold the window', () => {
    const { c } = newestFirstWindow();
    c.startAt(at(minute(14)));
    expect(page(c, [audit('e', minute(15)), audit('late', '2025-04-02T21:05:00Z')]).admissions).toEqual(['emit', 'outside-window']);
    expect(c.walkedPast).toBe(false);
  });

  test('a record inside the window after one before the moved start refutes newest-first: later windows would stop early and skip such records', () => {
    const { trust, c } = newestFirstWindow();
    c.startAt(at(minute(14)));
    expect(c.admit('early', at(minute(12)))).toBe('outside-window');
    expect(c.walkedPast).toBe(true);
    // 20:15 is still older than every record admitted: only the record before it shows the order broken.
    expect(c.admit('e', at(minute(15)))).toBe('emit');
    expect(c.walkedPast).toBe(false);
    expect(trust.newestFirstProven).toBe(false);
    expect(c.mayStartLater).toBe(false);
  });
});
