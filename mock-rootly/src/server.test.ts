import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { AuditResource } from './resource.js';
import { loadAuditsListValidator } from './contract.js';
import { generateDataset } from './dataset.js';
import type { AuditsListDocument } from './page.js';
import { startMockRootly, type MockRootly } from './server.js';
import { parseDocument, query, request } from './test-support.js';

const KEY = 'test-key';
const validate = loadAuditsListValidator();
const dataset = generateDataset({
  count: 537,
  start: new Date('2025-03-01T00:00:00Z'),
  end: new Date('2025-03-02T00:00:00Z'),
  seed: 7,
  sameMillisecondClusterRate: 0.2,
});
const ms = (resource: AuditResource): number => Date.parse(resource.attributes.created_at);
const ascending = (a: AuditResource, b: AuditResource): number => ms(a) - ms(b) || Number(a.id) - Number(b.id);

let mock: MockRootly;

beforeAll(async () => {
  mock = await startMockRootly({ apiKey: KEY, dataset, forbiddenKeys: ['no-audits-permission'] });
});
afterAll(async () => mock.close());
beforeEach(() => {
  mock.setOptions({ order: 'honour', maxPageSize: 100, defaultPageSize: 20, omitMeta: false, latencyMs: 0 });
  mock.setDataset(dataset);
  mock.resetRequests();
});

/** Fetches one page, insisting on a 200 that satisfies Rootly's published schema. */
async function page(url: string): Promise<AuditsListDocument> {
  const answer = await request(url, KEY);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toBe('application/vnd.api+json');
  const document = parseDocument(answer);
  if (!validate(document)) throw new Error(`schema: ${JSON.stringify(validate.errors)}`);
  return document;
}

/** Follows links.next to the end, like a client that trusts the server's links. */
async function walk(firstUrl: string): Promise<{ records: AuditResource[]; pages: AuditsListDocument[] }> {
  const pages: AuditsListDocument[] = [];
  let url: string | null = firstUrl;
  while (url !== null && pages.length < 1000) {
    const document: AuditsListDocument = await page(url);
    pages.push(document);
    url = document.links.next;
  }
  return { records: pages.flatMap((p) => p.data), pages };
}

describe('contract', () => {
  it('answers the default page in the published audits_list shape', async () => {
    const document = await page(`${mock.url}/v1/audits`);
    expect(document.data).toHaveLength(20);
    expect(document.meta).toEqual({ current_page: 1, next_page: 2, prev_page: null, total_count: 537, total_pages: 27 });
    expect(document.links.prev).toBeNull();
    expect(document.data[0]?.type).toBe('audits');
  });

  it('answers without meta when told to imitate older API versions', async () => {
    mock.setOptions({ omitMeta: true });
    const document = parseDocument(await request(`${mock.url}/v1/audits`, KEY));
    expect(document.meta).toBeUndefined();
    expect(document.links.next).not.toBeNull();
  });
});

describe('pagination and order', () => {
  it('walks every record exactly once, oldest first, with sort=created_at', async () => {
    const { records, pages } = await walk(`${mock.url}/v1/audits?${query({ sort: 'created_at', 'page[size]': 100 })}`);
    expect(pages).toHaveLength(6);
    expect(records.map((r) => r.id)).toEqual([...dataset].sort(ascending).map((r) => r.id));
    const last = pages[pages.length - 1];
    expect(last?.links.next).toBeNull();
    expect(last?.meta?.next_page).toBeNull();
    expect(last?.meta?.prev_page).toBe(5);
  });

  it('serves newest first by default and for sort=-created_at', async () => {
    const newestFirst = [...dataset]
      .sort(ascending)
      .reverse()
      .map((r) => r.id);
    expect((await walk(`${mock.url}/v1/audits?${query({ 'page[size]': 100 })}`)).records.map((r) => r.id)).toEqual(newestFirst);
    expect((await walk(`${mock.url}/v1/audits?${query({ sort: '-created_at', 'page[size]': 100 })}`)).records.map((r) => r.id)).toEqual(
      newestFirst,
    );
  });

  it("ignores sort in 'newest-first' order mode", async () => {
    mock.setOptions({ order: 'newest-first' });
    const { records } = await walk(`${mock.url}/v1/audits?${query({ sort: 'created_at', 'page[size]': 100 })}`);
    expect(records.map((r) => r.id)).toEqual(
      [...dataset]
        .sort(ascending)
        .reverse()
        .map((r) => r.id),
    );
  });

  it("shuffles deterministically in 'shuffled' mode, consistent across pages and walks", async () => {
    mock.setOptions({ order: 'shuffled' });
    const url = `${mock.url}/v1/audits?${query({ sort: 'created_at', 'page[size]': 50 })}`;
    const first = (await walk(url)).records.map((r) => r.id);
    const second = (await walk(url)).records.map((r) => r.id);
    expect(first).toEqual(second);
    expect([...first].sort()).toEqual(dataset.map((r) => r.id).sort());
    expect(first).not.toEqual([...dataset].sort(ascending).map((r) => r.id));
  });

  it('caps page[size] silently at maxPageSize', async () => {
    expect((await page(`${mock.url}/v1/audits?${query({ 'page[size]': 1000 })}`)).data).toHaveLength(100);
    mock.setOptions({ maxPageSize: 50 });
    const document = await page(`${mock.url}/v1/audits?${query({ 'page[size]': 1000 })}`);
    expect(document.data).toHaveLength(50);
    expect(document.meta?.total_pages).toBe(11);
  });

  it('answers an empty page past the end with no next and no prev (Kaminari)', async () => {
    const document = await page(`${mock.url}/v1/audits?${query({ 'page[number]': 99, 'page[size]': 100 })}`);
    expect(document.data).toEqual([]);
    expect(document.links.next).toBeNull();
    expect(document.meta).toMatchObject({ current_page: 99, next_page: null, prev_page: null });
  });
});

describe('links', () => {
  it('are absolute on the mock origin, Rails-encoded, and keep every parameter', async () => {
    const gte = '2025-03-01T02:00:00.000-07:00';
    const document = await page(
      `${mock.url}/v1/audits?${query({ 'filter[created_at][gte]': gte, sort: 'created_at', 'page[size]': 10, 'filter[item_type]': 'Incident' })}`,
    );
    const next = document.links.next ?? '';
    expect(next.startsWith(`${mock.url}/v1/audits?`)).toBe(true);
    expect(next).toBe(
      `${mock.url}/v1/audits?filter%5Bcreated_at%5D%5Bgte%5D=2025-03-01T02%3A00%3A00.000-07%3A00&filter%5Bitem_type%5D=Incident&page%5Bnumber%5D=2&page%5Bsize%5D=10&sort=created_at`,
    );
    expect(document.links.self).toContain('page%5Bnumber%5D=1');
    expect(document.links.first).toContain('page%5Bnumber%5D=1');
    expect(document.links.last).toContain(`page%5Bnumber%5D=${document.meta?.total_pages}`);
    expect(Object.values(document.links).some((link) => link?.includes('['))).toBe(false);
  });

  it('encode a + offset as %2B', async () => {
    const document = await page(`${mock.url}/v1/audits?${query({ 'filter[created_at][lt]': '2025-03-01T12:00:00.5+05:30' })}`);
    expect(document.links.self).toContain('filter%5Bcreated_at%5D%5Blt%5D=2025-03-01T12%3A00%3A00.5%2B05%3A30');
  });
});

describe('created_at filters', () => {
  // A millisecond shared by several records: boundaries must include or exclude all of them.
  const clusterMs = (() => {
    const counts = new Map<number, number>();
    for (const r of dataset) counts.set(ms(r), (counts.get(ms(r)) ?? 0) + 1);
    return [...counts].find(([, n]) => n >= 3)?.[0] ?? 0;
  })();
  const iso = new Date(clusterMs).toISOString();
  const count = (keep: (t: number) => boolean): number => dataset.filter((r) => keep(ms(r))).length;
  const total = async (params: Record<string, string>): Promise<number> =>
    (await page(`${mock.url}/v1/audits?${query(params)}`)).meta?.total_count ?? -1;

  it('treats gte/lte as inclusive and gt/lt as exclusive at a same-millisecond cluster', async () => {
    expect(clusterMs).toBeGreaterThan(0);
    expect(await total({ 'filter[created_at][gte]': iso })).toBe(count((t) => t >= clusterMs));
    expect(await total({ 'filter[created_at][gt]': iso })).toBe(count((t) => t > clusterMs));
    expect(await total({ 'filter[created_at][lt]': iso })).toBe(count((t) => t < clusterMs));
    expect(await total({ 'filter[created_at][lte]': iso })).toBe(count((t) => t <= clusterMs));
    expect(await total({ 'filter[created_at][gte]': iso, 'filter[created_at][lte]': iso })).toBeGreaterThanOrEqual(3);
  });

  it('compares instants across offsets and below the millisecond', async () => {
    const local = new Date(clusterMs - 7 * 3_600_000).toISOString().replace('Z', '-07:00');
    expect(await total({ 'filter[created_at][gte]': local })).toBe(count((t) => t >= clusterMs));
    const justAfter = iso.replace('Z', '001Z'); // one microsecond later
    expect(await total({ 'filter[created_at][gte]': justAfter })).toBe(count((t) => t > clusterMs));
    expect(await total({ 'filter[created_at][lt]': justAfter })).toBe(count((t) => t <= clusterMs));
  });

  it('rejects an unencoded + offset (it arrives as a space) with a 400', async () => {
    const answer = await request(`${mock.url}/v1/audits?filter%5Bcreated_at%5D%5Bgte%5D=2025-03-01T00:00:00+02:00`, KEY);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ errors: [{ status: '400' }] });
  });
});

describe('errors', () => {
  it('answers 401 for a missing or wrong key and 404 for a key without audit permission', async () => {
    for (const key of [undefined, 'wrong']) {
      const answer = await request(`${mock.url}/v1/audits`, key);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ errors: [{ title: 'Invalid token', status: '401' }] });
      expect(answer.headers.get('content-type')).toBe('application/vnd.api+json');
    }
    const forbidden = await request(`${mock.url}/v1/audits`, 'no-audits-permission');
    expect(forbidden.status).toBe(404);
    expect(JSON.parse(forbidden.text)).toEqual({ errors: [{ title: 'Not found or unauthorized', status: '404' }] });
    expect(mock.requests.map((r) => [r.authorization, r.status])).toEqual([
      ['missing', 401],
      ['invalid', 401],
      ['forbidden', 404],
    ]);
  });

  it('answers 404 on other paths and 405 on other methods', async () => {
    expect((await request(`${mock.url}/v1/incidents`, KEY)).status).toBe(404);
    expect((await request(`${mock.url}/v1/audits`, KEY, { method: 'POST' })).status).toBe(405);
  });
});

describe('runtime behaviour', () => {
  it('hides late-visible records until their time comes', async () => {
    const late = dataset[10] as AuditResource;
    mock.setDataset(dataset, new Map([[late.id, Date.now() + 400]]));
    const ids = async (): Promise<string[]> =>
      (await walk(`${mock.url}/v1/audits?${query({ 'page[size]': 100 })}`)).records.map((r) => r.id);
    expect(await ids()).not.toContain(late.id);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await ids()).toContain(late.id);
  });

  it('adds latency with timers, so concurrent requests wait in parallel', async () => {
    mock.setOptions({ latencyMs: 300 });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 100 }, () => request(`${mock.url}/v1/audits`, KEY)));
    const elapsed = Date.now() - started;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
  });

  it('logs each request with its number, url and status', async () => {
    await request(`${mock.url}/v1/audits?${query({ 'page[number]': 2 })}`, KEY);
    expect(mock.requests).toEqual([
      expect.objectContaining({ number: 1, method: 'GET', url: '/v1/audits?page%5Bnumber%5D=2', authorization: 'valid', status: 200 }),
    ]);
    expect(mock.requestsInAnySlidingMinute()).toBe(1);
  });
});
