import { describe, expect, test } from '@jest/globals';
import { ConnectorError } from '../errors.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractStreamStates, loadStates, parseStreamState, stateJson } from './state.js';

const parseAuditStreamState = (raw: unknown, stream: string) => {
  const state = parseStreamState(raw, stream);
  return state && stateJson(state);
};

const STATE = { created_at: '2025-04-02T20:38:10.476Z', ids_at_created_at: ['101', '102'] };
const OTHER = { created_at: '2025-01-01T00:00:00Z', ids_at_created_at: [] };

const streamMessage = (name: string, streamState: unknown) => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: streamState },
});

/** Runs fn and returns the ConnectorError it throws (failing the test when it does not). */
function connectorErrorOf(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

describe('extractStreamStates', () => {
  test('an array of STREAM messages, one per stream', () => {
    const states = extractStreamStates([streamMessage('audit_logs', STATE), streamMessage('other', OTHER)]);
    expect(Object.fromEntries(states)).toEqual({ audit_logs: STATE, other: OTHER });
  });

  test('a single STREAM message', () => {
    expect(Object.fromEntries(extractStreamStates(streamMessage('audit_logs', STATE)))).toEqual({ audit_logs: STATE });
  });

  test('a STREAM message with a null stream_state contributes nothing', () => {
    expect(extractStreamStates([streamMessage('audit_logs', null)]).size).toBe(0);
  });

  test('a STREAM message without a stream name is a config_error', () => {
    const error = connectorErrorOf(() => extractStreamStates([{ type: 'STREAM', stream: { stream_state: STATE } }]));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('stream_descriptor.name');
  });

  test('a bare per-stream state is kept under the empty name', () => {
    expect(Object.fromEntries(extractStreamStates(STATE))).toEqual({ '': STATE });
  });

  test('a legacy {stream: state} map', () => {
    expect(Object.fromEntries(extractStreamStates({ audit_logs: STATE }))).toEqual({ audit_logs: STATE });
  });

  test('a legacy map under "data"', () => {
    expect(Object.fromEntries(extractStreamStates({ data: { audit_logs: STATE } }))).toEqual({ audit_logs: STATE });
  });

  test('a LEGACY message', () => {
    expect(Object.fromEntries(extractStreamStates({ type: 'LEGACY', data: { audit_logs: STATE } }))).toEqual({ audit_logs: STATE });
  });

  test('a GLOBAL message gives each stream its own state', () => {
    const global = {
      type: 'GLOBAL',
      global: {
        shared_state: { anything: true },
        stream_states: [
          { stream_descriptor: { name: 'audit_logs' }, stream_state: STATE },
          { stream_descriptor: { name: 'other' }, stream_state: OTHER },
        ],
      },
    };
    expect(Object.fromEntries(extractStreamStates([global]))).toEqual({ audit_logs: STATE, other: OTHER });
  });

  test.each([
    ['a number', 42, 'a number'],
    ['a string', '{"created_at": "2025-01-01T00:00:00Z"}', 'a string'],
    ['an array of numbers', [1, 2], 'a number'],
    ['null', null, 'null'],
    ['an array holding an array', [[STATE]], 'an array'],
  ])('%s is a config_error saying what was found', (_label, raw, found) => {
    const error = connectorErrorOf(() => extractStreamStates(raw));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(`found ${found}`);
  });

  test('an unknown message type is a config_error naming it', () => {
    const error = connectorErrorOf(() => extractStreamStates([{ type: 'PER_STREAM_V9', data: {} }]));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('PER_STREAM_V9');
  });

  test('a LEGACY message whose data is not an object is a config_error', () => {
    const error = connectorErrorOf(() => extractStreamStates({ type: 'LEGACY', data: 'audit_logs' }));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('data');
  });
});

describe('parseStreamState, read back as JSON', () => {
  test('a valid state is read with ids as strings, its instant in canonical UTC', () => {
    expect(parseAuditStreamState({ created_at: '2025-04-02T13:38:10.476-07:00', ids_at_created_at: ['a', 7] }, 'audit_logs')).toEqual({
      created_at: '2025-04-02T20:38:10.476Z',
      ids_at_created_at: ['a', '7'],
    });
  });

  test('missing ids mean none were delivered at the instant', () => {
    expect(parseAuditStreamState({ created_at: '2025-04-02T20:38:10Z' }, 'audit_logs')).toEqual({
      created_at: '2025-04-02T20:38:10Z',
      ids_at_created_at: [],
    });
  });

  test('no state or an empty object means a first sync', () => {
    expect(parseAuditStreamState(undefined, 'audit_logs')).toBeUndefined();
    expect(parseAuditStreamState({}, 'audit_logs')).toBeUndefined();
  });

  test.each([
    ['not a date', 'last tuesday'],
    ['no zone', '2025-04-02T20:38:10'],
    ['31 February', '2025-02-31T00:00:00Z'],
  ])('a created_at that is %s is a config_error naming created_at and the stream', (_label, createdAt) => {
    const error = connectorErrorOf(() => parseAuditStreamState({ created_at: createdAt, ids_at_created_at: [] }, 'audit_logs'));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('created_at');
    expect(error.message).toContain('audit_logs');
    expect(error.message).toContain(createdAt);
  });

  test.each([
    ['a string', 'abc'],
    ['a list of objects', [{ id: 'a' }]],
    ['a list of booleans', [true]],
  ])('ids_at_created_at as %s is a config_error naming ids_at_created_at', (_label, ids) => {
    const error = connectorErrorOf(() =>
      parseAuditStreamState({ created_at: '2025-04-02T20:38:10Z', ids_at_created_at: ids }, 'audit_logs'),
    );
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('ids_at_created_at');
  });

  test('a created_at of the wrong type is a config_error naming created_at', () => {
    const error = connectorErrorOf(() => parseAuditStreamState({ created_at: 1743626290 }, 'audit_logs'));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('created_at');
  });

  test('a state without created_at is a config_error naming it', () => {
    const error = connectorErrorOf(() => parseAuditStreamState({ ids_at_created_at: ['a'] }, 'audit_logs'));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain("'created_at'");
  });
});

describe('parseAuditStreamState with ranges ahead', () => {
  const range = (start: string, createdAt: string, end: string, ids?: unknown[]) => ({
    start,
    end,
    created_at: createdAt,
    ...(ids ? { ids_at_created_at: ids } : {}),
  });
  const H = (hour: number): string => `2025-04-02T${String(hour).padStart(2, '0')}:00:00Z`;

  test('ranges a concurrent sync read ahead are kept, so that a resume does not read them again', () => {
    const ahead = [range(H(3), H(5), H(5)), range(H(6), '2025-04-02T06:30:00Z', H(7), ['x', 9])];
    expect(parseAuditStreamState({ created_at: H(1), ids_at_created_at: ['a'], ahead }, 'audit_logs')).toEqual({
      created_at: H(1),
      ids_at_created_at: ['a'],
      ahead: [range(H(3), H(5), H(5), []), range(H(6), '2025-04-02T06:30:00Z', H(7), ['x', '9'])],
    });
  });

  test('an empty list of ranges ahead is the same as none', () => {
    expect(parseAuditStreamState({ created_at: H(1), ahead: [] }, 'audit_logs')).toEqual({ created_at: H(1), ids_at_created_at: [] });
  });

  test.each([
    ['a range starting before created_at', [range(H(0), H(2), H(2))], 'ahead[0]'],
    ['a range starting before the previous one ends', [range(H(3), H(5), H(5)), range(H(4), H(6), H(6))], 'ahead[1]'],
    ['a position before its range', [range(H(3), H(2), H(5))], 'ahead[0]'],
    ['a position past its range', [range(H(3), H(6), H(5))], 'ahead[0]'],
  ])('%s is a config_error naming the range', (_label, ahead, where) => {
    const error = connectorErrorOf(() => parseAuditStreamState({ created_at: H(1), ahead }, 'audit_logs'));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(where);
    expect(error.message).toContain('audit_logs');
  });

  test('ranges may touch: one starting where the last ends, and a range starting at created_at', () => {
    const ahead = [range(H(1), H(2), H(2)), range(H(2), H(2), H(3))];
    expect(parseAuditStreamState({ created_at: H(1), ahead }, 'audit_logs')?.ahead).toHaveLength(2);
  });

  test.each(['start', 'created_at', 'end'] as const)('a range whose %s is not a date-time is a config_error naming that field', (field) => {
    const ahead = [{ ...range(H(3), H(4), H(5)), [field]: '2025-06-31T00:00:00Z' }];
    const error = connectorErrorOf(() => parseAuditStreamState({ created_at: H(1), ahead }, 'audit_logs'));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(`ahead[0].${field}`);
  });

  test('a range without an end is a config_error', () => {
    const error = connectorErrorOf(() =>
      parseAuditStreamState({ created_at: H(1), ahead: [{ start: H(3), created_at: H(4) }] }, 'audit_logs'),
    );
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('end');
  });
});

describe('extractStreamStates: a state that is not understood is never silently dropped', () => {
  const byName = (raw: unknown) => Object.fromEntries(extractStreamStates(raw));

  test('a STREAM message without a type is still read as a stream state', () => {
    expect(byName([{ stream: { stream_descriptor: { name: 'audit_logs' }, stream_state: STATE } }])).toEqual({ audit_logs: STATE });
  });

  test('a STREAM message with no stream at all is a config_error naming the missing name', () => {
    const error = connectorErrorOf(() => extractStreamStates([{ type: 'STREAM' }]));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('stream.stream_descriptor.name');
  });

  test('a STREAM message without a stream_state contributes nothing', () => {
    expect(extractStreamStates([{ type: 'STREAM', stream: { stream_descriptor: { name: 'audit_logs' } } }]).size).toBe(0);
  });

  test('a GLOBAL message without stream states, or with malformed entries, gives only the well-formed ones', () => {
    expect(extractStreamStates([{ type: 'GLOBAL', global: { shared_state: {} } }]).size).toBe(0);
    expect(extractStreamStates([{ type: 'GLOBAL' }]).size).toBe(0);
    const entries = [
      null,
      {},
      { stream_descriptor: 'audit_logs' },
      { stream_descriptor: { name: 7 } },
      { stream_descriptor: { name: 'audit_logs' }, stream_state: STATE },
    ];
    const states = extractStreamStates([{ type: 'GLOBAL', global: { stream_states: entries } }]);
    expect([...states.entries()]).toEqual([['audit_logs', STATE]]);
  });

  test('a bare state with only one of its fields is kept as a state, so that it is checked rather than ignored', () => {
    expect(byName({ created_at: STATE.created_at })).toEqual({ '': { created_at: STATE.created_at } });
    expect(byName({ ids_at_created_at: ['a'] })).toEqual({ '': { ids_at_created_at: ['a'] } });
  });

  test('an invalid state says what is wrong and what a state looks like', () => {
    const error = connectorErrorOf(() => parseAuditStreamState({ created_at: '2025-04-02T20:38:10Z', ahead: 'all' }, 'audit_logs'));
    expect(error.message).toContain("is invalid: 'ahead' must be array");
    expect(error.message).toContain('Expected {"created_at": "<ISO-8601 date-time>"');
    expect(connectorErrorOf(() => parseAuditStreamState({ ids_at_created_at: [] }, 'audit_logs')).message).toContain(
      "The state is missing the required field 'created_at'",
    );
  });
});

describe('loadStates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-test-'));
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  test('reads the per-stream states of a state file', async () => {
    const states = await loadStates(file('state.json', JSON.stringify([streamMessage('audit_logs', STATE)])));
    expect(Object.fromEntries(states)).toEqual({ audit_logs: STATE });
  });

  test('a state file that is missing is a config_error calling it the state file', async () => {
    await expect(loadStates(join(dir, 'absent.json'))).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringContaining('The state file'),
    });
  });
});
