import { describe, expect, it } from '@jest/globals';
import { generateDataset } from './dataset.js';
import { compareInstants, parseInstant, type Instant } from './instants.js';

const start = new Date('2025-01-01T00:00:00Z');
const end = new Date('2025-01-08T00:00:00Z');
const instant = (text: string): Instant => parseInstant(text) as Instant;

describe('generateDataset', () => {
  const records = generateDataset({ count: 5000, start, end, seed: 11 });

  it('is deterministic per seed', () => {
    expect(generateDataset({ count: 5000, start, end, seed: 11 })).toEqual(records);
    expect(generateDataset({ count: 5000, start, end, seed: 12 })).not.toEqual(records);
  });

  it('has unique ids mirrored by the integer id attribute', () => {
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(records.every((r) => r.type === 'audits' && r.attributes.id === Number(r.id))).toBe(true);
  });

  it('is sorted by (instant, numeric id) and stays inside [start, end)', () => {
    for (let i = 1; i < records.length; i++) {
      const a = records[i - 1];
      const b = records[i];
      if (!a || !b) continue;
      const order = compareInstants(instant(a.attributes.created_at), instant(b.attributes.created_at)) || Number(a.id) - Number(b.id);
      expect(order).toBeLessThan(0);
    }
    const times = records.map((r) => Date.parse(r.attributes.created_at));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(start.getTime());
    expect(Math.max(...times)).toBeLessThan(end.getTime());
  });

  it('writes created_at with milliseconds, in Z and in offsets', () => {
    const stamps = records.map((r) => r.attributes.created_at);
    expect(stamps.every((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/.test(s))).toBe(true);
    expect(stamps.some((s) => s.endsWith('Z'))).toBe(true);
    expect(stamps.some((s) => s.endsWith('-07:00'))).toBe(true);
  });

  it('makes clusters of records sharing one millisecond, and ids that are not time-ordered', () => {
    const perMs = new Map<number, number>();
    for (const r of records) perMs.set(Date.parse(r.attributes.created_at), (perMs.get(Date.parse(r.attributes.created_at)) ?? 0) + 1);
    const clustered = [...perMs.values()].filter((n) => n >= 2).length;
    expect(clustered).toBeGreaterThan(50);
    const none = generateDataset({ count: 5000, start, end, seed: 11, sameMillisecondClusterRate: 0 });
    expect(new Set(none.map((r) => Date.parse(r.attributes.created_at))).size).toBeGreaterThan(4990);
    expect(records.some((r, i) => i > 0 && Number(r.id) < Number(records[i - 1]?.id))).toBe(true);
  });

  it('fills the attributes Rootly documents, plus an undeclared one', () => {
    const attributes = records.map((r) => r.attributes);
    expect(new Set(attributes.map((a) => a.event))).toEqual(new Set(['create', 'update', 'destroy']));
    expect(new Set(attributes.map((a) => a.item_type)).size).toBeGreaterThanOrEqual(10);
    expect(attributes.some((a) => a.user_id === null)).toBe(true);
    expect(attributes.every((a) => typeof a.item_id === 'string' && typeof a.request_id === 'string' && 'source' in a)).toBe(true);
    const update = attributes.find((a) => a.event === 'update');
    expect(Object.values(update?.object_changes as Record<string, unknown[]>)[0]).toHaveLength(2);
  });

  it('generates a million records in a few seconds', () => {
    const started = Date.now();
    const million = generateDataset({ count: 1_000_000, start, end, seed: 1 });
    expect(million).toHaveLength(1_000_000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
