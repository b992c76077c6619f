import { afterEach, describe, expect, test } from '@jest/globals';
import type { MockRootly } from '../../mock-rootly/src/index.js';
import { errorTraces, runRead, type RunResult } from '../helpers/connector.js';
import { dataset, expectNoSecret, mockConfig, mockRootly } from '../helpers/fixtures.js';

const STALL_MS = 45_000;

let mock: MockRootly | undefined;
afterEach(async () => mock?.close());

describe('stopping a sync', () => {
  test('the first failure stops every window still reading: the process ends at once, not when a stalled request would', async () => {
    // Many windows at once (200 ms latency), one request stalled for 45 s, and a failure soon after.
    mock = await mockRootly({
      dataset: dataset(3000, 72, 1),
      latencyMs: 200,
      stallMs: STALL_MS,
      faults: [
        { kind: 'stall', atRequests: [14] },
        { kind: 'foreign-next-link', atRequests: [18] },
      ],
    });
    const config = mockConfig(mock, { page_size: 10, window_size_hours: 1, request_timeout_seconds: 60 });
    const started = Date.now();
    const result: RunResult = await runRead(config, { timeoutMs: 90_000 });
    const elapsedMs = Date.now() - started;
    expect(result.exitCode).toBe(1);
    expect(errorTraces(result)).toEqual([
      expect.objectContaining({ failure_type: 'system_error', message: expect.stringContaining('does not follow it') }),
    ]);
    expect(mock.requests.some((request) => request.fault === 'stall')).toBe(true);
    // The stalled request was abandoned with the sync, not waited for.
    expect(elapsedMs).toBeLessThan(STALL_MS / 2);
    expectNoSecret(result);
  }, 120_000);
});
