import { CATALOG, errorTraces, records, runConnector, stateFile, stateMessages, type RunResult } from '../helpers/connector.js';
import { API_KEY } from '../helpers/fixtures.js';

const GOOD = { api_key: API_KEY, use_synthetic_data: true, backfill_start_time: '2026-11-25T00:00:00Z' };

async function readWith(files: { config?: unknown; catalog?: unknown; state?: unknown }, missing?: 'config'): Promise<RunResult> {
  const args = ['read', '--config', missing === 'config' ? '/nonexistent/config.json' : '{config}', '--catalog', '{catalog}'];
  if (files.state !== undefined) args.push('--state', '{state}');
  return runConnector(args, {
    files: {
      config: files.config ?? GOOD,
      catalog: files.catalog ?? CATALOG(),
      ...(files.state !== undefined ? { state: files.state } : {}),
    },
  });
}

function expectConfigError(result: RunResult, pattern: RegExp): void {
  expect(result.exitCode).not.toBe(0);
  const errors = errorTraces(result);
  expect(errors).toHaveLength(1);
  expect(errors[0]?.failure_type).toBe('config_error');
  expect(errors[0]?.message).toMatch(pattern);
  expect(errors[0]?.message).not.toMatch(/\n\s+at /); // no stack trace in the user message
  expect(records(result)).toHaveLength(0);
  expect(stateMessages(result)).toHaveLength(0); // no state advanced
  expect(result.stdout + result.stderr).not.toContain(API_KEY);
}

describe('bad input gets a config_error naming what is wrong', () => {
  test.each<[string, unknown, RegExp]>([
    ['missing key', { use_synthetic_data: true }, /required field 'api_key'/],
    ['empty key', { ...GOOD, api_key: '' }, /'api_key'/],
    ['wrong type', { ...GOOD, page_size: '100' }, /'page_size' must be integer/],
    ['backfill without zone', { ...GOOD, backfill_start_time: '2025-01-01T00:00:00' }, /'backfill_start_time' must be an ISO-8601/],
    ['future backfill', { ...GOOD, backfill_start_time: '2999-01-01T00:00:00Z' }, /in the future/],
    ['http to a remote host', { ...GOOD, base_url: 'http://api.rootly.com' }, /'base_url' must use https/],
    ['empty file', '', /is empty/],
    ['not JSON', '{"api_key": ', /is not valid JSON/],
    ['not an object', '[1,2]', /must be a JSON object/],
  ])('config: %s', async (_label, config, pattern) => {
    expectConfigError(await readWith({ config }), pattern);
  });

  test('config: a missing file', async () => {
    expectConfigError(await readWith({}, 'config'), /does not exist/);
  });

  test('config: unknown fields are reported as a warning, not fatal', async () => {
    const result = await readWith({ config: { ...GOOD, backfil_start_time: 'typo' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("The config field 'backfil_start_time' is not one this source knows");
  });

  test.each<[string, unknown, RegExp]>([
    [
      'unknown stream',
      { streams: [{ stream: { name: 'incidents' }, sync_mode: 'incremental', destination_sync_mode: 'append' }] },
      /'incidents'.*audit_logs/,
    ],
    [
      'invalid sync mode',
      { streams: [{ stream: { name: 'audit_logs' }, sync_mode: 'sometimes', destination_sync_mode: 'append' }] },
      /sync_mode/,
    ],
    ['no streams', { streams: [] }, /selects no stream/],
    ['malformed JSON', '{"streams": [', /catalog file .* is not valid JSON/],
  ])('catalog: %s', async (_label, catalog, pattern) => {
    expectConfigError(await readWith({ catalog }), pattern);
  });

  test('catalog: a missing cursor_field uses the source-defined created_at', async () => {
    const catalog = { streams: [{ stream: { name: 'audit_logs' }, sync_mode: 'incremental', destination_sync_mode: 'append' }] };
    const result = await readWith({ catalog });
    expect(result.exitCode).toBe(0);
    expect(stateMessages(result).length).toBeGreaterThan(0);
  });

  test.each<[string, unknown, RegExp]>([
    ['garbage', 'not json at all', /state file .* is not valid JSON/],
    ['a number', '42', /found a number/],
    [
      'wrong shape',
      [{ type: 'STREAM', stream: { stream_descriptor: { name: 'audit_logs' }, stream_state: { created_at: 12 } } }],
      /'created_at' must be string/,
    ],
    ['a cursor that is not a date', { created_at: 'yesterday' }, /not an ISO-8601/],
    ['ids that are not a list', { created_at: '2026-11-25T00:00:00Z', ids_at_created_at: 'a,b' }, /'ids_at_created_at' must be array/],
    ['unknown message type', [{ type: 'PER_TABLE', data: {} }], /PER_TABLE/],
  ])('state: %s', async (_label, state, pattern) => {
    expectConfigError(await readWith({ state }), pattern);
  });

  test('state: a far-future cursor gives 0 records and one STATE', async () => {
    const state = { created_at: '2999-01-01T00:00:00Z', ids_at_created_at: [] };
    const result = await readWith({ state: stateFile(state) });
    expect(result.exitCode).toBe(0);
    expect(records(result)).toHaveLength(0);
    expect(stateMessages(result)).toHaveLength(1);
  });

  test.each<[string, unknown]>([
    [
      'a single message',
      { type: 'STREAM', stream: { stream_descriptor: { name: 'audit_logs' }, stream_state: { created_at: '2026-11-26T00:00:00Z' } } },
    ],
    ['a bare state object', { created_at: '2026-11-26T00:00:00Z', ids_at_created_at: [] }],
    ['a legacy stream map', { audit_logs: { created_at: '2026-11-26T00:00:00Z' } }],
    ['a LEGACY message', { type: 'LEGACY', data: { audit_logs: { created_at: '2026-11-26T00:00:00Z' } } }],
  ])('state: %s is accepted and takes precedence over the backfill time', async (_label, state) => {
    const result = await readWith({ state });
    expect(result.exitCode).toBe(0);
    for (const record of records(result)) expect(Date.parse(record.created_at)).toBeGreaterThanOrEqual(Date.parse('2026-11-26T00:00:00Z'));
  });

  test('state: an unknown stream is ignored with a warning', async () => {
    const state = [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'incidents' }, stream_state: { created_at: '2026-11-26T00:00:00Z' } } },
    ];
    const result = await readWith({ state });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("The state holds the stream 'incidents'");
  });
});
