import { systemError } from '../errors.js';
import type { RootlyHttpClient } from '../http/rootly-client.js';
import { compileSchema, describeErrors } from '../validation.js';
import type { AuditResource, Page, PageRequest, PageSource } from './page-source.js';

interface AuditsListBody {
  data: AuditResource[];
  links?: { next?: string | null; self?: string | null };
  meta?: { total_count?: number };
}

/** What the connector relies on in a list response; everything else passes through unchecked. */
const AUDITS_LIST_SCHEMA = {
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'attributes'],
        properties: {
          id: { type: ['string', 'integer'] },
          type: { type: 'string' },
          attributes: { type: 'object', required: ['created_at'], properties: { created_at: { type: 'string' } } },
        },
      },
    },
    links: { type: 'object', properties: { next: { type: ['string', 'null'] }, self: { type: ['string', 'null'] } } },
    meta: { type: 'object', properties: { total_count: { type: ['integer', 'null'] } } },
  },
};

const NOT_FOUND_HINT =
  "Rootly answered 404 on /v1/audits: the API key's role lacks the Audits read permission. Give the key's role \"Audits: read\" (or use a key of a role that has it).";

/** Pages of `GET /v1/audits`, asked for in ascending created_at order within a time range. */
export class RootlyPageSource implements PageSource {
  private readonly validate = compileSchema<AuditsListBody>(AUDITS_LIST_SCHEMA);
  private readonly auditsUrl: URL;

  constructor(
    private readonly client: RootlyHttpClient,
    private readonly baseUrl: URL,
    private readonly debug: (message: string) => void = () => undefined,
  ) {
    this.auditsUrl = new URL(`${baseUrl.pathname.replace(/\/$/, '')}/v1/audits`, baseUrl);
  }

  /** The URL of a range's first page. */
  firstPageUrl(request: PageRequest): URL {
    const url = new URL(this.auditsUrl);
    url.searchParams.set('sort', 'created_at');
    url.searchParams.set('page[number]', '1');
    url.searchParams.set('page[size]', String(request.pageSize));
    url.searchParams.set('filter[created_at][gte]', request.range.start);
    url.searchParams.set('filter[created_at][lt]', request.range.end);
    return url;
  }

  async fetchPage(request: PageRequest): Promise<Page> {
    const url = request.link === undefined ? this.firstPageUrl(request) : this.checkedLink(request.link);
    this.debug(`GET ${url.pathname}${url.search}`);
    const response = await this.client.getJson(url, { notFoundHint: NOT_FOUND_HINT, ...(request.signal ? { signal: request.signal } : {}) });
    const body = response.body;
    if (!this.validate(body)) {
      throw systemError(`Rootly's answer to GET /v1/audits is not the expected JSON:API list: ${describeErrors(this.validate.errors, 'the body')}.`);
    }
    // JSON:API ids are strings; a server sending numbers gets them normalised, in place.
    const resources = body.data;
    for (const resource of resources) if (typeof resource.id !== 'string') resource.id = String(resource.id);
    const total = body.meta?.total_count;
    const self = body.links?.self;
    return {
      resources,
      nextLink: body.links?.next ?? null,
      ...(typeof self === 'string' ? { selfLink: self } : {}),
      ...(typeof total === 'number' ? { totalCount: total } : {}),
    };
  }

  /** A next link is followed only on the configured origin: anywhere else would receive the key. */
  private checkedLink(link: string): URL {
    let url: URL;
    try {
      url = new URL(link, this.auditsUrl);
    } catch {
      throw systemError(`Rootly returned a next-page link that is not a URL: ${JSON.stringify(link.slice(0, 200))}.`);
    }
    if (url.origin !== this.baseUrl.origin || !url.pathname.startsWith(this.auditsUrl.pathname)) {
      throw systemError(
        `Rootly returned a next-page link to ${url.origin}${url.pathname}, outside the configured base URL ${this.baseUrl.origin}; the connector does not follow it, since that would send the API key there.`,
      );
    }
    return url;
  }
}
