import { systemError } from '../errors.js';
import type { RootlyHttpClient } from '../http/rootly-client.js';
import { serverDateOf } from '../http/rate-limit-headers.js';
import type { Page, PageRequest, PageSource } from '../stream/page-source.js';
import { maskedExcerpt } from '../secrets.js';
import { compileSchema, describeErrors } from '../validation.js';
import type { AuditResource } from './audits.js';

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
          // created_at is checked record by record, so that a failure can name the record.
          attributes: { type: 'object' },
        },
      },
    },
    links: { type: 'object', properties: { next: { type: ['string', 'null'] }, self: { type: ['string', 'null'] } } },
    meta: { type: 'object', properties: { total_count: { type: ['integer', 'null'] } } },
  },
};

/** Which list a page source reads: its path below base_url, and what a 404 on it means. */
export interface RootlyList {
  path: string;
  notFoundHint: string;
}

/** Pages of one of Rootly's JSON:API lists, asked for in ascending created_at order within a time range. */
export class RootlyPageSource implements PageSource<AuditResource> {
  private readonly validate = compileSchema<AuditsListBody>(AUDITS_LIST_SCHEMA);
  private readonly listUrl: URL;

  constructor(
    private readonly client: RootlyHttpClient,
    private readonly baseUrl: URL,
    private readonly list: RootlyList,
    private readonly debug: (message: string) => void = () => undefined,
  ) {
    // Set as a path, never resolved as a relative reference: a base path such as `//host` must not
    // become another host.
    this.listUrl = new URL(baseUrl.origin);
    this.listUrl.pathname = `${baseUrl.pathname.replace(/\/+$/, '')}${list.path}`;
  }

  /** The URL of a range's first page. */
  firstPageUrl(request: PageRequest): URL {
    const url = new URL(this.listUrl);
    url.searchParams.set('sort', 'created_at');
    url.searchParams.set('page[number]', '1');
    url.searchParams.set('page[size]', String(request.pageSize));
    url.searchParams.set('filter[created_at][gte]', request.range.start);
    url.searchParams.set('filter[created_at][lt]', request.range.end);
    return url;
  }

  /**
   * Rootly's clock: the Date of its answer to one small request (one record of the last second),
   * in epoch ms; undefined when the answer carries no readable Date.
   */
  async serverTime(signal?: AbortSignal): Promise<number | undefined> {
    const now = Date.now();
    const url = this.firstPageUrl({ range: { start: new Date(now - 1000).toISOString(), end: new Date(now).toISOString() }, pageSize: 1 });
    this.debug(`GET ${url.pathname}${url.search} (to read Rootly's clock)`);
    const response = await this.client.getJson(url, { notFoundHint: this.list.notFoundHint, ...(signal ? { signal } : {}) });
    return serverDateOf(response.headers);
  }

  async fetchPage(request: PageRequest): Promise<Page<AuditResource>> {
    const url = request.link === undefined ? this.firstPageUrl(request) : this.checkedLink(request.link);
    this.debug(`GET ${url.pathname}${url.search}`);
    const response = await this.client.getJson(url, {
      notFoundHint: this.list.notFoundHint,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const body = response.body;
    if (!this.validate(body)) {
      throw systemError(
        `Rootly's answer to GET ${this.list.path} is not the expected JSON:API list: ${describeErrors(this.validate.errors, 'the body')}.`,
      );
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

  /**
   * A next link is followed only to the same list on the configured origin, without user info:
   * anywhere else would receive the key (and got would swap the Bearer key for the link's user info).
   */
  private checkedLink(link: string): URL {
    let url: URL;
    try {
      url = new URL(link, this.listUrl);
    } catch {
      throw systemError(`Rootly returned a next-page link that is not a URL: ${JSON.stringify(maskedExcerpt(link, 200))}.`);
    }
    if (url.origin !== this.baseUrl.origin || url.pathname !== this.listUrl.pathname || url.username !== '' || url.password !== '') {
      throw systemError(
        `Rootly returned a next-page link to ${maskedExcerpt(`${url.origin}${url.pathname}`, 200)}, not ${this.listUrl.origin}${this.listUrl.pathname} of the configured base URL; the connector does not follow it, since that would send the API key elsewhere.`,
      );
    }
    return url;
  }
}
