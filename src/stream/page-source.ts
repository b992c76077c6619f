import type { Instant } from '../cursor/instant.js';

/**
 * The seam between the stream engine and wherever pages come from: Rootly's HTTP API or the
 * synthetic generator. The engine owns windows, pagination bookkeeping, dedup and state; a page
 * source only answers one page request at a time. Records are opaque to the engine but for what
 * RecordKeys reads of them.
 */

/** A half-open time range [start, end) as ISO-8601 strings, as sent in the created_at filters. */
export interface TimeRange {
  start: string;
  end: string;
}

export interface PageRequest {
  range: TimeRange;
  pageSize: number;
  /** The previous page's `links.next`; absent for the first page of a range. */
  link?: string;
  /** Aborted when the sync stops: the request and any retry it waits for end at once. */
  signal?: AbortSignal;
}

export interface Page<T> {
  resources: T[];
  /** `links.next`, or null on the last page. */
  nextLink: string | null;
  /** `links.self`, when sent: a next link equal to it would loop. */
  selfLink?: string;
  /** `meta.total_count` when the API reports it. */
  totalCount?: number;
}

export interface PageSource<T> {
  fetchPage(request: PageRequest): Promise<Page<T>>;
}

/** The only things the engine reads of a record: its id and its place in time (the cursor). */
export interface RecordKeys<T> {
  idOf(record: T): string;
  /** Throws UnplaceableRecordError when the record has no usable time. */
  instantOf(record: T): Instant;
}

/** A record the engine cannot place in time, named by its id. */
export class UnplaceableRecordError extends Error {
  constructor(
    readonly recordId: string,
    readonly problem: string,
  ) {
    super(`record ${recordId}: ${problem}`);
    this.name = 'UnplaceableRecordError';
  }
}
