import { describe, expect, test } from '@jest/globals';
import { RESPONSE_TOO_LARGE, treatmentOf, type FailureContext, type ResponseFacts } from './response-table.js';

const context = (facts: Partial<FailureContext>): FailureContext => ({
  seconds: 12,
  origin: 'https://api.rootly.com',
  host: 'api.rootly.com',
  path: '/v1/audits',
  ...facts,
});

describe('the response table', () => {
  test.each([
    [401, 'config_error', undefined, 'Configuration → API Keys'],
    [404, 'config_error', undefined, 'base_url'],
    [429, 'transient_error', 'rate_limited', 'requests_per_minute'],
    [500, 'transient_error', 'server_error', 'outage'],
    [503, 'transient_error', 'server_error', 'outage'],
    [408, 'transient_error', 'server_error', 'outage'],
    [300, 'system_error', undefined, 'does not follow redirects'],
    [302, 'system_error', undefined, 'does not follow redirects'],
    [399, 'system_error', undefined, 'does not follow redirects'],
    [400, 'system_error', undefined, 'rejected the request with 400'],
    [403, 'system_error', undefined, 'rejected the request with 403'],
  ] as const)('HTTP %i: %s, retried as %s, and the message says %s', (statusCode, failureType, retry, words) => {
    const row = treatmentOf({ statusCode });
    expect(row.failureType).toBe(failureType);
    expect(row.retry?.reason).toBe(retry);
    expect(row.message(context({ statusCode }))).toContain(words);
  });

  test('a 404 uses the stream’s own hint when it has one', () => {
    expect(treatmentOf({ statusCode: 404 }).message(context({ statusCode: 404, notFoundHint: 'Give the role "Audits: read".' }))).toBe(
      'Give the role "Audits: read".',
    );
  });

  test.each([
    ['ETIMEDOUT', 'transient_error', 'network', 'request_timeout_seconds'],
    ['ECONNRESET', 'transient_error', 'network', 'ECONNRESET'],
    ['UND_ERR_SOCKET', 'transient_error', 'network', 'UND_ERR_SOCKET'],
    ['ENOTFOUND', 'config_error', undefined, 'api.rootly.com cannot be resolved'],
    ['ERR_BODY_PARSE_FAILURE', 'system_error', 'malformed_body', 'not valid JSON'],
    ['ERR_SOMETHING_ELSE', 'transient_error', undefined, 'ERR_SOMETHING_ELSE'],
  ] as const)('transport error %s: %s, retried as %s', (errorCode, failureType, retry, words) => {
    const row = treatmentOf({ errorCode });
    expect(row.failureType).toBe(failureType);
    expect(row.retry?.reason).toBe(retry);
    expect(row.message(context({ errorCode }))).toContain(words);
  });

  test('a body that breaks after a 200 status line is treated by its error code', () => {
    expect(treatmentOf({ statusCode: 200, errorCode: 'ERR_STREAM_PREMATURE_CLOSE' }).retry?.reason).toBe('network');
    expect(treatmentOf({ statusCode: 200, errorCode: 'ERR_BODY_PARSE_FAILURE' }).retry?.reason).toBe('malformed_body');
  });

  test('a status wins over an error code', () => {
    expect(treatmentOf({ statusCode: 429, errorCode: 'ERR_NON_2XX_3XX_RESPONSE' }).retry?.reason).toBe('rate_limited');
  });

  test('messages name how long the request was retried, the server’s title, the redirect target and the size cap', () => {
    const message = (facts: Partial<FailureContext>): string => treatmentOf(facts).message(context(facts));
    expect(message({ statusCode: 429 })).toContain('for 12 s');
    expect(message({ statusCode: 502, title: 'Bad gateway' })).toContain('answered 502 "Bad gateway" on every attempt for 12 s');
    expect(message({ statusCode: 422, title: 'Unprocessable' })).toBe('Rootly rejected the request with 422: "Unprocessable".');
    expect(message({ statusCode: 301, location: 'https://elsewhere.test/v1/audits' })).toContain(
      'a redirect to https://elsewhere.test/v1/audits',
    );
    expect(message({ statusCode: 307 })).toContain('a redirect to an unnamed place');
    expect(message({ statusCode: 422 })).toBe('Rootly rejected the request with 422.');
    expect(message({ errorCode: 'ETIMEDOUT' })).toContain('for 12 s');
    expect(message({ errorCode: 'ECONNRESET' })).toContain('at https://api.rootly.com (ECONNRESET), also when retried for 12 s');
    expect(message({ errorCode: RESPONSE_TOO_LARGE, limitBytes: 32 * 1024 * 1024 })).toContain('larger than 32 MB once decompressed');
  });

  test('a response past the size cap fails as a system_error at once: the same request would bring the same body', () => {
    const row = treatmentOf({ statusCode: 200, errorCode: RESPONSE_TOO_LARGE });
    expect({ failureType: row.failureType, retry: row.retry }).toEqual({ failureType: 'system_error', retry: undefined });
  });

  test('a failure with neither a status nor an error code is an unexpected system_error, not retried', () => {
    const row = treatmentOf({});
    expect({ failureType: row.failureType, retry: row.retry }).toEqual({ failureType: 'system_error', retry: undefined });
    expect(row.message(context({}))).toContain('failed unexpectedly');
  });

  // The TRACE's internal message names the row (`GET /v1/audits: rate limited`): support reads
  // which kind of failure ended a sync from it, so no two kinds may share a name or have none.
  test('every kind of failure has its own name for the internal message', () => {
    const kinds: ResponseFacts[] = [
      ...[401, 404, 429, 500, 302, 400].map((statusCode) => ({ statusCode })),
      ...['ERR_BODY_PARSE_FAILURE', RESPONSE_TOO_LARGE, 'ETIMEDOUT', 'ENOTFOUND', 'ECONNRESET', 'ERR_OTHER'].map((errorCode) => ({
        errorCode,
      })),
      {},
    ];
    const names = kinds.map((facts) => treatmentOf(facts).name);
    expect(names.filter((name) => name.trim() === '')).toEqual([]);
    expect(new Set(names).size).toBe(kinds.length);
  });

  test('a 429 is bounded by time only, server errors by attempts', () => {
    expect(treatmentOf({ statusCode: 429 }).retry).toMatchObject({ attempts: 'time-only', serverMayAskForWait: true });
    expect(treatmentOf({ statusCode: 502 }).retry).toMatchObject({ attempts: 'server-errors', serverMayAskForWait: false });
  });
});
