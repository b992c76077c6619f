import { describe, expect, test } from '@jest/globals';
import { ConnectorError } from '../errors.js';
import { A, ALL, B, C, completions, D, FULL, read, SHORT, sorted, X, type WindowRun } from './window-reader.test-support.js';

/** How often the window was read again from its first page. */
const rereads = (run: WindowRun): number => run.source.requests.filter((r) => r.link === undefined).length - 1;

/** Every record of the window emitted exactly once, and the read ended without failing. */
function expectAllOnce(run: WindowRun): void {
  expect({ failure: run.failure, emitted: sorted(run.emitted) }).toEqual({ failure: undefined, emitted: sorted(ALL.map((r) => r.id)) });
}

describe('readWindow: a window whose pages hold fewer records than reported', () => {
  test('is read again, and every record is delivered once before the window counts as complete', async () => {
    const run = await read([SHORT, FULL]);
    expectAllOnce(run);
    expect(run.events.at(-1)).toEqual({ kind: 'complete', emitted: 5 });
    expect(completions(run)).toBe(1);
    expect(rereads(run)).toBe(1);
    expect(run.warnings.join('\n')).toMatch(/reported 5 .* served 4/);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('is read a third time when the second reading is short too', async () => {
    const run = await read([
      SHORT,
      SHORT,
      {
        pages: [
          [A, B, X],
          [C, D],
        ],
        total: 5,
      },
    ]);
    expectAllOnce(run);
    expect(completions(run)).toBe(1);
    expect(rereads(run)).toBe(2);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('short in each of three readings, fails the sync as transient and never counts the window complete', async () => {
    const run = await read([SHORT]);
    expect(run.failure).toBeInstanceOf(ConnectorError);
    expect((run.failure as ConnectorError).failureType).toBe('transient_error');
    expect((run.failure as ConnectorError).message).toMatch(/reported 5 .* only 4/);
    expect(run.source.requests.filter((r) => r.link === undefined)).toHaveLength(3);
    expect(completions(run)).toBe(0);
  });

  test('is read again when a record repeated from an earlier page stands in for one that is missing', async () => {
    // B comes back on the second page (its rows shifted) and D is not served: 4 records, not 5.
    const run = await read([{ pages: [[A, B], [B, X], [C]], total: 5 }, FULL]);
    expectAllOnce(run);
    expect(rereads(run)).toBe(1);
    expect(run.warnings.join('\n')).toMatch(/reported 5 .* served 4/);
  });

  test('served in full the first time, is read once', async () => {
    const run = await read([FULL]);
    expect(rereads(run)).toBe(0);
    expect(run.source.requests.filter((r) => r.link === undefined)).toHaveLength(1);
    expectAllOnce(run);
  });

  test('without a reported total, is read once: there is nothing to compare against', async () => {
    const run = await read([{ pages: SHORT.pages }]);
    expect(rereads(run)).toBe(0);
    expect(completions(run)).toBe(1);
  });
});

describe('readWindow: an empty page that still links on', () => {
  test('stops mid-window positions: no state may claim the records that page may have lost', async () => {
    const run = await read([
      { pages: [[A, B], [], [C], [D]], total: 5 },
      { pages: [[A, B], [X], [C], [D]], total: 5 },
    ]);
    expect(run.claimedBeforeEmitted).toEqual([]);
    expectAllOnce(run);
    expect(completions(run)).toBe(1);
  });

  test('pages before it keep their position', async () => {
    const run = await read([{ pages: [[A, B], [], [C, D]], total: 4 }]);
    const positions = run.events.filter((e) => e.kind === 'records' && e.position).map((e) => e.kind === 'records' && e.position?.ids);
    expect(positions).toEqual([['b']]);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('at the end of the walk is harmless: the window completes with every record', async () => {
    const run = await read([{ ...FULL, emptyTail: true }]);
    expectAllOnce(run);
    expect(completions(run)).toBe(1);
  });
});

describe('readWindow: positions while the order is trusted', () => {
  test('each page is confirmed by the next, and every position covers only records already emitted', async () => {
    const run = await read([FULL]);
    const positions = run.events.filter((e) => e.kind === 'records' && e.position !== undefined);
    expect(positions.length).toBeGreaterThan(0);
    expect(run.claimedBeforeEmitted).toEqual([]);
  });

  test('a page going back in time ends mid-window positions for the window', async () => {
    const run = await read([{ pages: [[C, D], [A, B], [X]], total: 5 }]);
    expect(run.claimedBeforeEmitted).toEqual([]);
    expectAllOnce(run);
  });
});
