import type { AuditResource } from '../../src/rootly/audits.js';
import { generateDataset, startMockRootly, type MockRootly, type MockRootlyOptions } from '../../mock-rootly/src/index.js';
import type { RunResult } from './connector.js';

/** A distinctive key: every test asserts it never appears in any byte of output. */
export const API_KEY = 'rk-live-LEAKCANARY-7f3a9c2e51';

export const HOUR = 3_600_000;

export function dataset(count: number, hoursAgoStart = 48, hoursAgoEnd = 1, seed = 7): AuditResource[] {
  const now = Date.now();
  return generateDataset({ count, start: new Date(now - hoursAgoStart * HOUR), end: new Date(now - hoursAgoEnd * HOUR), seed });
}

export async function mockRootly(options: Partial<MockRootlyOptions> = {}): Promise<MockRootly> {
  return startMockRootly({ apiKey: API_KEY, ...options });
}

export function mockConfig(mock: MockRootly, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    api_key: API_KEY,
    base_url: mock.url,
    backfill_start_time: new Date(Date.now() - 72 * HOUR).toISOString(),
    settle_delay_seconds: 0,
    page_size: 50,
    window_size_hours: 12,
    ...overrides,
  };
}

/**
 * Writes one record every `everyMs` into `written` and the mock, ids counting up from `firstId`,
 * stamped by `createdAt` (the server's clock), until the returned function is called.
 */
export function liveWriter(
  mock: MockRootly,
  written: AuditResource[],
  options: { firstId: number; everyMs: number; createdAt: () => string },
): () => void {
  let id = options.firstId;
  const timer = setInterval(() => {
    id += 1;
    written.push({
      id: String(id),
      type: 'audits',
      attributes: { event: 'create', item_type: 'Incident', created_at: options.createdAt(), id },
    });
    mock.setDataset(written);
  }, options.everyMs);
  return () => clearInterval(timer);
}

export function expectNoSecret(result: RunResult): void {
  expect(result.stdout.includes(API_KEY)).toBe(false);
  expect(result.stderr.includes(API_KEY)).toBe(false);
}

export const ids = (items: Array<{ id: string }>): string[] => items.map((item) => item.id);
export const sortedIds = (items: Array<{ id: string }>): string[] => ids(items).sort();

/** Ids in a list that occur more than once. */
export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}
