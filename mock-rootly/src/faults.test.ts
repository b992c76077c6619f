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
