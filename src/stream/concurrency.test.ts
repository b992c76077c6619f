import { describe, expect, test } from '@jest/globals';
import { SortTrust } from '../cursor/window-cursor.js';
import { windowsAllowed, windowsForRate, windowsToRun } from './concurrency.js';
import { trusted } from './window-reader.test-support.js';

describe('windowsForRate: enough windows to keep the rate limit busy at the latency seen', () => {
  test.each([
    // 3,000 a minute at 200 ms: 50 a second × 0.2 s × 1.25 margin = 12.5, rounded up, plus one.
    [3_000, 200, 16, 14],
    [3_000, 200, 8, 8],
    [3_000, 1_000, 64, 64],
    // A slow limit needs two windows: one waiting for its answer, one ready to go.
    [60, 100, 16, 2],
    [3_000, 0, 16, 1],
  ])('%i a minute at %i ms, at most %i: %i windows', (requestsPerMinute, latencyMs, maxConcurrentWindows, expected) => {
    expect(windowsForRate({ requestsPerMinute, maxConcurrentWindows }, latencyMs)).toBe(expected);
  });

  test.each([
    [16, 4],
    [3, 1],
    [1, 1],
  ])('before any answer was timed, a quarter of the cap %i: %i', (maxConcurrentWindows, expected) => {
    expect(windowsForRate({ requestsPerMinute: 3_000, maxConcurrentWindows }, undefined)).toBe(expected);
  });
});

describe('windowsAllowed: one window at a time once a page came larger than asked for', () => {
  test.each([
    [14, 0, 14],
    [14, 1, 1],
    [0, 0, 1],
  ])('%i for the rate, %i larger pages: %i', (forRate, largerPages, expected) => {
    expect(windowsAllowed(forRate, largerPages)).toBe(expected);
  });
});

const trust = (standing: 'unproven' | 'trusted' | 'revoked'): SortTrust => {
  if (standing === 'trusted') return trusted();
  const sortTrust = new SortTrust();
  if (standing === 'revoked') sortTrust.revoke();
  return sortTrust;
};

describe('windowsToRun: how wide the sync reads, by what the server has shown of its order', () => {
  test.each([
    // A sorted server: every allowed slot, whatever the batch.
    ['trusted', 5, { open: false, dense: false }, 10],
    ['trusted', 0, { open: true, dense: false }, 10],
    // An unsorted one: batches saved whole, a new batch only once the last has completed.
    ['revoked', 0, { open: false, dense: false }, 10],
    ['revoked', 3, { open: true, dense: false }, 10],
    ['revoked', 3, { open: false, dense: true }, 0],
    // Unproven: one window crosses empty history; the batch widens only where history is dense.
    ['unproven', 0, { open: true, dense: true }, 1],
    ['unproven', 1, { open: true, dense: true }, 10],
    ['unproven', 1, { open: true, dense: false }, 0],
    ['unproven', 1, { open: false, dense: true }, 0],
  ] as const)('%s order, %i running, batch %j: %i', (standing, running, batch, expected) => {
    expect(windowsToRun(trust(standing), running, 10, batch)).toBe(expected);
  });
});
