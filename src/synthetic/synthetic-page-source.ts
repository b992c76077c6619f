import { instantToMillis, parseInstantOrThrow } from '../cursor/instant.js';
import type { AuditResource } from '../rootly/audits.js';
import type { Page, PageRequest, PageSource } from '../stream/page-source.js';
import { syntheticEvents, syntheticResource } from './generator.js';

const LINK_PREFIX = 'synthetic:/v1/audits?page%5Bnumber%5D=';
export const SYNTHETIC_SEED = 20_240_601;

/**
 * Answers page requests from the deterministic generator, in ascending order like a Rootly server
 * that honours `sort=created_at`, so that a synthetic sync runs the same windows, cursor, state and
 * status code as a real one.
 */
export class SyntheticPageSource implements PageSource<AuditResource> {
  constructor(private readonly seed: number = SYNTHETIC_SEED) {}

  fetchPage(request: PageRequest): Promise<Page<AuditResource>> {
    const pageNumber = request.link === undefined ? 1 : Number(request.link.slice(LINK_PREFIX.length));
    const startMs = instantToMillis(parseInstantOrThrow(request.range.start, 'range start'));
    const endMs = instantToMillis(parseInstantOrThrow(request.range.end, 'range end'));
    const skip = (pageNumber - 1) * request.pageSize;
    const resources = [];
    let total = 0;
    for (const event of syntheticEvents(startMs, endMs, this.seed)) {
      if (total >= skip && total < skip + request.pageSize) resources.push(syntheticResource(event, this.seed));
      total += 1;
    }
    const hasNext = skip + request.pageSize < total;
    return Promise.resolve({ resources, nextLink: hasNext ? `${LINK_PREFIX}${pageNumber + 1}` : null, totalCount: total });
  }
}
