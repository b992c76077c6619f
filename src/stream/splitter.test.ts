import { describe, expect, test } from '@jest/globals';
import { formatInstant, parseInstantOrThrow } from '../cursor/instant.js';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { chooseSplit, type SplitCandidate } from './splitter.js';
import { trusted } from './window-reader.test-support.js';

const PAGE_SIZE = 100;
const at = (time: string) => parseInstantOrThrow(`2025-04-02T${time}Z`, 'a test time');
const BOUNDS = { start: at('20:00:00'), end: at('21:00:00') };

/** A window read up to its records at `times`, in ascending or newest-first order the sync relies on. */
function windowRead(order: 'ascending' | 'newest-first', times: string[], expected: number | undefined, morePages = true): SplitCandidate {
  const trust = order === 'ascending' ? trusted() : new SortTrust();
  if (order === 'newest-first') trust.recordDescendingWindow(Number.MAX_SAFE_INTEGER);
  const cursor = new WindowCursor(BOUNDS, [], trust);
  times.forEach((time, index) => cursor.admit(`r${index}`, at(time)));
  return { cursor, progress: { morePages, ...(expected === undefined ? {} : { expected }) } };
}

const described = (plan: ReturnType<typeof chooseSplit>) =>
  plan && { side: plan.side, at: formatInstant(plan.at), keptShare: plan.keptShare, left: plan.left };

describe('chooseSplit: where a window with much left to read is split for an idle slot', () => {
  test('ascending: the unread time after the newest record is halved on a whole second; the window keeps the first half', () => {
    const window = windowRead('ascending', ['20:05:00', '20:10:00'], 1002);
    expect(described(chooseSplit([window], PAGE_SIZE))).toEqual({ side: 'ahead', at: '2025-04-02T20:35:00Z', keptShare: 0.5, left: 1000 });
  });

  test('newest first: the unread time before the oldest record is halved; the window keeps the later half', () => {
    const window = windowRead('newest-first', ['20:55:00', '20:50:00'], 1002);
    expect(described(chooseSplit([window], PAGE_SIZE))).toEqual({ side: 'behind', at: '2025-04-02T20:25:00Z', keptShare: 0.5, left: 1000 });
  });

  test('newest first with nothing read yet: the whole window is halved', () => {
    const window = windowRead('newest-first', [], 1000);
    expect(described(chooseSplit([window], PAGE_SIZE))).toEqual({ side: 'behind', at: '2025-04-02T20:30:00Z', keptShare: 0.5, left: 1000 });
  });

  test('close to the end, the split still lands on a whole second after the newest record', () => {
    const window = windowRead('ascending', ['20:59:58.600'], 1001);
    expect(described(chooseSplit([window], PAGE_SIZE))).toEqual({
      side: 'ahead',
      at: '2025-04-02T20:59:59Z',
      keptShare: 400 / 1400,
      left: 1000,
    });
  });

  test.each([
    ['fewer than four pages left', windowRead('ascending', ['20:05:00'], 4 * PAGE_SIZE)],
    ['no total reported', windowRead('ascending', ['20:05:00'], undefined)],
    ['no page left', windowRead('ascending', ['20:05:00'], 5000, false)],
    ['no whole second left after the newest record', windowRead('ascending', ['20:59:59.200'], 5000)],
    ['no whole second left before the oldest record', windowRead('newest-first', ['20:00:00.900'], 5000)],
  ])('no split with %s', (_label, window) => {
    expect(chooseSplit([window], PAGE_SIZE)).toBeUndefined();
  });

  test('exactly four pages left is enough to split', () => {
    expect(chooseSplit([windowRead('ascending', ['20:05:00'], 4 * PAGE_SIZE + 1)], PAGE_SIZE)?.left).toBe(4 * PAGE_SIZE);
  });

  test('of several windows, the one with the most left is split; of equals, the first', () => {
    const small = windowRead('ascending', ['20:05:00'], 600);
    const large = windowRead('ascending', ['20:10:00'], 901);
    const equal = windowRead('ascending', ['20:20:00'], 901);
    expect(chooseSplit([small, large, equal], PAGE_SIZE)?.window).toBe(large);
    expect(chooseSplit([equal, small, large], PAGE_SIZE)?.window).toBe(equal);
  });
});
