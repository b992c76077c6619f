import { describe, expect, test } from '@jest/globals';
import { parseConfig } from './config.js';
import { ConnectorError } from './errors.js';
import { secretProblem } from './secrets.js';
import { loadSpec } from './spec.js';

const NOW = new Date('2025-04-02T20:00:00Z');
const KEY = 'sk-live-LEAKCHECK-123';

function configErrorOf(raw: unknown): ConnectorError {
  try {
    parseConfig(raw, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    return error as ConnectorError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('parseConfig', () => {
  test('fills every default and converts units', () => {
    const { config, unknownFields } = parseConfig({ api_key: KEY }, NOW);
    expect(config).toEqual({
      apiKey: KEY,
      backfillStart: undefined,
      useSyntheticData: false,
      baseUrl: new URL('https://api.rootly.com'),
      pageSize: 100,
      windowSizeMs: 24 * 3_600_000,
      settleDelayMs: 60_000,
      requestsPerMinute: 3000,
      requestTimeoutMs: 60_000,
      maxRetryMs: 600_000,
      maxConcurrentWindows: 16,
    });
    expect(unknownFields).toEqual([]);
  });

  test('explicit values are used, with fractional window hours', () => {
    const { config } = parseConfig(
      {
        api_key: KEY,
        backfill_start_time: '2025-01-01T00:00:00.5-07:00',
        page_size: 50,
        window_size_hours: 0.5,
        settle_delay_seconds: 0,
        requests_per_minute: 5,
        request_timeout_seconds: 10,
        max_retry_seconds: 30,
      },
      NOW,
    );
    expect(config.backfillStart).toEqual({ epochSeconds: Date.UTC(2025, 0, 1, 7) / 1000, fraction: '5' });
    expect(config).toMatchObject({
      pageSize: 50,
      windowSizeMs: 1_800_000,
      settleDelayMs: 0,
      requestsPerMinute: 5,
      requestTimeoutMs: 10_000,
      maxRetryMs: 30_000,
    });
  });

  test('the input object is not modified', () => {
    const raw = { api_key: KEY };
    parseConfig(raw, NOW);
    expect(raw).toEqual({ api_key: KEY });
  });

  test('unknown fields are reported, not rejected', () => {
    const { unknownFields } = parseConfig({ api_key: KEY, start_date: '2025-01-01', tenant: 'acme' }, NOW);
    expect(unknownFields.sort()).toEqual(['start_date', 'tenant']);
  });

  test.each([
    ['a missing api_key', {}, 'api_key'],
    ['an empty api_key', { api_key: '' }, 'api_key'],
    ['an api_key of the wrong type', { api_key: 12345 }, 'api_key'],
    ['page_size as a string', { api_key: KEY, page_size: '10' }, 'page_size'],
    ['page_size 0', { api_key: KEY, page_size: 0 }, 'page_size'],
    ['a fractional page_size', { api_key: KEY, page_size: 2.5 }, 'page_size'],
    ['window_size_hours 0', { api_key: KEY, window_size_hours: 0 }, 'window_size_hours'],
    ['requests_per_minute as a string', { api_key: KEY, requests_per_minute: '3000' }, 'requests_per_minute'],
    ['use_synthetic_data as a string', { api_key: KEY, use_synthetic_data: 'true' }, 'use_synthetic_data'],
    ['a backfill without a time zone', { api_key: KEY, backfill_start_time: '2025-01-01T00:00:00' }, 'backfill_start_time'],
    ['a backfill that is not a date', { api_key: KEY, backfill_start_time: 'last week' }, 'backfill_start_time'],
    ['a backfill on 31 February', { api_key: KEY, backfill_start_time: '2025-02-31T00:00:00Z' }, 'backfill_start_time'],
    ['a backfill in the future', { api_key: KEY, backfill_start_time: '2025-04-02T20:00:01Z' }, 'backfill_start_time'],
    ['an http base_url to a remote host', { api_key: KEY, base_url: 'http://api.rootly.com' }, 'base_url'],
    ['a base_url that is not a URL', { api_key: KEY, base_url: 'api.rootly.com' }, 'base_url'],
  ])('rejects %s with a config_error naming the field', (_label, raw, field) => {
    expect(configErrorOf(raw).message).toContain(`'${field}'`);
  });

  test.each(['', 'a string', 42, null, [{ api_key: KEY }]])('a config that is not an object (%p) is a config_error', (raw) => {
    expect(configErrorOf(raw).message).toContain('JSON object');
  });

  test('a backfill at exactly now is accepted', () => {
    expect(parseConfig({ api_key: KEY, backfill_start_time: '2025-04-02T20:00:00Z' }, NOW).config.backfillStart).toBeDefined();
  });

  test.each([
    ['a path starting with //, read by URL resolution as another host', 'https://api.rootly.com//evil.example'],
    ['a loopback origin followed by //another loopback origin', 'http://127.0.0.1:8080//127.0.0.1:9090'],
    ['a .. segment', 'https://proxy.example.com/rootly/../other'],
    ['a percent-encoded .. segment', 'https://proxy.example.com/rootly/%2e%2E/other'],
    ['a . segment', 'https://proxy.example.com/./rootly'],
    ['an empty segment inside the path', 'https://proxy.example.com/rootly//v2'],
    ['a backslash', 'https://api.rootly.com\\evil.example'],
    ['an encoded slash', 'https://proxy.example.com/rootly%2Fv2'],
    ['a query', 'https://proxy.example.com/rootly?x=1'],
    ['a fragment', 'https://proxy.example.com/rootly#top'],
  ])('refuses a base_url with %s as a config_error naming base_url', (_label, baseUrl) => {
    expect(configErrorOf({ api_key: KEY, base_url: baseUrl }).message).toContain("'base_url'");
  });

  test.each([
    ['one character', 'e'],
    ['a quote', '"'],
    ['seven characters', 'abcdefg'],
    ['a NUL', 'rk-live-\u0000abc'],
    ['a euro sign', 'rk-live-€abcdef'],
    ['a trailing newline', 'rk-live-abcdef\n'],
    ['digits only', '1234567890123'],
  ])('refuses an api_key of %s as a config_error naming api_key, without printing it', (_label, key) => {
    const error = configErrorOf({ api_key: key, page_size: 10 });
    expect(error.message).toContain("'api_key'");
    if (key.length > 1) expect(error.message).not.toContain(key);
  });

  test.each([
    'abcdefg',
    'abcdefgh',
    '12345678',
    'true,false:null',
    '1e10,[]{}',
    'abcd efgh',
    'abcdefgh\u0000',
    'abcdefgh€',
    'clé-secrète',
    'k"ey/+=%\\x',
    KEY,
  ])("the spec's api_key pattern, which the setup form checks, refuses exactly what the connector refuses: %j", (key) => {
    const pattern = new RegExp(String(loadSpec().connectionSpecification.properties['api_key']?.['pattern']), 'u');
    expect(pattern.test(key)).toBe(secretProblem(key) === undefined);
  });

  test.each([
    'http://127.0.0.1:8080',
    'http://localhost:3000/',
    'http://[::1]:9000',
    'https://proxy.example.com/rootly',
    'https://proxy.example.com/rootly/v1-proxy/',
  ])('accepts base_url %s', (baseUrl) => {
    expect(parseConfig({ api_key: KEY, base_url: baseUrl }, NOW).config.baseUrl.href).toBe(new URL(baseUrl).href);
  });

  test('every invalid field is reported at once', () => {
    const message = configErrorOf({ api_key: KEY, page_size: '10', requests_per_minute: 0 }).message;
    expect(message).toContain("'page_size'");
    expect(message).toContain("'requests_per_minute'");
  });

  test.each([
    ['another invalid field', { api_key: KEY, page_size: '10' }],
    ['a future backfill', { api_key: KEY, backfill_start_time: '2030-01-01T00:00:00Z' }],
    ['a remote http base_url', { api_key: KEY, base_url: 'http://rootly.example.com' }],
    ['a key with a space', { api_key: `${KEY} x`, page_size: -1 }],
    ['the key in another field', { api_key: KEY, backfill_start_time: KEY }],
    ['the key in the base_url credentials', { api_key: KEY, base_url: `http://user:${KEY}@rootly.example.com` }],
  ])('the API key never appears in the error message (%s)', (_label, raw) => {
    const error = configErrorOf(raw);
    expect(error.message.toLowerCase()).not.toContain('leakcheck');
    expect((error.internalMessage ?? '').toLowerCase()).not.toContain('leakcheck');
  });
});
