import { readFileSync } from 'node:fs';
import { errorTraces, records, runConnector, runRead, states, streamStatuses, type RunResult } from '../helpers/connector.js';
import { API_KEY } from '../helpers/fixtures.js';

const spec = JSON.parse(readFileSync(new URL('../../spec.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const SYNTHETIC = { api_key: API_KEY, use_synthetic_data: true, backfill_start_time: '2026-11-20T00:00:00Z' };

const onlyMessage = (result: RunResult, type: string): Record<string, unknown> => {
  const found = result.messages.filter((m) => m.type === type);
  expect(found).toHaveLength(1);
  return found[0] as Record<string, unknown>;
};

describe('spec, discover and check', () => {
  test('spec prints exactly spec.json as one SPEC message', async () => {
    const result = await runConnector(['spec']);
    expect(result.exitCode).toBe(0);
    expect(result.messages).toHaveLength(1);
    expect(onlyMessage(result, 'SPEC')['spec']).toEqual(spec);
  });

  test('discover offers audit_logs with a created_at cursor, id key, full_refresh listed first', async () => {
    const result = await runConnector(['discover', '--config', '{config}'], { files: { config: SYNTHETIC } });
    expect(result.exitCode).toBe(0);
    const catalog = onlyMessage(result, 'CATALOG')['catalog'] as { streams: Array<Record<string, unknown>> };
    expect(catalog.streams).toHaveLength(1);
    expect(catalog.streams[0]).toMatchObject({
      name: 'audit_logs',
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['created_at'],
      source_defined_primary_key: [['id']],
    });
    const schema = catalog.streams[0]?.['json_schema'] as {
      properties: Record<string, { properties?: Record<string, { type: unknown }> }>;
    };
    expect(schema.properties['attributes']?.properties?.['user_email']?.type).toEqual(['null', 'string']);
    expect(JSON.stringify(schema)).not.toContain('$ref');
  });

  test('check in synthetic mode succeeds without a network', async () => {
    const result = await runConnector(['check', '--config', '{config}'], { files: { config: SYNTHETIC } });
    expect(result.exitCode).toBe(0);
    expect(onlyMessage(result, 'CONNECTION_STATUS')['connectionStatus']).toEqual({ status: 'SUCCEEDED' });
  });

  test('check with an invalid config is FAILED naming the field, with exit 0', async () => {
    const result = await runConnector(['check', '--config', '{config}'], { files: { config: { api_key: API_KEY, page_size: 'ten' } } });
    expect(result.exitCode).toBe(0);
    const status = onlyMessage(result, 'CONNECTION_STATUS')['connectionStatus'] as { status: string; message: string };
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain("'page_size'");
    expect(result.stdout).not.toContain(API_KEY);
  });

  test('an unknown command or a missing option is a config_error with a non-zero exit', async () => {
    for (const args of [['sync'], ['read', '--config', 'x.json'], []]) {
      const result = await runConnector(args);
      expect(result.exitCode).not.toBe(0);
      expect(errorTraces(result)[0]?.failure_type).toBe('config_error');
    }
  });
});

describe('synthetic data', () => {
  const read = (config: unknown, state?: unknown): Promise<RunResult> => runRead(config, { state });

  test('the same time range always yields the same records, and a resumed sync adds only newer ones', async () => {
    const run1 = await read(SYNTHETIC);
    const run2 = await read(SYNTHETIC);
    expect(run1.exitCode).toBe(0);
    expect(streamStatuses(run1)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    const cutoff = Date.parse('2026-11-25T00:00:00Z');
    const before = (result: RunResult): unknown[] =>
      result.messages
        .filter((m) => m.type === 'RECORD')
        .map((m) => (m as unknown as { record: { data: { created_at: string } } }).record.data)
        .filter((d) => Date.parse(d.created_at) < cutoff);
    expect(before(run1).length).toBeGreaterThan(500);
    expect(before(run2)).toEqual(before(run1));
    const last = states(run1).at(-1);
    const resumed = await read(SYNTHETIC, last);
    expect(resumed.exitCode).toBe(0);
    const firstIds = new Set(records(run1).map((r) => r.id));
    expect(records(resumed).filter((r) => firstIds.has(r.id))).toEqual([]);
    for (const record of records(resumed)) expect(Date.parse(record.created_at)).toBeGreaterThanOrEqual(Date.parse(last?.created_at ?? ''));
  });
});
