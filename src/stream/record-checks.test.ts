import { describe, expect, test } from '@jest/globals';
import { parseInstantOrThrow } from '../cursor/instant.js';
import { StateBook } from '../cursor/state-book.js';
import { ConnectorError } from '../errors.js';
import { AUDIT_KEYS, type AuditResource } from '../rootly/audits.js';
import type { Page, PageRequest, PageSource, RecordKeys } from './page-source.js';
import { MAX_RECORD_DEPTH, nestsDeeperThan, PageRepeats, placeInTime } from './record-checks.js';
import { newStreamStats, readStream } from './stream-reader.js';

const START = '2025-04-02T20:00:00Z';
const END = '2025-04-02T21:00:00Z';

const audit = (id: string, minute: number, extra: Record<string, unknown> = {}): AuditResource => ({
  id,
  type: 'audits',
  attributes: { event: 'update', created_at: `2025-04-02T20:${String(minute).padStart(2, '0')}:00Z`, ...extra },
});

/** A value nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 1; level <= depth; level += 1) value = level % 2 === 0 ? [value] : { down: value };
  return value;
}

/** Serves the given pages in turn, linking each to the next; logs when each page is fetched. */
class ScriptedPages implements PageSource<AuditResource> {
  readonly log: string[] = [];
  private served = 0;

  constructor(
    private readonly pages: AuditResource[][],
    private readonly totalCount?: number,
  ) {}

  fetchPage(request: PageRequest): Promise<Page<AuditResource>> {
    const index = request.link === undefined ? 0 : Number(request.link.split('=')[1]);
    this.served += 1;
    this.log.push(`fetch ${index}`);
    const resources = [...(this.pages[index] ?? [])];
    const nextLink = index + 1 < this.pages.length ? `https://api.rootly.test/v1/audits?page=${index + 1}` : null;
    return Promise.resolve({ resources, nextLink, ...(this.totalCount !== undefined ? { totalCount: this.totalCount } : {}) });
  }
}

async function sync(pages: ScriptedPages, pageSize = 3): Promise<{ ids: string[]; error?: ConnectorError }> {
  const book = new StateBook(
    { position: { instant: parseInstantOrThrow(START, 'start'), ids: [] }, ahead: [] },
    parseInstantOrThrow(END, 'end'),
  );
  const ids: string[] = [];
  const render = (records: AuditResource[]): AuditResource[] => records;
  const stream = readStream(
    {
      pages,
      keys: AUDIT_KEYS,
      render,
      book,
      pageSize,
      windowSizeMs: 3_600_000,
      concurrency: () => 4,
      debug: () => undefined,
      warn: () => undefined,
    },
    newStreamStats(),
  );
  try {
    for await (const event of stream) {
      if (event.kind === 'records') {
        pages.log.push(`emit ${event.records.map((r) => r.id).join(',')}`);
        ids.push(...event.records.map((r) => r.id));
      }
    }
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return { ids, error };
  }
  return { ids };
}

describe('nestsDeeperThan', () => {
  test('measures without recursion, however deep', () => {
    expect(nestsDeeperThan(nested(100_000), MAX_RECORD_DEPTH)).toBe(true);
    expect(nestsDeeperThan(nested(MAX_RECORD_DEPTH), MAX_RECORD_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_RECORD_DEPTH + 1), MAX_RECORD_DEPTH)).toBe(true);
    expect(nestsDeeperThan({ a: [1, 'x', null, { b: {} }] }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: [1, 'x', null, { b: {} }] }, 3)).toBe(true);
  });
});

describe('PageRepeats', () => {
  test('a page repeating every id is checked in one pass over it, not one search per repeat', () => {
    const distinct = Array.from({ length: 2000 }, (_, i) => audit(`r-${i}`, 1 + (i % 50)));
    const page = [...distinct, ...distinct.map((record) => structuredClone(record))];
    let idReads = 0;
    const keys: RecordKeys<AuditResource> = {
      idOf: (record) => {
        idReads += 1;
        return record.id;
      },
      instantOf: (record) => AUDIT_KEYS.instantOf(record),
    };
    const repeats = new PageRepeats(page, keys, '[window]');
    for (let index = distinct.length; index < page.length; index += 1) repeats.check(index, (page[index] as AuditResource).id);
    expect(idReads).toBeLessThanOrEqual(page.length);
  });

  test('a repeat is compared with the first record of its id on the page', () => {
    const page = [audit('1', 1), audit('2', 2), audit('2', 2), audit('2', 2, { item_type: 'Schedule' })];
    const repeats = new PageRepeats(page, AUDIT_KEYS, '[window]');
    expect(() => repeats.check(2, '2')).not.toThrow();
    expect(() => repeats.check(3, '2')).toThrow('two different contents');
  });
});

describe('a record the connector cannot handle ends the sync with a system_error naming it', () => {
  test('a record nested 100,000 levels deep: no stack overflow', async () => {
    const pages = new ScriptedPages([[audit('1', 1), audit('deep-7', 2, { object: nested(100_000) }), audit('3', 3)]]);
    const { error } = await sync(pages);
    expect(error?.failureType).toBe('system_error');
    expect(error?.message).toContain('"deep-7"');
    expect(error?.message).toContain(`more than ${MAX_RECORD_DEPTH} levels deep`);
  });

  test.each([
    ['no created_at', { created_at: undefined }, 'it has no created_at'],
    ['a created_at that is not a date', { created_at: 'yesterday' }, 'not an ISO-8601 date-time'],
    ['a created_at that is a number', { created_at: 1_743_624_000 }, 'not an ISO-8601 date-time'],
  ])('%s', async (_label, attributes, problem) => {
    const broken = audit('no-time-9', 2);
    Object.assign(broken.attributes, attributes);
    if (attributes.created_at === undefined) delete (broken.attributes as Partial<AuditResource['attributes']>).created_at;
    const { error } = await sync(new ScriptedPages([[audit('1', 1), broken]]));
    expect(error?.failureType).toBe('system_error');
    expect(error?.message).toContain('"no-time-9"');
    expect(error?.message).toContain(problem);
  });

  test('the same id twice on one page with two different contents', async () => {
    const pages = new ScriptedPages(
      [[audit('1', 1), audit('twice-4', 2, { item_type: 'Incident' }), audit('twice-4', 2, { item_type: 'Schedule' })]],
      3,
    );
    const { error } = await sync(pages);
    expect(error?.failureType).toBe('system_error');
    expect(error?.message).toContain('"twice-4"');
    expect(error?.message).toContain('two different contents');
    // It fails at once: the window is not read again and again.
    expect(pages.log.filter((entry) => entry.startsWith('fetch'))).toHaveLength(1);
  });
});

describe('pages the connector can handle', () => {
  test('the same record twice on one counted page is one record, and the count is met', async () => {
    const pages = new ScriptedPages([[audit('1', 1), audit('2', 2), audit('2', 2)], [audit('3', 3)]], 4);
    const { ids, error } = await sync(pages);
    expect(error).toBeUndefined();
    expect(ids.sort()).toEqual(['1', '2', '3']);
    expect(pages.log.filter((entry) => entry === 'fetch 0')).toHaveLength(1);
  });

  test('a page larger than asked for goes out before the next page is fetched', async () => {
    const big = Array.from({ length: 10 }, (_, i) => audit(`big-${i}`, 1 + i));
    const pages = new ScriptedPages([big, [audit('after', 30)]]);
    const { ids } = await sync(pages, 3);
    expect(ids).toHaveLength(11);
    expect(pages.log.indexOf('fetch 1')).toBeGreaterThan(pages.log.findIndex((entry) => entry.startsWith('emit big-0')));
  });
});

describe('placeInTime', () => {
  test('a record without a usable time fails naming it, with the reason kept in the stack the TRACE carries', () => {
    const record = { id: 'r-1', type: 'audits', attributes: { created_at: 'yesterday' } } as unknown as AuditResource;
    let failure: unknown;
    try {
      placeInTime([record], AUDIT_KEYS, '[20:00, 21:00)');
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConnectorError);
    const connectorError = failure as ConnectorError;
    expect(connectorError.failureType).toBe('system_error');
    expect(connectorError.message).toContain('"r-1" in [20:00, 21:00)');
    expect(connectorError.fullStack).toMatch(/Caused by: UnplaceableRecordError: record r-1: /);
  });
});
