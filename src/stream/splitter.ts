import { compareInstants, instantFromMillis, instantToMillis, type Instant } from '../cursor/instant.js';
import type { WindowCursor } from '../cursor/window-cursor.js';
import type { WindowProgress } from './window-reader.js';
import { wholeSecond } from './windows.js';

/** A window being read, as far as splitting it is concerned. */
export interface SplitCandidate {
  cursor: WindowCursor;
  progress: WindowProgress;
}

/**
 * Where to split a window: ahead of what it has read (ascending order: it keeps [start, at)) or
 * behind it (newest first: it keeps [at, end)). `keptShare` is the part of its unread time it keeps.
 */
export interface SplitPlan<C extends SplitCandidate> {
  window: C;
  side: 'ahead' | 'behind';
  at: Instant;
  keptShare: number;
  /** Records the window is expected still to hold, before the split. */
  left: number;
}

/** A window with fewer pages than this left is not split: each part gets at least two. */
const MIN_PAGES_TO_SPLIT = 4;

/** Records a window is expected still to hold, when the server reported a total. */
function recordsLeft(candidate: SplitCandidate): number | undefined {
  const { expected } = candidate.progress;
  return expected === undefined ? undefined : Math.max(0, expected - candidate.cursor.admittedCount);
}

/**
 * The split that relieves the window with the most left to read, when one is worth it: halving
 * its unread time (records are taken as spread evenly over it), on a whole second (see wholeSecond).
 */
export function chooseSplit<C extends SplitCandidate>(candidates: Iterable<C>, pageSize: number): SplitPlan<C> | undefined {
  let best: SplitPlan<C> | undefined;
  for (const candidate of candidates) {
    const left = recordsLeft(candidate);
    if (left === undefined || !candidate.progress.morePages || left < MIN_PAGES_TO_SPLIT * pageSize) continue;
    if (best && left <= best.left) continue;
    best = splitPoint(candidate, left) ?? best;
  }
  return best;
}

function splitPoint<C extends SplitCandidate>(window: C, left: number): SplitPlan<C> | undefined {
  const { cursor } = window;
  const { start, end } = cursor.bounds;
  if (cursor.mayEndEarlier) {
    const from = instantToMillis(cursor.newestAdmitted);
    const to = instantToMillis(end);
    let at = wholeSecond(from + (to - from) / 2);
    if (compareInstants(instantFromMillis(at), cursor.newestAdmitted) <= 0) at = wholeSecond(from) + 1000;
    if (at >= to) return undefined;
    return { window, side: 'ahead', at: instantFromMillis(at), keptShare: (at - from) / (to - from), left };
  }
  if (cursor.mayStartLater) {
    const from = instantToMillis(start);
    const oldest = cursor.oldestAdmitted;
    const to = oldest === undefined ? instantToMillis(end) : instantToMillis(oldest);
    const at = wholeSecond(from + (to - from) / 2);
    if (at <= from || (oldest !== undefined && compareInstants(instantFromMillis(at), oldest) > 0)) return undefined;
    return { window, side: 'behind', at: instantFromMillis(at), keptShare: (to - at) / (to - from), left };
  }
  return undefined;
}
