import { describe, expect, jest, test } from '@jest/globals';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { ConnectorError } from '../errors.js';
import type { AuditResource } from '../rootly/audits.js';
import type { PageSource } from './page-source.js';
import { readWindow } from './window-reader.js';
import {
  A,
  ALL,
  audit,
  B,
  C,
  completions,
  D,
  FULL,
  newCounters,
  read,
  SHORT,
  sorted,
  trusted,
  WINDOW,
  windowOptions,
  X,
  type Script,
  type WindowRun,
} from './window-reader.test-support.js';

/* Guards of the window reader: endless walks, what the sync is told, dense windows, the sort trust. */

const failureOf = (run: WindowRun): ConnectorError => {
  expect(run.failure).toBeInstanceOf(ConnectorError);
  return run.failure as ConnectorError;
};
const reportedEvents = (run: WindowRun) => run.events.filter((e) => e.kind === 'reported');
/** Twenty records a minute apart, in order: a window that earns the sort trust. */
const steps = Array.from({ length: 20 }, (_, i) => audit(`s${i}`, 10 + i));

describe('readWindow: walks that would never end', () => {
  test('empty pages that keep linking on stop the sync as transient after five in a row, naming the window', async () => {
    const run = await read([{ pages: [[A], []], endless: true }]);
    const failure = failureOf(run);
    expect(failure.failureType).toBe('transient_error');
    expect(failure.message).toContain('2025-04-02T20:00:00Z, 2025-04-02T21:00:00Z');
    expect(failure.message).toMatch(/without records not already read \(page 6\)/);
    expect(run.source.requests).toHaveLength(6);
  });

  test('pages that hold records but keep linking past the reported total stop the sync, naming the page and total', async () => {
    // Each page brings a record not seen before on the walk, until the last repeats for ever.
    const run = await read([{ pages: [[A], [B], [X], [C], [D]], total: 2, endless: true }]);
    const failure = failureOf(run);
    expect(failure.failureType).toBe('transient_error');
    expect(failure.message).toContain('page 8 of a range reported to hold 2 records');
    expect(run.source.requests).toHaveLength(8);
  });

  test('a walk of as many pages as reported records plus five still completes', async () => {
    const run = await read([{ pages: [[A], [B], [X], [C], [D], [A], [B]], total: 2 }]);
    expect(run.failure).toBeUndefined();
    expect(sorted(run.emitted)).toEqual(sorted(ALL.map((r) => r.id)));
  });

  test('pages that only repeat records already read stop the walk after five in a row, even with new links', async () => {
    const run = await read([{ pages: [[A], [B], [A], [B], [A], [B], [A], [B]] }]);
    expect(failureOf(run).message).toMatch(/without records not already read \(page 7\)/);
    expect(sorted(run.emitted)).toEqual(['a', 'b']);
  });

  test('a page linking to itself stops the sync at once as a system error, without asking for it again', async () => {
    const source: PageSource<AuditResource> = {
      fetchPage: async () => ({ resources: [A], nextLink: 'https://rootly.test/p?b=2&a=1', selfLink: 'https://rootly.test/p?a=1&b=2' }),
    };
    const fetchPage = jest.spyOn(source, 'fetchPage');
    const reading = readWindow(new WindowCursor(WINDOW, [], trusted()), newCounters(), windowOptions(source));
    await expect(reading).rejects.toMatchObject({ failureType: 'system_error', message: expect.stringMatching(/already followed/) });
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  test('next links that are not URLs are still told apart', async () => {
    const links = ['http://[bad/1', 'http://[bad/2'];
    let request = 0;
    const source: PageSource<AuditResource> = {
      fetchPage: async () => ({ resources: [[A], [B], [C]][request] ?? [], nextLink: links[request++] ?? null }),
    };
    const emitted: string[] = [];
    await readWindow(
      new WindowCursor(WINDOW, [], trusted()),
      newCounters(),
      windowOptions(source, {
        pageSize: 1,
        emit: async (event) => {
          if (event.kind === 'records') emitted.push(...event.records.map((r) => r.id));
        },
      }),
    );
    expect(emitted).toEqual(['a', 'b', 'c']);
  });
});

describe('readWindow: what the sync is told', () => {
  test('the reported total is told once per window, also when the window is read again', async () => {
    const run = await read([SHORT, FULL]);
    expect(reportedEvents(run)).toEqual([{ kind: 'reported', total: 5 }]);
    expect(run.warnings.join('\n')).toContain('[2025-04-02T20:00:00Z, 2025-04-02T21:00:00Z)');
  });

  test('the reported total is told before the first records, so that the estimate leads the records', async () => {
    const run = await read([FULL]);
    expect(run.events[0]).toEqual({ kind: 'reported', total: 5 });
  });

  test('no total is told when the server reports none', async () => {
    expect(reportedEvents(await read([{ pages: [[A, B], [C]] }]))).toEqual([]);
  });

  test('a page whose records were all skipped emits nothing, so it holds back no state', async () => {
    const run = await read([{ pages: [[A, B], [A, B], [C]], total: 3 }], { trust: new SortTrust() });
    expect(run.events.filter((e) => e.kind === 'records').map((e) => e.kind === 'records' && e.count)).toEqual([2, 1]);
  });

  test('records skipped are counted by why: outside the window, served twice, delivered by an earlier sync', async () => {
    const atStart = audit('s', 0);
    const outside = { ...audit('o', 0), attributes: { created_at: '2025-04-02T19:59:59Z' } };
    const run = await read(
      [
        {
          pages: [
            [outside, atStart, A],
            [A, A, B],
          ],
        },
      ],
      { deliveredAtStart: ['s'] },
    );
    expect(run.counters).toEqual({ pages: 2, pagesLargerThanAsked: 2, skippedOutsideWindow: 1, skippedDuplicates: 2 });
    expect(run.emitted).toEqual(['a', 'b']);
  });

  test('a stopped sync asks for no further page and never reports the window complete', async () => {
    const run = await read([{ pages: [[A], [B], [C]] }], { stopAfterPages: 1 });
    expect(run.source.requests).toHaveLength(1);
    expect(completions(run)).toBe(0);
  });
});

describe('readWindow: a window grown over empty history', () => {
  const dense = (total: number): Script => ({ pages: [[A, B], [X, C], [D]], total });

  test('reporting more than 20,000 records is handed back as dense before any record is emitted', async () => {
    const run = await read([dense(20_001)], { mayBeDense: true });
    expect(run.events).toEqual([{ kind: 'dense', total: 20_001 }]);
  });

  test('reporting exactly 20,000 records, or a window not grown, is read as it is', async () => {
    for (const run of [await read([dense(20_000)], { mayBeDense: true }), await read([dense(20_001)], { mayBeDense: false })]) {
      expect(run.events.some((e) => e.kind === 'dense')).toBe(false);
      expect(sorted(run.emitted)).toEqual(sorted(ALL.map((r) => r.id)));
    }
  });

  test('is not handed back as dense halfway through being read again', async () => {
    const run = await read([SHORT, dense(20_001)], { mayBeDense: true });
    expect(run.events.some((e) => e.kind === 'dense')).toBe(false);
  });
});

describe('readWindow and the sort trust', () => {
  test('a window read again does not cost the sync its sort trust: it only goes without positions', async () => {
    const trust = trusted();
    const run = await read([SHORT, FULL], { trust });
    expect(run.failure).toBeUndefined();
    expect(trust.trusted).toBe(true);
  });

  test('a window in order that ends on an empty last page earns the trust', async () => {
    const trust = new SortTrust();
    await read([{ pages: [steps.slice(0, 10), steps.slice(10)], emptyTail: true }], { trust });
    expect(trust.trusted).toBe(true);
  });
});
