import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ConnectorError } from '../errors.js';
import { RootlyHttpClient } from './rootly-client.js';

const KEY = 'rk-live-PARSECANARY-0123456789';
/** What the test server answers on each path. */
const answers: Record<string, { status: number; headers?: Record<string, string>; body: Buffer | string }> = {
  '/malformed': { status: 200, headers: { 'content-type': 'application/json' }, body: `{"data": [], "echo": ${KEY}}` },
  '/gzip': {
    status: 200,
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(`{"data":[${' '.repeat(3_000_000)}]}`),
  },
  '/long': {
    status: 200,
    headers: { 'content-type': 'application/json', 'content-length': '5000000' },
    body: `{"data":[${' '.repeat(5_000_000 - 11)}]}`,
  },
  '/rejected': { status: 418, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"title":"no tea"}]}' },
  '/small': { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":[]}' },
};
let server: Server;
let limitedOnceCalls = 0;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/limited-once') {
      // A gateway's 429 names an allowance; the server behind it never does.
      limitedOnceCalls += 1;
      if (limitedOnceCalls === 1) res.writeHead(429, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
      else res.writeHead(200, { 'content-type': 'application/json' });
      res.end(limitedOnceCalls === 1 ? '' : '{"data":[]}');
      return;
    }
    const answer = answers[req.url ?? ''] ?? { status: 404, body: '{}' };
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (): RootlyHttpClient =>
  new RootlyHttpClient({
    apiKey: KEY,
    requestTimeoutMs: 5_000,
    maxRetryMs: 2_000,
    requestsPerMinute: 1_000,
    maxResponseBytes: 1_000_000,
    policy: { maxMalformedAttempts: 1 },
  });

async function failureOf(path: string): Promise<ConnectorError> {
  try {
    await client().getJson(new URL(path, base));
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error(`${path} did not fail`);
}

describe('RootlyHttpClient', () => {
  test("a body that is not JSON is reported without the parser's excerpt of it, which no mask could recognise", async () => {
    const failure = await failureOf('/malformed');
    expect(failure.failureType).toBe('system_error');
    const everything = `${failure.message}\n${failure.internalMessage ?? ''}\n${failure.fullStack}`;
    for (let at = 0; at + 8 <= KEY.length; at += 1) expect(everything).not.toContain(KEY.slice(at, at + 8));
    expect(failure.fullStack).toContain("the parser's excerpt of it is left out");
  });

  test.each([
    ['a gzip body inflating past the cap', '/gzip'],
    ['a body whose length is past the cap', '/long'],
  ])('%s is stopped with a system_error naming the cap', async (_label, path) => {
    const failure = await failureOf(path);
    expect(failure.failureType).toBe('system_error');
    expect(failure.message).toContain('larger than 1 MB once decompressed');
  });

  test.each([
    ['a rejected request', '/rejected', 'HTTPError: Request failed with status code 418'],
    ['a body that is not JSON', '/malformed', "ParseError: the body is not valid JSON (the parser's excerpt of it is left out)"],
  ])("%s keeps got's stack but none of got's request: printed whole, the failure shows no key", async (_label, path, stackLine) => {
    const failure = await failureOf(path);
    expect(failure.fullStack).toContain(`Caused by: ${stackLine}`);
    // As an unhandled rejection or console.error would print it, on stderr, past the mask.
    expect(inspect(failure, { depth: Infinity })).not.toContain(KEY);
  });

  test("after a 429 naming an allowance, the server's next answer without one lets requests go at the configured rate again", async () => {
    const limited = client();
    await expect(limited.getJson(new URL('/limited-once', base))).resolves.toMatchObject({ statusCode: 200 });
    expect(limitedOnceCalls).toBe(2);
    expect(limited.limiter.delayBeforeNext()).toBe(0);
  });

  test('a body under the cap is read', async () => {
    await expect(client().getJson(new URL('/small', base))).resolves.toMatchObject({ statusCode: 200, body: { data: [] } });
  });
});
