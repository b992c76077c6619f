/** One page of the audits listing in Rootly's JSON:API shape, with Kaminari's page arithmetic. */
import type { AuditResource } from './resource.js';
import { FOREIGN_ORIGIN, type PageFault } from './faults.js';
import { pageLink } from './links.js';
import { applyHostilePageFault } from './page-faults.js';
import type { AuditQuery } from './query.js';
import type { Selection } from './store.js';

export interface AuditsListLinks {
  self: string;
  first: string;
  prev: string | null;
  next: string | null;
  last: string | null;
}

export interface AuditsListMeta {
  current_page: number;
  next_page: number | null;
  prev_page: number | null;
  total_count: number;
  total_pages: number;
}

export interface AuditsListDocument {
  data: AuditResource[];
  links: AuditsListLinks;
  meta?: AuditsListMeta;
}

export interface PageInput {
  selection: Selection;
  query: AuditQuery;
  /** Scheme, host and port the client called, e.g. http://127.0.0.1:4010. */
  origin: string;
  path: string;
  omitMeta: boolean;
  fault?: PageFault;
  /** The page whose records are served in this one's place (a swap); this page when absent. */
  recordsOfPage?: number;
  /** The request's number and the key it carried, for the hostile page faults. */
  requestNumber?: number;
  echoedKey?: string;
}

/** The page faults buildPage bends itself; the others are in page-faults.ts. */
const SIMPLE_FAULTS: ReadonlySet<PageFault> = new Set([
  'empty-page-with-next',
  'repeat-next-link',
  'foreign-next-link',
  'duplicate-across-pages',
  'swap-with-next-page',
]);

export function buildPage(input: PageInput): AuditsListDocument {
  const { fault } = input;
  const document = buildSimplePage(input);
  if (fault !== undefined && !SIMPLE_FAULTS.has(fault)) {
    const firstIndex = (input.query.pageNumber - 1) * input.query.pageSize;
    applyHostilePageFault(document, fault, {
      input,
      firstIndex,
      requestNumber: input.requestNumber ?? 0,
      echoedKey: input.echoedKey ?? '',
    });
  }
  return document;
}

function buildSimplePage({ selection, query, origin, path, omitMeta, fault, recordsOfPage }: PageInput): AuditsListDocument {
  const { pageNumber: page, pageSize: size } = query;
  const total = selection.length;
  const totalPages = Math.ceil(total / size);
  const first = ((recordsOfPage ?? page) - 1) * size;
  const end = Math.min(total, first + size);
  const data: AuditResource[] = [];
  for (let p = first; p < end; p++) data.push(selection.resourceAt(p));

  // Kaminari: no next on the last page, no prev on page 1 or past the end.
  let nextPage = page < totalPages ? page + 1 : null;
  const prevPage = page > 1 && page <= totalPages ? page - 1 : null;
  const link = (n: number): string => pageLink(origin, path, query.params, n);
  let next = nextPage === null ? null : link(nextPage);

  switch (fault) {
    case 'empty-page-with-next':
      data.length = 0;
      nextPage = page + 1;
      next = link(nextPage);
      break;
    case 'repeat-next-link':
      nextPage = page;
      next = link(page);
      break;
    case 'foreign-next-link':
      nextPage = page + 1;
      next = pageLink(FOREIGN_ORIGIN, path, query.params, nextPage);
      break;
    case 'duplicate-across-pages':
      if (end < total) data.push(selection.resourceAt(end));
      break;
  }

  const document: AuditsListDocument = {
    data,
    links: { self: link(page), first: link(1), prev: prevPage === null ? null : link(prevPage), next, last: link(Math.max(1, totalPages)) },
  };
  if (!omitMeta)
    document.meta = { current_page: page, next_page: nextPage, prev_page: prevPage, total_count: total, total_pages: totalPages };
  return document;
}
