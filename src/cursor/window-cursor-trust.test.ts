import { describe, expect, test } from '@jest/globals';
import { SortTrust } from './window-cursor.js';
import { at, audit, cursor, minute, minutes, page, pages, T1, T2 } from './window-cursor.test-support.js';

/* When a window earns, keeps or loses the server's order: the checkpoints and window splits rest on it. */

describe('SortTrust needs three pages, each confirmed by the next', () => {
  test('three sorted pages are not proof: a checkpoint before the third would lose a fourth page going back in time', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    // Pages of 10: 20 distinct steps after two pages, 30 after three; the fourth page goes back to 20:05.
    const checkpoints = pages(c, [...minutes('a', 30), audit('back', minute(5))], 10);
    // A position at 20:29 saved before the third page would claim 20:05 delivered before it was emitted.
    expect(checkpoints).toEqual([undefined, undefined, undefined, undefined]);
    expect(trust.revoked).toBe(true);
  });

  test('sorted pages earn the trust once a fourth page confirms the third', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    const checkpoints = pages(c, minutes('a', 31), 10);
    expect(checkpoints.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(checkpoints[3]).toEqual({ created_at: minute(39), ids_at_created_at: ['a29'] });
  });

  test('newest-first order is proven only once a fourth page confirms the third', () => {
    const trust = new SortTrust();
    const c = cursor([], trust);
    // Pages of 11: 20 distinct steps down after two pages.
    const records = minutes('d', 34, true);
    pages(c, records.slice(0, 22), 11);
    page(c, records.slice(22, 33));
    expect(trust.newestFirstProven).toBe(false);
    expect(c.mayStartLater).toBe(false);
    page(c, records.slice(33));
    expect(trust.newestFirstProven).toBe(true);
  });
});

describe('SortTrust for newest-first order over a whole window', () => {
  /** A completed window of these records, one a page, read with `trust`. */
  function completedWindow(trust: SortTrust, records: ReturnType<typeof minutes>): void {
    const c = cursor([], trust);
    pages(c, records, 1);
    c.completed();
  }

  test('20 distinct steps down prove it: 21 records newest first do, 20 do not', () => {
    const twenty = new SortTrust();
    completedWindow(twenty, minutes('d', 20, true));
    expect(twenty.newestFirstProven).toBe(false);
    const twentyOne = new SortTrust();
    completedWindow(twentyOne, minutes('d', 21, true));
    expect(twentyOne.newestFirstProven).toBe(true);
  });

  test('records sharing an instant are not steps: ties cannot prove the order', () => {
    const trust = new SortTrust();
    // 11 instants newest first, two records at each: 10 steps down, however many records.
    const records = minutes('d', 11, true).flatMap((r) => [r, audit(`${r.id}-tie`, r.attributes.created_at)]);
    completedWindow(trust, records);
    expect(trust.newestFirstProven).toBe(false);
  });

  test('a window whose records rise refutes it for the rest of the sync, however well later windows look', () => {
    const trust = new SortTrust();
    completedWindow(trust, [audit('x', T1), audit('y', T2)]);
    completedWindow(trust, minutes('d', 30, true));
    expect(trust.newestFirstProven).toBe(false);
    expect(cursor([], trust).mayStartLater).toBe(false);
  });
});

describe('SortTrust and a window read again', () => {
  test('a window read again because records went missing earns no trust in either order', () => {
    const ascending = new SortTrust();
    const up = cursor([], ascending);
    pages(up, minutes('a', 24), 12);
    up.beginReread();
    up.completed();
    expect(ascending.trusted).toBe(false);
    const newestFirst = new SortTrust();
    const down = cursor([], newestFirst);
    pages(down, minutes('d', 24, true), 12);
    down.beginReread();
    down.completed();
    expect(newestFirst.newestFirstProven).toBe(false);
  });

  test('read again, a record that went missing comes back behind the newest without revoking an earned trust', () => {
    const trust = new SortTrust();
    trust.recordAscendingWindow(20);
    const c = cursor([], trust);
    page(c, [audit('b', T2)]);
    c.beginReread();
    expect(page(c, [audit('a', T1), audit('b', T2)]).admissions).toEqual(['emit', 'duplicate']);
    expect(trust.trusted).toBe(true);
    // The window as a whole is no longer confirmed page by page, only by its completion.
    expect(c.mayCheckpoint).toBe(false);
    expect(c.confirmBefore([at(T2)])).toBeUndefined();
  });
});
