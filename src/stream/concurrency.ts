import type { SortTrust } from '../cursor/window-cursor.js';

export interface ConcurrencyLimits {
  requestsPerMinute: number;
  maxConcurrentWindows: number;
}

/**
 * Windows needed to use the allowed request rate at the observed latency (Little's law), with a
 * margin, capped by the config. Before any request has been timed, a quarter of the cap.
 */
export function windowsForRate(limits: ConcurrencyLimits, latencyMs: number | undefined): number {
  if (latencyMs === undefined) return Math.max(1, Math.ceil(limits.maxConcurrentWindows / 4));
  const requestsPerSecond = limits.requestsPerMinute / 60;
  const needed = Math.ceil(requestsPerSecond * (latencyMs / 1000) * 1.25) + 1;
  return Math.min(limits.maxConcurrentWindows, Math.max(1, needed));
}

/**
 * How many windows may run now. Once the server has shown that it sorts, as many as allowed. While
 * that is unproven, one at a time, so that each window can prove or disprove the order. Once it is
 * known not to sort, a window's records are saved only when it completes and no state can be saved
 * while any window is partly emitted: windows then run in batches, a batch taking windows until one
 * of them completes and the next starting once every window of the last has completed, and a state
 * follows each batch.
 */
export function windowsToRun(sortTrust: SortTrust, running: number, allowed: number, batchOpen: boolean): number {
  if (sortTrust.trusted) return allowed;
  if (sortTrust.revoked) return running === 0 || batchOpen ? allowed : 0;
  return running > 0 ? 0 : 1;
}
