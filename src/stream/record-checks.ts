import type { Instant } from '../cursor/instant.js';
import { systemError, type ConnectorError } from '../errors.js';
import { maskedExcerpt } from '../secrets.js';
import { UnplaceableRecordError, type RecordKeys } from './page-source.js';

/**
 * Records nested deeper than this are refused. Writing a record (JSON.stringify) recurses once per
 * level, and so do the JSON parsers of most destinations (about a thousand levels at most); an
 * audit record is a dozen levels deep.
 */
export const MAX_RECORD_DEPTH = 500;

/**
 * Every record's place in time, once each is known to be safe to handle: a record nested too deep,
 * or without a usable time, ends the sync (see unusableRecord). `window` names the range in messages.
 */
export function placeInTime<T>(records: readonly T[], keys: RecordKeys<T>, window: string): Instant[] {
  return records.map((record) => {
    if (nestsDeeperThan(record, MAX_RECORD_DEPTH))
      throw unusableRecord(keys.idOf(record), window, `it nests more than ${MAX_RECORD_DEPTH} levels deep`);
    try {
      return keys.instantOf(record);
    } catch (error) {
      if (error instanceof UnplaceableRecordError) throw unusableRecord(error.recordId, window, error.problem, error);
      throw error;
    }
  });
}

/**
 * The ids repeated on one page: the same record twice is one record (and a row the server
 * counted); two different contents under one id cannot both be right, and neither can be chosen.
 */
export class PageRepeats<T> {
  /** Where each id first appears on the page: built at the first repeat, so a page without any costs nothing. */
  private firstIndex: Map<string, number> | undefined;

  /** `window` names the range in messages. */
  constructor(
    private readonly records: readonly T[],
    private readonly keys: RecordKeys<T>,
    private readonly window: string,
  ) {}

  /** The record at `index`, whose `id` appeared earlier on this page, must hold the same content. */
  check(index: number, id: string): void {
    this.firstIndex ??= firstIndexOfEachId(this.records, this.keys);
    const first = this.records[this.firstIndex.get(id) ?? index];
    if (!sameContent(first, this.records[index])) {
      throw unusableRecord(id, this.window, 'it appears twice on one page with two different contents');
    }
  }
}

function firstIndexOfEachId<T>(records: readonly T[], keys: RecordKeys<T>): Map<string, number> {
  const firstIndex = new Map<string, number>();
  records.forEach((record, index) => {
    const id = keys.idOf(record);
    if (!firstIndex.has(id)) firstIndex.set(id, index);
  });
  return firstIndex;
}

/**
 * Whether a parsed JSON value nests deeper than `limit` levels (the value itself is level 1).
 * Walked with an explicit stack, not recursion: a value a hundred thousand levels deep must be
 * measured, not overflow the call stack while being measured.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  // Runs on every record: plain loops over an explicit stack, nothing allocated per node.
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const depth = depths.pop() ?? 1;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index += 1) pushIfObject(nodes, depths, node[index], depth + 1);
    } else {
      for (const key in node) pushIfObject(nodes, depths, (node as Record<string, unknown>)[key], depth + 1);
    }
  }
  return false;
}

function pushIfObject(nodes: unknown[], depths: number[], child: unknown, depth: number): void {
  if (typeof child === 'object' && child !== null) {
    nodes.push(child);
    depths.push(depth);
  }
}

/** Whether two records parsed from JSON hold the same content (both within the depth limit). */
function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The failure for a record the connector cannot handle, naming it, where it is and what is wrong:
 * every sync would meet it again, so it is a system_error that says how to get past it.
 */
function unusableRecord(id: string, window: string, problem: string, cause?: unknown): ConnectorError {
  return systemError(
    `Rootly sent the audit record ${JSON.stringify(maskedExcerpt(id, 100))} in ${window}, which the connector cannot handle: ${problem}. Every sync stops at it: to get past it, move the stream's state past that range (see "Records the connector refuses" in the README), and report the record to Rootly support.`,
    { cause },
  );
}
