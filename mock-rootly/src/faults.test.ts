import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadAuditsListValidator } from './contract.js';
import { generateDataset } from './dataset.js';
import type { FaultKind, FaultRule } from './faults.js';
import { startMockRootly, type MockRootly } from './server.js';
import { parseDocument, query, request } from './test-support.js';

const KEY = 'test-key';
const validate = loadAuditsListValidator();
const dataset = generateDataset({ count: 95, start: new Date('2025-03-01T00:00:00Z'), end: new Date('2025-03-02T00:00:00Z'), seed: 3 });
let mock: MockRootly;
let audits: string;

beforeAll(async () => {
  mock = await startMockRootly({ apiKey: KEY, dataset, stallMs: 300 });
  audits = `${mock.url}/v1/audits?${query({ sort: 'created_at', 'page[size]': 10 })}`;
});
afterAll(async () => mock.close());
beforeEach(() => mock.setOptions({ faults: [] }));

/** Arms one fault for the next request only. */
function arm(kind: FaultKind, extra: Partial<FaultRule> = {}): void {
  mock.setOptions({ faults: [{ kind, atRequests: [1], ...extra }] });
  mock.resetRequests();
}

describe('reply faults', () => {
  it.each([
    ['429-retry-after', ['retry-after']],
    ['429-x-ratelimit-reset', ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset']],
    ['429-ratelimit-reset', ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']],
    ['429-no-headers', []],
  ] as Array<[FaultKind, string[]]>)('%s answers 429 with only its own header dialect', async (kind, expected) => {
    arm(kind);
    const started = Date.now();
    const answer = await request(audits, KEY);
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.text)).toEqual({ error: 'Rate limit exceeded. Try again later.' });
    const limitHeaders = [...answer.headers.keys()].filter((name) => /ratelimit|retry-after/.test(name)).sort();
    expect(limitHeaders).toEqual([...expected].sort());
    const reset = answer.headers.get('x-ratelimit-reset') ?? answer.headers.get('ratelimit-reset');
    if (reset !== null) expect(Number(reset)).toBe(Math.ceil((started + 1000) / 1000));
    expect(mock.requests[0]).toMatchObject({ fault: kind, status: 429 });
    expect((await request(audits, KEY)).status).toBe(200);
  });

  it('500 is a JSON:API error; 502 and 503 are proxy HTML pages', async () => {
    arm('500');
    const error = await request(audits, KEY);
    expect(error.status).toBe(500);
    expect(JSON.parse(error.text)).toMatchObject({ errors: [{ status: '500' }] });
    for (const kind of ['502', '503'] as const) {
      arm(kind);
      const answer = await request(audits, KEY);
      expect(answer.status).toBe(Number(kind));
      expect(answer.headers.get('content-type')).toContain('text/html');
    }
  });

  it('html-200 answers 200 with an HTML page', async () => {
    arm('html-200');
    const answer = await request(audits, KEY);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.text.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});

describe('transport faults', () => {
  it('truncated-json and malformed-json answer 200 with bodies JSON.parse rejects', async () => {
    for (const kind of ['truncated-json', 'malformed-json'] as const) {
      arm(kind);
      const answer = await request(audits, KEY);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/vnd.api+json');
      expect(() => JSON.parse(answer.text)).toThrow();
    }
  });

  it('reset-mid-body sends the status line and half the body, then drops the connection', async () => {
    arm('reset-mid-body');
    const response = await fetch(audits, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(mock.requests[0]).toMatchObject({ fault: 'reset-mid-body', status: 200 });
  });

  it('stall never answers and drops the connection after stallMs', async () => {
    arm('stall');
    const started = Date.now();
    await expect(request(audits, KEY)).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(mock.requests[0]).toMatchObject({ fault: 'stall', status: null });
  });
});

describe('page faults (still valid against the schema)', () => {
  async function firstPage(kind: FaultKind) {
    arm(kind);
    const document = parseDocument(await request(audits, KEY));
    if (!validate(document)) throw new Error(JSON.stringify(validate.errors));
    return document;
  }

  it('empty-page-with-next serves no data but a next link to page 2', async () => {
    const document = await firstPage('empty-page-with-next');
    expect(document.data).toEqual([]);
    expect(document.links.next).toContain('page%5Bnumber%5D=2');
    expect(document.meta?.next_page).toBe(2);
  });

  it('repeat-next-link points next at the page itself', async () => {
    const document = await firstPage('repeat-next-link');
    expect(document.links.next).toBe(document.links.self);
  });

  it('foreign-next-link points next at another host', async () => {
    const document = await firstPage('foreign-next-link');
    expect(document.links.next).toMatch(/^http:\/\/evil\.example\.com\/v1\/audits\?.*page%5Bnumber%5D=2/);
  });

  it('duplicate-across-pages repeats the next page’s first record', async () => {
    const document = await firstPage('duplicate-across-pages');
    expect(document.data).toHaveLength(11);
    const second = parseDocument(await request(document.links.next ?? '', KEY));
    expect(document.data[10]).toEqual(second.data[0]);
  });

  it('swap-with-next-page serves pages 1 and 2 in each other’s place, every record once', async () => {
    const document = await firstPage('swap-with-next-page');
    const second = parseDocument(await request(document.links.next ?? '', KEY));
    mock.setOptions({ faults: [] });
    const plainFirst = parseDocument(await request(audits, KEY));
    const plainSecond = parseDocument(await request(plainFirst.links.next ?? '', KEY));
    expect(document.data).toEqual(plainSecond.data);
    expect(second.data).toEqual(plainFirst.data);
    expect(document.links).toEqual(plainFirst.links);
    expect(mock.requests[0]).toMatchObject({ fault: 'swap-with-next-page' });
  });
});

describe('fault scheduling', () => {
  it('a rule without atRequests or rate fires on every request until `times` runs out', async () => {
    mock.setOptions({ faults: [{ kind: '503', times: 2 }] });
    mock.resetRequests();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(audits, KEY)).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  it('rate faults follow the seed: the same seed replays the same requests', async () => {
    const run = async (): Promise<number[]> => {
      mock.setOptions({ faults: [{ kind: '500', rate: 0.3 }], seed: 42 });
      mock.resetRequests();
      for (let i = 0; i < 40; i++) await request(audits, KEY);
      return mock.requests.filter((r) => r.fault === '500').map((r) => r.number);
    };
    const first = await run();
    expect(first.length).toBeGreaterThan(3);
    expect(first.length).toBeLessThan(30);
    expect(await run()).toEqual(first);
  });
});

describe('hostile servers', () => {
  it('429-bad-retry-after asks for no usable wait: 0, negative, a past date, then garbage', async () => {
    mock.setOptions({ faults: [{ kind: '429-bad-retry-after', atRequests: [1, 2, 3, 4] }] });
    mock.resetRequests();
    const values: Array<string | null> = [];
    for (let i = 0; i < 4; i++) values.push((await request(audits, KEY)).headers.get('retry-after'));
    expect(values.filter((v) => v !== null && (v === '0' || v === '-5' || v === 'soon' || Date.parse(v) < Date.now()))).toHaveLength(4);
    expect(new Set(values).size).toBe(4);
  });

  it('echo-key-in-title quotes the key the client sent, straddling the 300th character of the title', async () => {
    arm('echo-key-in-title');
    const answer = await request(audits, KEY);
    expect(answer.status).toBe(500);
    const title = (JSON.parse(answer.text) as { errors: Array<{ title: string }> }).errors[0]?.title ?? '';
    expect(title.indexOf(KEY)).toBeLessThan(300);
    expect(title.lastIndexOf(KEY) + KEY.length).toBeGreaterThan(300);
  });

  it('repeat-records serves the page before again, without a total, linking to the same page under a new URL', async () => {
    const second = parseDocument(
      await request(`${mock.url}/v1/audits?${query({ sort: 'created_at', 'page[size]': 10, 'page[number]': 2 })}`, KEY),
    );
    const first = parseDocument(await request(audits, KEY));
    mock.setOptions({ faults: [{ kind: 'repeat-records', atRequests: [1, 2] }] });
    mock.resetRequests();
    const repeated = parseDocument(
      await request(`${mock.url}/v1/audits?${query({ sort: 'created_at', 'page[size]': 10, 'page[number]': 2 })}`, KEY),
    );
    expect(repeated.data).toEqual(first.data);
    expect(repeated.meta).toBeUndefined();
    expect(repeated.links.next).toContain('page%5Bnumber%5D=2');
    const again = parseDocument(await request(repeated.links.next ?? '', KEY));
    expect(again.links.next).not.toBe(repeated.links.next);
    // Once the fault stops, the same link serves the real page.
    expect(parseDocument(await request(again.links.next ?? '', KEY)).data).toEqual(second.data);
  });

  it.each([
    ['userinfo-next-link', /^http:\/\/rootly:hunter2@127\.0\.0\.1:\d+\/v1\/audits\?/],
    ['sibling-path-next-link', /^http:\/\/127\.0\.0\.1:\d+\/v1\/audits-evil\?/],
  ] as Array<[FaultKind, RegExp]>)('%s links to where the key must not go', async (kind, pattern) => {
    arm(kind);
    expect(parseDocument(await request(audits, KEY)).links.next).toMatch(pattern);
  });

  it('echo-key-in-link quotes the key at the 200th character: in a link that is not a URL, then in one to another host', async () => {
    mock.setOptions({ faults: [{ kind: 'echo-key-in-link', atRequests: [1, 2] }] });
    mock.resetRequests();
    for (const expectUrl of [false, true]) {
      const next = parseDocument(await request(audits, KEY)).links.next ?? '';
      const at = next.indexOf(KEY);
      expect(at).toBeLessThan(200);
      expect(at + KEY.length).toBeGreaterThan(200);
      expect(URL.canParse(next)).toBe(expectUrl);
    }
  });

  it("conflicting-duplicate puts the first record's id on the last row with another content", async () => {
    arm('conflicting-duplicate');
    const { data, meta } = parseDocument(await request(audits, KEY));
    expect(data.at(-1)?.id).toBe(data[0]?.id);
    expect(data.at(-1)).not.toEqual(data[0]);
    expect(meta?.total_count).toBe(95);
  });

  it('deep-record nests one record 100,000 levels deep; no-created-at drops one created_at', async () => {
    arm('deep-record');
    const deep = await request(audits, KEY);
    expect(deep.text.length).toBeGreaterThan(1_000_000);
    expect(() => JSON.parse(deep.text)).not.toThrow();
    arm('no-created-at');
    const { data } = parseDocument(await request(audits, KEY));
    expect(data.filter((record) => record.attributes.created_at === undefined)).toHaveLength(1);
  });

  it('gzip-bomb inflates tenfold and more; huge-body and huge-page are as large as asked', async () => {
    mock.setOptions({ hostileSizes: { gzipBombBytes: 8 * 1024 * 1024, hugeBodyBytes: 3_000_000, hugePageRecords: 2_500 } });
    arm('gzip-bomb');
    const bomb = await request(audits, KEY);
    expect(bomb.text.length).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(JSON.parse(bomb.text)).toEqual({ data: [] });
    expect(mock.requests[0]).toMatchObject({ fault: 'gzip-bomb', status: 200 });
    arm('huge-body');
    const body = await request(audits, KEY);
    expect(body.headers.get('content-length')).toBe('3000000');
    expect(body.text.length).toBe(3_000_000);
    arm('huge-page');
    expect(parseDocument(await request(audits, KEY)).data).toHaveLength(2_500);
    mock.setOptions({ hostileSizes: {} });
  });

  it('the Date header follows the server clock, ahead or behind, or is left out', async () => {
    for (const offset of [-600_000, 90_000]) {
      mock.setOptions({ clockOffsetMs: offset });
      const date = Date.parse((await request(audits, KEY)).headers.get('date') ?? '');
      expect(Math.abs(date - (Date.now() + offset))).toBeLessThan(2_000);
    }
    mock.setOptions({ clockOffsetMs: 0, omitDateHeader: true });
    expect((await request(audits, KEY)).headers.get('date')).toBeNull();
    mock.setOptions({ omitDateHeader: false });
  });
});
