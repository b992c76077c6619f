import { describe, expect, test } from '@jest/globals';
import type { IncomingHttpHeaders } from 'node:http';
import { decideRetry, DEFAULT_RETRY_POLICY, serverRequestedWait, type FailedAttempt, type RetryPolicyOptions } from './retry-policy.js';

const NOW = Date.UTC(2025, 3, 2, 20, 0, 0);
const NOW_EPOCH_S = NOW / 1000;
const POLICY: RetryPolicyOptions = { ...DEFAULT_RETRY_POLICY, maxRetryMs: 600_000 };
const half = (): number => 0.5;

const failure = (overrides: Partial<FailedAttempt>): FailedAttempt => ({ attempt: 1, elapsedMs: 0, ...overrides });
const rateLimited = (headers: IncomingHttpHeaders, attempt = 1): FailedAttempt => failure({ statusCode: 429, headers, attempt });

describe('decideRetry on 429', () => {
  test('Retry-After in seconds is waited exactly', () => {
    expect(decideRetry(rateLimited({ 'retry-after': '7' }), POLICY, NOW, half)).toEqual({
      retry: true,
      delayMs: 7000,
      reason: 'rate_limited',
    });
  });

  test('Retry-After as an HTTP-date is waited until that date', () => {
    const date = new Date(NOW + 12_000).toUTCString();
    expect(decideRetry(rateLimited({ 'retry-after': date }), POLICY, NOW, half)).toEqual({
      retry: true,
      delayMs: 12_000,
      reason: 'rate_limited',
    });
  });

  test('Retry-After wins over the reset headers', () => {
    const headers = { 'retry-after': '3', 'x-ratelimit-reset': String(NOW_EPOCH_S + 40) };
    expect(decideRetry(rateLimited(headers), POLICY, NOW, half)).toMatchObject({ delayMs: 3000 });
  });

  test('only X-RateLimit-Reset (epoch seconds): waits until the reset', () => {
    expect(decideRetry(rateLimited({ 'x-ratelimit-reset': String(NOW_EPOCH_S + 25) }), POLICY, NOW, half)).toEqual({
      retry: true,
      delayMs: 25_000,
      reason: 'rate_limited',
    });
  });

  test('only RateLimit-Reset (epoch seconds): waits until the reset', () => {
    expect(decideRetry(rateLimited({ 'ratelimit-reset': String(NOW_EPOCH_S + 9) }), POLICY, NOW, half)).toMatchObject({
      retry: true,
      delayMs: 9000,
    });
  });

  test('RateLimit-Reset as delta seconds (IETF draft style) is read as a delay', () => {
    expect(decideRetry(rateLimited({ 'ratelimit-reset': '30' }), POLICY, NOW, half)).toMatchObject({ retry: true, delayMs: 30_000 });
  });

  test('both reset headers: X-RateLimit-Reset wins', () => {
    const headers = { 'x-ratelimit-reset': String(NOW_EPOCH_S + 5), 'ratelimit-reset': String(NOW_EPOCH_S + 50) };
    expect(decideRetry(rateLimited(headers), POLICY, NOW, half)).toMatchObject({ delayMs: 5000 });
  });

  test('a reset already past still pauses briefly instead of hammering', () => {
    expect(decideRetry(rateLimited({ 'x-ratelimit-reset': String(NOW_EPOCH_S - 5) }), POLICY, NOW, half)).toMatchObject({
      retry: true,
      delayMs: 250,
    });
  });

  test('no header: exponential backoff with jitter between half and all of the step', () => {
    const delays = [1, 2, 3, 4].map((attempt) => decideRetry(rateLimited({}, attempt), POLICY, NOW, half));
    expect(delays.map((d) => (d.retry ? d.delayMs : -1))).toEqual([750, 1500, 3000, 6000]);
    expect(decideRetry(rateLimited({}, 3), POLICY, NOW, () => 0)).toMatchObject({ delayMs: 2000 });
    expect(decideRetry(rateLimited({}, 3), POLICY, NOW, () => 0.999)).toMatchObject({ delayMs: 3998 });
  });

  test('backoff stops growing at maxBackoffMs', () => {
    expect(decideRetry(rateLimited({}, 30), POLICY, NOW, () => 0.999)).toMatchObject({ retry: true, delayMs: 59_970 });
  });

  test('garbage headers fall back to backoff', () => {
    const headers = { 'retry-after': 'soon', 'x-ratelimit-reset': 'never' };
    expect(decideRetry(rateLimited(headers), POLICY, NOW, half)).toMatchObject({ retry: true, delayMs: 750 });
  });

  test('a blank Retry-After is no reason to retry at once: the reset header, else backoff, decides', () => {
    expect(decideRetry(rateLimited({ 'retry-after': '  ' }), POLICY, NOW, half)).toMatchObject({ retry: true, delayMs: 750 });
    expect(
      decideRetry(rateLimited({ 'retry-after': ' ', 'x-ratelimit-reset': String(NOW_EPOCH_S + 20) }), POLICY, NOW, half),
    ).toMatchObject({ delayMs: 20_000 });
  });

  test('Retry-After: 0 asks for no wait, so the reset header says how long to wait', () => {
    expect(
      decideRetry(rateLimited({ 'retry-after': '0', 'x-ratelimit-reset': String(NOW_EPOCH_S + 20) }), POLICY, NOW, half),
    ).toMatchObject({ retry: true, delayMs: 20_000 });
  });

  test('Retry-After naming the present moment asks for no wait, so the reset header says how long to wait', () => {
    const reset = { 'x-ratelimit-reset': String(NOW_EPOCH_S + 20) };
    expect(decideRetry(rateLimited({ 'retry-after': new Date(NOW).toUTCString(), ...reset }), POLICY, NOW, half)).toMatchObject({
      retry: true,
      delayMs: 20_000,
    });
    // The present moment is the answer's own Date when it has one, not the local clock.
    const serverNow = new Date(NOW - 600_000).toUTCString();
    const dated = { date: serverNow, 'retry-after': serverNow, 'x-ratelimit-reset': String(NOW_EPOCH_S - 600 + 20) };
    expect(decideRetry(rateLimited(dated), POLICY, NOW, half)).toMatchObject({ retry: true, delayMs: 20_000 });
  });

  test('Retry-After in seconds with a fraction is waited exactly', () => {
    for (const [value, delayMs] of [
      ['1.25', 1250],
      ['2.5', 2500],
      ['0.75', 750],
    ] as const) {
      expect(
        decideRetry(rateLimited({ 'retry-after': value, 'x-ratelimit-reset': String(NOW_EPOCH_S + 20) }), POLICY, NOW, half),
      ).toMatchObject({
        delayMs,
      });
    }
  });

  test('a negative Retry-After is ignored rather than retried at once', () => {
    expect(decideRetry(rateLimited({ 'retry-after': '-5' }), POLICY, NOW, half)).toMatchObject({ retry: true, delayMs: 750 });
  });

  test('a reset in epoch milliseconds is waited until, not for the longest wait', () => {
    expect(decideRetry(rateLimited({ 'x-ratelimit-reset': String(NOW + 8_000) }), POLICY, NOW, half)).toMatchObject({
      retry: true,
      delayMs: 8_000,
    });
  });

  test('a header asking for longer than maxWaitMs is capped', () => {
    expect(decideRetry(rateLimited({ 'retry-after': '3600' }), POLICY, NOW, half)).toMatchObject({
      retry: true,
      delayMs: POLICY.maxWaitMs,
    });
  });

  test('429 is not bounded by attempts, only by time', () => {
    expect(decideRetry(rateLimited({ 'retry-after': '1' }, 500), POLICY, NOW, half)).toMatchObject({ retry: true });
  });

  test('a wait that would exceed maxRetryMs gives up as exhausted', () => {
    const attempt = failure({ statusCode: 429, headers: { 'retry-after': '30' }, elapsedMs: POLICY.maxRetryMs - 29_000 });
    expect(decideRetry(attempt, POLICY, NOW, half)).toEqual({ retry: false, reason: 'rate_limited', exhausted: true });
    const fits = failure({ statusCode: 429, headers: { 'retry-after': '30' }, elapsedMs: POLICY.maxRetryMs - 30_000 });
    expect(decideRetry(fits, POLICY, NOW, half)).toMatchObject({ retry: true, delayMs: 30_000 });
  });
});

describe('decideRetry on server and network errors', () => {
  test.each([
    [500, undefined, 'server_error'],
    [502, undefined, 'server_error'],
    [503, undefined, 'server_error'],
    [408, undefined, 'server_error'],
    [undefined, 'ETIMEDOUT', 'network'],
    [undefined, 'ECONNRESET', 'network'],
    [undefined, 'ECONNREFUSED', 'network'],
    [undefined, 'EAI_AGAIN', 'network'],
    [undefined, 'EPIPE', 'network'],
    [undefined, 'ENETUNREACH', 'network'],
    [undefined, 'EHOSTUNREACH', 'network'],
    [undefined, 'ECONNABORTED', 'network'],
    [undefined, 'ERR_STREAM_PREMATURE_CLOSE', 'network'],
    [undefined, 'UND_ERR_SOCKET', 'network'],
  ] as const)('status %s / %s is retried up to maxAttempts', (statusCode, errorCode, reason) => {
    const base = { statusCode, errorCode };
    for (let attempt = 1; attempt < POLICY.maxAttempts; attempt += 1) {
      expect(decideRetry(failure({ ...base, attempt }), POLICY, NOW, half)).toMatchObject({ retry: true, reason });
    }
    expect(decideRetry(failure({ ...base, attempt: POLICY.maxAttempts }), POLICY, NOW, half)).toEqual({
      retry: false,
      reason,
      exhausted: true,
    });
  });

  test('server errors back off exponentially and ignore Retry-After', () => {
    const attempt = failure({ statusCode: 503, headers: { 'retry-after': '100' }, attempt: 2 });
    expect(decideRetry(attempt, POLICY, NOW, half)).toEqual({ retry: true, delayMs: 1500, reason: 'server_error' });
  });

  // A 200 whose body then failed still carries the answer's headers: a stray Retry-After or reset
  // on it must not turn a quick retry into minutes of waiting.
  test.each([
    ['ERR_BODY_PARSE_FAILURE', 'malformed_body'],
    ['ETIMEDOUT', 'network'],
    ['ERR_STREAM_PREMATURE_CLOSE', 'network'],
  ] as const)('a 200 whose body failed with %s backs off as usual, whatever its headers ask', (errorCode, reason) => {
    const headers = { 'retry-after': '100', 'x-ratelimit-reset': String(NOW_EPOCH_S + 90) };
    const attempt = failure({ statusCode: 200, errorCode, headers, attempt: 2 });
    expect(decideRetry(attempt, POLICY, NOW, half)).toEqual({ retry: true, delayMs: 1500, reason });
  });

  test('server errors stop when the total retry time would be exceeded', () => {
    const attempt = failure({ statusCode: 500, attempt: 2, elapsedMs: POLICY.maxRetryMs - 1000 });
    expect(decideRetry(attempt, POLICY, NOW, half)).toEqual({ retry: false, reason: 'server_error', exhausted: true });
  });

  test('a malformed body is retried up to maxMalformedAttempts', () => {
    const malformed = (attempt: number): FailedAttempt => failure({ statusCode: 200, errorCode: 'ERR_BODY_PARSE_FAILURE', attempt });
    for (let attempt = 1; attempt < POLICY.maxMalformedAttempts; attempt += 1) {
      expect(decideRetry(malformed(attempt), POLICY, NOW, half)).toMatchObject({ retry: true, reason: 'malformed_body' });
    }
    expect(decideRetry(malformed(POLICY.maxMalformedAttempts), POLICY, NOW, half)).toEqual({
      retry: false,
      reason: 'malformed_body',
      exhausted: true,
    });
  });
});

describe('decideRetry on client errors', () => {
  test.each([400, 401, 403, 404, 422])('%s fails at once, not as an exhausted retry', (statusCode) => {
    expect(decideRetry(failure({ statusCode, headers: { 'retry-after': '1' } }), POLICY, NOW, half)).toEqual({
      retry: false,
      reason: 'not_retryable',
      exhausted: false,
    });
  });

  test('an unknown network error code is not retried', () => {
    expect(decideRetry(failure({ errorCode: 'ERR_INVALID_URL' }), POLICY, NOW, half)).toMatchObject({
      retry: false,
      reason: 'not_retryable',
    });
  });
});

describe('serverRequestedWait', () => {
  test('names no wait when no header is usable', () => {
    expect(serverRequestedWait({}, NOW)).toBeUndefined();
    expect(serverRequestedWait({ 'retry-after': '' }, NOW)).toBeUndefined();
  });

  test('an HTTP-date in the past names no wait, so that backoff decides', () => {
    expect(serverRequestedWait({ 'retry-after': new Date(NOW - 60_000).toUTCString() }, NOW)).toBeUndefined();
  });

  test("epoch resets and dates are read against the answer's own Date, not a skewed local clock", () => {
    const serverNow = NOW - 600_000;
    const headers = { date: new Date(serverNow).toUTCString(), 'x-ratelimit-reset': String(serverNow / 1000 + 20) };
    expect(serverRequestedWait(headers, NOW)).toBe(20_000);
    const dated = { date: new Date(serverNow).toUTCString(), 'retry-after': new Date(serverNow + 8_000).toUTCString() };
    expect(serverRequestedWait(dated, NOW)).toBe(8_000);
  });
});

describe('a 429 always waits a positive, bounded time', () => {
  const oddRetryAfter = ['0', '0.0', '-5', '-0', new Date(NOW - 3_600_000).toUTCString(), 'soon', '1e3', 'NaN', 'Infinity', ' '];
  test.each(oddRetryAfter)('Retry-After %j falls back to backoff with jitter', (value) => {
    for (const attempt of [1, 2, 5]) {
      for (const random of [() => 0, half, () => 0.999]) {
        const decision = decideRetry(rateLimited({ 'retry-after': value }, attempt), POLICY, NOW, random);
        const backoff = Math.min(POLICY.maxBackoffMs, POLICY.baseDelayMs * 2 ** (attempt - 1));
        expect(decision).toMatchObject({ retry: true, reason: 'rate_limited' });
        const delay = decision.retry ? decision.delayMs : 0;
        expect(delay).toBeGreaterThanOrEqual(backoff / 2);
        expect(delay).toBeLessThanOrEqual(backoff);
      }
    }
  });

  test('even a backoff configured to zero waits at least a millisecond (got reads 0 as "do not retry")', () => {
    const decision = decideRetry(rateLimited({ 'retry-after': '0' }), { ...POLICY, baseDelayMs: 0 }, NOW, () => 0);
    expect(decision).toEqual({ retry: true, delayMs: 1, reason: 'rate_limited' });
  });
});
