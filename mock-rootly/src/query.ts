/**
 * Reads the /v1/audits query string the way a Rails app would: brackets and values arrive
 * percent-encoded, the last duplicate wins, junk page numbers fall back to page 1 and an
 * oversized page[size] is silently capped (Rootly never says it shrank the page).
 */
import { parseInstant } from './instants.js';
import type { CreatedAtBounds } from './store.js';

export interface AuditQuery {
  bounds: CreatedAtBounds;
  /** Ascending only for sort=created_at; Rootly's default order is newest first. */
  sort: 'asc' | 'desc';
  pageNumber: number;
  /** The size actually served, after the default and the cap. */
  pageSize: number;
  /** Every query parameter as received (decoded, last duplicate wins), for building links. */
  params: Map<string, string>;
}

export interface PageSizeLimits {
  defaultPageSize: number;
  maxPageSize: number;
}

export type QueryResult = { ok: true; query: AuditQuery } | { ok: false; error: string };

const BOUNDS = ['gt', 'gte', 'lt', 'lte'] as const;

export function parseAuditQuery(search: URLSearchParams, limits: PageSizeLimits): QueryResult {
  const params = new Map<string, string>();
  for (const [key, value] of search) params.set(key, value);

  const bounds: CreatedAtBounds = {};
  for (const bound of BOUNDS) {
    const text = params.get(`filter[created_at][${bound}]`);
    if (text === undefined) continue;
    const instant = parseInstant(text);
    // Strict on purpose: an unencoded '+' offset arrives as a space, and a silently
    // ignored filter would hide that connector bug behind a full, unfiltered answer.
    if (!instant) return { ok: false, error: `filter[created_at][${bound}] is not an ISO-8601 timestamp: ${JSON.stringify(text)}` };
    bounds[bound] = instant;
  }

  const requestedSize = leadingInteger(params.get('page[size]'));
  const pageSize = Math.min(requestedSize !== undefined && requestedSize > 0 ? requestedSize : limits.defaultPageSize, limits.maxPageSize);
  const requestedPage = leadingInteger(params.get('page[number]'));
  return {
    ok: true,
    query: {
      bounds,
      sort: params.get('sort') === 'created_at' ? 'asc' : 'desc',
      pageNumber: requestedPage !== undefined && requestedPage > 0 ? requestedPage : 1,
      pageSize,
      params,
    },
  };
}

/** Ruby's String#to_i: leading digits count, anything else is ignored. */
function leadingInteger(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number.parseInt(text.trim(), 10);
  return Number.isNaN(value) ? undefined : value;
}
