import { describe, expect, test } from '@jest/globals';
import { parseInstant } from '../cursor/instant.js';
import { syntheticEvents, syntheticResource, type SyntheticEvent } from './generator.js';

const SEED = 20_240_601;
const WEEK_START = Date.UTC(2025, 2, 31); // a Monday
const WEEK_END = WEEK_START + 7 * 86_400_000;
const week = (seed = SEED): SyntheticEvent[] => [...syntheticEvents(WEEK_START, WEEK_END, seed)];

describe('syntheticEvents', () => {
  test('a week holds a realistic number of events, all inside the range, in ascending time', () => {
    const events = week();
    expect(events.length).toBeGreaterThan(100);
    expect(events.length).toBeLessThan(5000);
    expect(events.filter((e) => e.epochMs < WEEK_START || e.epochMs >= WEEK_END)).toEqual([]);
    expect(events.filter((e, i) => i > 0 && e.epochMs < (events[i - 1] as SyntheticEvent).epochMs)).toEqual([]);
  });

  test('some events share a millisecond, as real audit trails do', () => {
    const events = week();
    const shared = events.filter((e, i) => i > 0 && e.epochMs === (events[i - 1] as SyntheticEvent).epochMs);
    expect(shared.length).toBeGreaterThan(0);
  });

  test('the same range always yields the same events; another seed yields others', () => {
    expect(week()).toEqual(week());
    expect(week(SEED + 1)).not.toEqual(week());
  });

  test('a range split anywhere yields the same events as the whole range', () => {
    const split = WEEK_START + 3 * 86_400_000 + 12_345_678;
    expect([...syntheticEvents(WEEK_START, split, SEED), ...syntheticEvents(split, WEEK_END, SEED)]).toEqual(week());
  });

  test('bounds are [start, end): an event exactly at end belongs to the next range', () => {
    const events = week();
    const some = events[Math.floor(events.length / 2)] as SyntheticEvent;
    const before = [...syntheticEvents(WEEK_START, some.epochMs, SEED)];
    expect(before.every((e) => e.epochMs < some.epochMs)).toBe(true);
    const after = [...syntheticEvents(some.epochMs, WEEK_END, SEED)];
    expect(after[0]?.epochMs).toBe(some.epochMs);
  });
});

describe('syntheticResource', () => {
  const resources = week().map((event) => syntheticResource(event, SEED));

  test('ids are unique', () => {
    expect(new Set(resources.map((r) => r.id)).size).toBe(resources.length);
  });

  test('attributes have the shape Rootly sends', () => {
    const problems = resources.flatMap((resource) => {
      const a = resource.attributes;
      const changes = a['object_changes'];
      const checks: Array<[string, boolean]> = [
        ['type audits', resource.type === 'audits'],
        ['event create/update/destroy', ['create', 'update', 'destroy'].includes(String(a.event))],
        [
          'created_at ISO with Z',
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(a.created_at) && parseInstant(a.created_at) !== undefined,
        ],
        ['numeric id attribute', a['id'] === Number(resource.id)],
        ['item_type string', typeof a['item_type'] === 'string'],
        ['item_id string', typeof a['item_id'] === 'string'],
        ['user_id integer', Number.isInteger(a['user_id'])],
        [
          'object_changes {field: [before, after]}',
          typeof changes === 'object' &&
            changes !== null &&
            Object.keys(changes).length > 0 &&
            Object.values(changes).every((v) => Array.isArray(v) && v.length === 2),
        ],
      ];
      return checks.filter(([, ok]) => !ok).map(([what]) => `audit ${resource.id}: ${what}`);
    });
    expect(problems).toEqual([]);
  });

  test('a create has no before value and a destroy no after value', () => {
    for (const { attributes } of resources) {
      const changes = Object.entries(attributes['object_changes'] as Record<string, [unknown, unknown]>).filter(
        ([field]) => field !== 'updated_at',
      );
      for (const [field, [before, after]] of changes) {
        if (attributes.event === 'create' && before !== null) throw new Error(`create with a before value for ${field}`);
        if (attributes.event === 'destroy' && after !== null) throw new Error(`destroy with an after value for ${field}`);
      }
    }
  });

  test('all three event kinds occur over a week', () => {
    expect(new Set(resources.map((r) => r.attributes.event))).toEqual(new Set(['create', 'update', 'destroy']));
  });

  test('created_at is the event time', () => {
    expect(resources.map((r) => Date.parse(r.attributes.created_at))).toEqual(week().map((e) => e.epochMs));
  });
});
