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
 * Windows the sync may read at once: as many as the rate and latency need, but only one once a page
 * came larger than asked for, so that only one such page is in memory at once.
 */
export function windowsAllowed(forRate: number, pagesLargerThanAsked: number): number {
  return pagesLargerThanAsked > 0 ? 1 : Math.max(1, forRate);
}

/** Where the sync stands in its batch of windows (see windowsToRun). */
export interface BatchStanding {
  /** No window of the current batch has completed yet. */
  open: boolean;
  /** A window of it has records and more pages: the history here is dense. */
  dense: boolean;
}

/**
 * How many windows may run now. Once the server has shown that it sorts, as many as allowed. Until
 * then a window's records are saved only when it completes (or once the order is proven), and no
 * state can be saved while any window is partly emitted: windows run in batches, a batch taking
 * windows until one of them completes and the next starting once every window of the last has
 * completed, and a state follows each batch. While the order is unproven a batch starts with one
 * window, which crosses empty history with growing windows, and grows only once that history
 * proves dense.
 */
export function windowsToRun(sortTrust: SortTrust, running: number, allowed: number, batch: BatchStanding): number {
  if (sortTrust.trusted) return allowed;
  if (sortTrust.revoked) return running === 0 || batch.open ? allowed : 0;
  if (running === 0) return 1;
  return batch.open && batch.dense ? allowed : 0;
}
