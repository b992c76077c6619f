import { describe, expect, test } from '@jest/globals';
import { instantOf } from '../rootly/audits.js';
import { UnplaceableRecordError } from '../stream/page-source.js';
import { SortTrust, WindowCursor } from './window-cursor.js';
import { at, audit, checkpointBefore, cursor, earnedTrust, END, minutes, page, START, T1, T2, T3 } from './window-cursor.test-support.js';

describe('WindowCursor admission', () => {
  test('records outside [start, end) are not emitted; the start is inclusive, the end exclusive', () => {
    const c = cursor();
    expect(c.admit('a', at('2025-04-02T19:59:59.999Z'))).toBe('outside-window');
    expect(c.admit('b', at(START))).toBe('emit');
    expect(c.admit('c', at('2025-04-02T20:59:59.9999Z'))).toBe('emit');
    expect(c.admit('d', at(END))).toBe('outside-window');
  });

  test('sub-millisecond precision decides the start boundary', () => {
    const c = new WindowCursor({ start: at('2025-04-02T20:00:00.4761Z'), end: at(END) }, [], new SortTrust());
    expect(c.admit('a', at('2025-04-02T20:00:00.476Z'))).toBe('outside-window');
    expect(c.admit('b', at('2025-04-02T20:00:00.4761Z'))).toBe('emit');
  });

  test('ids delivered at the starting instant are skipped only at that instant', () => {
    const c = cursor(['a', 'b']);
    expect(c.admit('a', at(START))).toBe('already-delivered');
    expect(c.admit('c', at(START))).toBe('emit');
    // The same id at a later instant is a different fact and is not suppressed as already delivered.
    expect(c.admit('b', at(T1))).toBe('emit');
  });

  test('a record served again on a later page is emitted once', () => {
    const c = cursor();
    expect(page(c, [audit('a', T1), audit('b', T2)]).admissions).toEqual(['emit', 'emit']);
    expect(page(c, [audit('b', T2), audit('c', T3)]).admissions).toEqual(['duplicate', 'emit']);
  });
});

describe('WindowCursor checkpoints', () => {
  test('no checkpoint before the first page: nothing has been emitted yet', () => {
    expect(checkpointBefore(cursor(), [at(T1), at(T2)])).toBeUndefined();
  });

  test('until pages have proven the sort, ascending pages give no mid-window checkpoint', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    page(c, [audit('a', T1), audit('b', T2)]);
    expect(page(c, [audit('c', T3)]).checkpoint).toBeUndefined();
    expect(trust.trusted).toBe(false);
  });

  test('a completed ascending window with 20 distinct steps earns the trust; fewer steps do not', () => {
    const trust = new SortTrust();
    const few = cursor([], trust);
    for (let i = 0; i < 19; i += 1) page(few, [audit(`f${i}`, `2025-04-02T20:${String(10 + i).padStart(2, '0')}:00Z`)]);
    few.completed();
    expect(trust.trusted).toBe(false);
    const enough = cursor([], trust);
    for (let i = 0; i < 20; i += 1) page(enough, [audit(`e${i}`, `2025-04-02T20:${String(10 + i).padStart(2, '0')}:00Z`)]);
    enough.completed();
    expect(trust.trusted).toBe(true);
  });

  test('ascending pages: the next page confirms the position of the previous ones', () => {
    const c = cursor();
    expect(page(c, [audit('a', T1), audit('b', T2)]).checkpoint).toBeUndefined();
    expect(page(c, [audit('c', T3)]).checkpoint).toEqual({ created_at: T2, ids_at_created_at: ['b'] });
  });

  test('the checkpoint is given before the page it looks at is admitted', () => {
    const c = cursor();
    page(c, [audit('a', T1)]);
    // c at T2 has not been admitted when the checkpoint is computed: the position is still T1.
    expect(checkpointBefore(c, [at(T2)])).toEqual({ created_at: T1, ids_at_created_at: ['a'] });
  });

  test('records outside the window do not break the ascending check', () => {
    const c = cursor();
    page(c, [audit('a', T1)]);
    const { checkpoint } = page(c, [audit('old', '2025-04-02T19:59:59.5Z'), audit('b', T2)]);
    expect(checkpoint).toEqual({ created_at: T1, ids_at_created_at: ['a'] });
  });

  test('ids at the newest instant accumulate across pages for same-millisecond ties', () => {
    const c = cursor();
    page(c, [audit('a', T1), audit('b', T2)]);
    page(c, [audit('c', T2), audit('d', T2)]);
    const checkpoint = checkpointBefore(c, [at(T2), at(T3)]);
    expect(checkpoint?.created_at).toBe(T2);
    expect([...(checkpoint?.ids_at_created_at ?? [])].sort()).toEqual(['b', 'c', 'd']);
  });

  test('ids delivered at the start stay in the position while nothing newer was emitted', () => {
    const c = cursor(['x']);
    page(c, [audit('x', START), audit('y', START)]);
    const checkpoint = checkpointBefore(c, [at(T1)]);
    expect(checkpoint?.created_at).toBe(START);
    expect([...(checkpoint?.ids_at_created_at ?? [])].sort()).toEqual(['x', 'y']);
  });

  test('a page going backwards gives no checkpoint and revokes the shared sort trust', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    page(c, [audit('c', T3)]);
    expect(page(c, [audit('b', T2), audit('a', T1)]).checkpoint).toBeUndefined();
    expect(trust.trusted).toBe(false);
    // Even an ascending-looking page later in the window cannot bring checkpoints back.
    expect(checkpointBefore(c, [at('2025-04-02T20:50:00Z')])).toBeUndefined();
  });

  test('a record older than the newest, admitted out of order, also revokes trust', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    expect(c.admit('b', at(T2))).toBe('emit');
    expect(c.admit('a', at(T1))).toBe('emit');
    expect(trust.trusted).toBe(false);
    expect(checkpointBefore(c, [at(T3)])).toBeUndefined();
  });

  test('once the sort is trusted, a page going back in time gets no checkpoint: a crash after it would lose its older records', () => {
    const trust = earnedTrust();
    const c = cursor([], trust);
    page(c, [audit('c', T3)]);
    // a (T1) and b (T2) were not emitted yet: a state at T3 would claim them delivered.
    expect(page(c, [audit('b', T2), audit('a', T1)]).checkpoint).toBeUndefined();
    expect(trust.trusted).toBe(false);
  });

  test('a server caught out of order is never trusted again in the sync, however well later windows look', () => {
    const trust = new SortTrust();
    const first = cursor([], trust);
    page(first, [audit('b', T2), audit('a', T1)]);
    first.completed();
    const later = cursor([], trust);
    for (let i = 0; i < 30; i += 1) page(later, [audit(`l${i}`, `2025-04-02T20:${String(10 + i).padStart(2, '0')}:00Z`)]);
    later.completed();
    expect(trust.trusted).toBe(false);
    const next = cursor([], trust);
    page(next, [audit('n1', T1)]);
    expect(page(next, [audit('n2', T2)]).checkpoint).toBeUndefined();
  });

  test('a later window with revoked trust never checkpoints mid-window', () => {
    const trust = new SortTrust();
    trust.revoke();
    const c = cursor([], trust);
    page(c, [audit('a', T1)]);
    expect(checkpointBefore(c, [at(T2)])).toBeUndefined();
    c.completed();
    expect(trust.trusted).toBe(false);
  });

  test('positions are written in UTC with full precision', () => {
    const c = cursor();
    page(c, [audit('a', '2025-04-02T13:10:00.1234567-07:00')]);
    expect(checkpointBefore(c, [at(T3)])).toEqual({ created_at: '2025-04-02T20:10:00.1234567Z', ids_at_created_at: ['a'] });
  });
});

describe('WindowCursor: what is held back and what is trusted', () => {
  test('a server not yet proven is not taken for one known not to sort, and one caught out of order is', () => {
    const trust = new SortTrust();
    expect({ trusted: trust.trusted, revoked: trust.revoked }).toEqual({ trusted: false, revoked: false });
    trust.recordAscendingWindow(20);
    expect({ trusted: trust.trusted, revoked: trust.revoked }).toEqual({ trusted: true, revoked: false });
    trust.revoke();
    expect({ trusted: trust.trusted, revoked: trust.revoked }).toEqual({ trusted: false, revoked: true });
  });

  test('pages are held back for a position only while the sort is trusted, the window in order and not being read again', () => {
    expect(cursor([], new SortTrust()).mayCheckpoint).toBe(false);
    const trustedCursor = cursor();
    expect(trustedCursor.mayCheckpoint).toBe(true);
    trustedCursor.beginReread();
    expect(trustedCursor.mayCheckpoint).toBe(false);
    const backwards = cursor();
    page(backwards, [audit('b', T2), audit('a', T1)]);
    expect(backwards.mayCheckpoint).toBe(false);
  });

  test('a record older than the newest revokes an earned trust even when its page was not looked at first', () => {
    const trust = earnedTrust();
    const c = cursor([], trust);
    c.admit('b', at(T2));
    c.admit('a', at(T1));
    expect(trust.trusted).toBe(false);
    expect(checkpointBefore(c, [at(T3)])).toBeUndefined();
  });
});

describe('SortTrust earned early', () => {
  test('three pages in ascending order with 20 distinct steps earn the trust before the window completes', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    const records = minutes('a', 24);
    page(c, records.slice(0, 8));
    page(c, records.slice(8, 16));
    page(c, records.slice(16, 22));
    expect(trust.trusted).toBe(false);
    // The fourth page confirms the third: the order is shown, and the position is given at once.
    expect(page(c, records.slice(22)).checkpoint?.created_at).toBe('2025-04-02T20:31:00Z');
    expect(trust.trusted).toBe(true);
  });

  test('newest-first pages with 20 distinct steps prove that order; a rising record refutes it for good', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    const records = minutes('d', 24, true);
    for (const slice of [records.slice(0, 8), records.slice(8, 16), records.slice(16, 22), records.slice(22)]) page(c, slice);
    expect(trust.newestFirstProven).toBe(true);
    expect(trust.revoked).toBe(true);
    const rising = cursor([], trust);
    page(rising, [audit('x', T1), audit('y', T2)]);
    expect(trust.newestFirstProven).toBe(false);
  });
});

describe('WindowCursor narrowed while read', () => {
  test('an ascending window ended earlier stops at the first record past its new end', () => {
    const c = cursor();
    const records = minutes('a', 30);
    for (let i = 0; i < 24; i += 6) page(c, records.slice(i, i + 6));
    expect(c.mayEndEarlier).toBe(true);
    c.endAt(at('2025-04-02T20:36:00Z'));
    const { admissions } = page(c, records.slice(24));
    expect(admissions).toEqual(['emit', 'emit', 'outside-window', 'outside-window', 'outside-window', 'outside-window']);
    expect(c.walkedPast).toBe(true);
    expect(c.wasNarrowed).toBe(true);
  });

  test('a newest-first window started later stops at the first record before its new start', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    const records = minutes('d', 36, true);
    for (let i = 0; i < 30; i += 6) page(c, records.slice(i, i + 6));
    expect(c.mayStartLater).toBe(true);
    c.startAt(at('2025-04-02T20:14:00Z'));
    expect(page(c, records.slice(30)).admissions).toEqual([
      'emit',
      'emit',
      'outside-window',
      'outside-window',
      'outside-window',
      'outside-window',
    ]);
    expect(c.walkedPast).toBe(true);
  });

  test('a record inside the window after one past the moved end revokes the trust and the walk goes on', () => {
    const trust = earnedTrust();
    const c = cursor([], trust);
    page(c, [audit('a', T1)]);
    c.endAt(at(T3));
    c.admit('late', at('2025-04-02T20:40:00Z'));
    expect(c.walkedPast).toBe(true);
    expect(c.admit('b', at(T2))).toBe('emit');
    expect(c.walkedPast).toBe(false);
    expect(trust.trusted).toBe(false);
  });

  test('bounds move only past what was admitted', () => {
    const c = cursor();
    page(c, [audit('a', T1), audit('b', T2)]);
    expect(() => c.endAt(at(T2))).toThrow();
    expect(() => c.startAt(at(T2))).toThrow();
    expect(() => c.endAt(at('2025-04-02T21:30:00Z'))).toThrow();
    c.startAt(at(T1));
    expect(c.bounds.start).toEqual(at(T1));
  });

  test('without a moved bound, records outside the window never end the walk', () => {
    const c = cursor();
    page(c, [audit('a', T1), audit('late', END)]);
    expect(c.walkedPast).toBe(false);
  });
});

describe('instantOf', () => {
  test('a created_at that is not a date-time is a UnplaceableRecordError naming the audit', () => {
    expect(() => instantOf(audit('42', '2025-04-02 noon'))).toThrow(UnplaceableRecordError);
    expect(() => instantOf(audit('42', '2025-04-02 noon'))).toThrow(/42.*created_at/);
  });
});
