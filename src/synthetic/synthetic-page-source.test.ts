import { describe, expect, test } from '@jest/globals';
import type { AuditResource } from '../rootly/audits.js';
import type { TimeRange } from '../stream/page-source.js';
import { SyntheticPageSource } from './synthetic-page-source.js';

const WEEK: TimeRange = { start: '2025-03-31T00:00:00Z', end: '2025-04-07T00:00:00Z' };
const BUSY_DAY: TimeRange = { start: '2025-04-01T00:00:00Z', end: '2025-04-02T00:00:00Z' };

/** Follows next links to the end and returns every resource served and the pages' totals. */
async function readAll(
  source: SyntheticPageSource,
  range: TimeRange,
  pageSize: number,
): Promise<{ resources: AuditResource[]; pages: number; totals: Set<number | undefined> }> {
  const resources: AuditResource[] = [];
  const totals = new Set<number | undefined>();
  let link: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await source.fetchPage({ range, pageSize, link });
    pages += 1;
    if (page.resources.length > pageSize) throw new Error(`page ${pages} holds ${page.resources.length} > ${pageSize} resources`);
    resources.push(...page.resources);
    totals.add(page.totalCount);
    if (page.nextLink === null) break;
    link = page.nextLink;
    if (pages > 10_000) throw new Error('pagination does not end');
  }
  return { resources, pages, totals };
}

/** (created_at, numeric id) strictly ascending: each record once, oldest first. */
function outOfOrder(resources: readonly AuditResource[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < resources.length; i += 1) {
    const [a, b] = [resources[i - 1] as AuditResource, resources[i] as AuditResource];
    const byTime = Date.parse(a.attributes.created_at) - Date.parse(b.attributes.created_at);
    if (!(byTime < 0 || (byTime === 0 && Number(a.id) < Number(b.id)))) problems.push(`${a.id} before ${b.id}`);
  }
  return problems;
}

describe('SyntheticPageSource', () => {
  test('pagination serves the range exactly once, in ascending (created_at, id) order', async () => {
    const source = new SyntheticPageSource();
    const { resources, pages, totals } = await readAll(source, WEEK, 170);
    expect(resources.length).toBeGreaterThan(100);
    expect(pages).toBe(Math.ceil(resources.length / 170));
    expect(totals).toEqual(new Set([resources.length]));
    expect(outOfOrder(resources)).toEqual([]);
    const outside = resources.filter((r) => {
      const t = Date.parse(r.attributes.created_at);
      return t < Date.parse(WEEK.start) || t >= Date.parse(WEEK.end);
    });
    expect(outside).toEqual([]);
  });

  test('page size does not change what is served', async () => {
    const source = new SyntheticPageSource();
    const [small, large] = await Promise.all([readAll(source, BUSY_DAY, 4), readAll(source, BUSY_DAY, 1000)]);
    expect(small.resources.length).toBeGreaterThan(20);
    expect(small.resources).toEqual(large.resources);
  });

  test('two instances serve identical resources for the same range', async () => {
    const [a, b] = await Promise.all([readAll(new SyntheticPageSource(), WEEK, 300), readAll(new SyntheticPageSource(), WEEK, 300)]);
    expect(a.resources).toEqual(b.resources);
  });

  test('adjacent ranges add up to the whole range, with no record on both sides', async () => {
    const source = new SyntheticPageSource();
    const whole = await readAll(source, WEEK, 500);
    const middle = whole.resources[Math.floor(whole.resources.length / 2)] as AuditResource;
    const cut = middle.attributes.created_at;
    const left = await readAll(source, { start: WEEK.start, end: cut }, 100);
    const right = await readAll(source, { start: cut, end: WEEK.end }, 100);
    expect([...left.resources, ...right.resources]).toEqual(whole.resources);
    expect(right.resources[0]?.attributes.created_at).toBe(cut);
  });

  test('ranges written with offsets and sub-millisecond digits are honoured', async () => {
    const source = new SyntheticPageSource();
    const utc = await readAll(source, { start: '2025-04-01T13:00:00Z', end: '2025-04-01T23:00:00Z' }, 100);
    const offset = await readAll(source, { start: '2025-04-01T06:00:00.0000-07:00', end: '2025-04-01T16:00:00-07:00' }, 100);
    expect(offset.resources).toEqual(utc.resources);
  });

  test('an empty range is one empty last page', async () => {
    const page = await new SyntheticPageSource().fetchPage({ range: { start: WEEK.start, end: WEEK.start }, pageSize: 10 });
    expect(page).toEqual({ resources: [], nextLink: null, totalCount: 0 });
  });

  test('a different seed gives different data', async () => {
    const [a, b] = await Promise.all([readAll(new SyntheticPageSource(1), WEEK, 1000), readAll(new SyntheticPageSource(2), WEEK, 1000)]);
    expect(a.resources).not.toEqual(b.resources);
  });
});
