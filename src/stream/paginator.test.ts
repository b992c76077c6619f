import { describe, expect, test } from '@jest/globals';
import { ConnectorError } from '../errors.js';
import { MAX_STALE_PAGES_IN_A_ROW, Paginator, type PageSeen } from './paginator.js';

const WINDOW = '[2026-03-01T00:00:00Z, 2026-03-02T00:00:00Z)';
const link = (page: number, extra = ''): string => `https://api.rootly.com/v1/audits?page%5Bnumber%5D=${page}${extra}`;

/** Walks pages until the paginator ends the walk or stops it; returns the links followed, or the error. */
function walk(pages: readonly PageSeen[], reported?: number): { followed: string[]; error?: ConnectorError } {
  const paginator = new Paginator(WINDOW);
  const followed: string[] = [];
  try {
    for (const page of pages) {
      const next = paginator.next(page, reported);
      if (next === null) return { followed };
      followed.push(next);
    }
  } catch (error) {
    if (error instanceof ConnectorError) return { followed, error };
    throw error;
  }
  return { followed };
}

describe('Paginator', () => {
  test('follows next links until a page has none', () => {
    const pages = [1, 2, 3].map((n) => ({ nextLink: n < 3 ? link(n + 1) : null, broughtNew: true }));
    expect(walk(pages)).toEqual({ followed: [link(2), link(3)] });
  });

  test('a next link already followed stops the walk as a system_error naming the link', () => {
    const { followed, error } = walk([
      { nextLink: link(2), broughtNew: true },
      { nextLink: link(3), broughtNew: true },
      { nextLink: link(2), broughtNew: true },
    ]);
    expect(followed).toEqual([link(2), link(3)]);
    expect(error?.failureType).toBe('system_error');
    expect(error?.message).toContain(link(2));
  });

  test('a next link equal to the page itself is a loop, whatever the order of its parameters', () => {
    const self = 'https://api.rootly.com/v1/audits?sort=created_at&page%5Bnumber%5D=2';
    const same = 'https://api.rootly.com/v1/audits?page%5Bnumber%5D=2&sort=created_at';
    const { error } = walk([
      { nextLink: self, broughtNew: true },
      { selfLink: self, nextLink: same, broughtNew: true },
    ]);
    expect(error?.failureType).toBe('system_error');
  });

  test('a first page linking to itself is a loop at once, though no link was followed yet', () => {
    const { followed, error } = walk([
      {
        selfLink: `${link(1)}&sort=created_at`,
        nextLink: 'https://api.rootly.com/v1/audits?sort=created_at&page%5Bnumber%5D=1',
        broughtNew: true,
      },
    ]);
    expect(followed).toEqual([]);
    expect(error?.failureType).toBe('system_error');
    expect(error?.message).toMatch(/already followed/);
  });

  test(`${MAX_STALE_PAGES_IN_A_ROW} pages in a row that bring nothing new stop the walk, naming the window`, () => {
    const stale = Array.from({ length: 20 }, (_, i) => ({ nextLink: link(i + 2), broughtNew: i === 0 }));
    const { followed, error } = walk(stale);
    expect(followed).toHaveLength(MAX_STALE_PAGES_IN_A_ROW);
    expect(error?.failureType).toBe('transient_error');
    expect(error?.message).toContain(WINDOW);
  });

  test('a page with something new resets the count of stale pages', () => {
    const pages = Array.from({ length: 30 }, (_, i) => ({
      nextLink: i < 29 ? link(i + 2) : null,
      broughtNew: i % MAX_STALE_PAGES_IN_A_ROW === 0,
    }));
    expect(walk(pages).error).toBeUndefined();
  });

  test('the last page ends the walk even when it brings nothing new', () => {
    const pages = [
      { nextLink: link(2), broughtNew: true },
      ...Array.from({ length: MAX_STALE_PAGES_IN_A_ROW - 1 }, (_, i) => ({ nextLink: link(i + 3), broughtNew: false })),
      { nextLink: null, broughtNew: false },
    ];
    expect(walk(pages).error).toBeUndefined();
  });

  test('more pages than the reported records, each bringing something, is an endless walk too', () => {
    const pages = Array.from({ length: 40 }, (_, i) => ({ nextLink: link(i + 2), broughtNew: true }));
    const { followed, error } = walk(pages, 3);
    expect(error?.failureType).toBe('transient_error');
    expect(error?.message).toContain('reported to hold 3 records');
    expect(followed).toHaveLength(3 + MAX_STALE_PAGES_IN_A_ROW);
  });
});
