/**
 * The seam between the audit stream and wherever pages come from: Rootly's HTTP API or the
 * synthetic generator. The stream owns windows, pagination bookkeeping, dedup and state; a page
 * source only answers one page request at a time.
 */

/** An audit resource exactly as Rootly's JSON:API sends it; unknown attributes pass through. */
export interface AuditResource {
  id: string;
  type: string;
  attributes: AuditAttributes;
  relationships?: Record<string, unknown>;
}

export interface AuditAttributes {
  created_at: string;
  event?: string;
  [attribute: string]: unknown;
}

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

export interface Page {
  resources: AuditResource[];
  /** `links.next`, or null on the last page. */
  nextLink: string | null;
  /** `links.self`, when sent: a next link equal to it would loop. */
  selfLink?: string;
  /** `meta.total_count` when the API reports it. */
  totalCount?: number;
}

export interface PageSource {
  fetchPage(request: PageRequest): Promise<Page>;
}
