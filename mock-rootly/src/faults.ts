/**
 * Scripted misbehaviour. Each rule fires on chosen request numbers and/or with a seeded
 * probability, so a failing connector test can be replayed exactly.
 */
import { mulberry32 } from './prng.js';
import { echoTitle } from './hostile.js';
import { htmlReply, jsonApiError, rateLimitedReply, type Reply } from './reply.js';

/** Faults that replace the whole answer, before authentication is even looked at. */
export const REPLY_FAULTS = [
  '429-retry-after',
  '429-x-ratelimit-reset',
  '429-ratelimit-reset',
  '429-no-headers',
  /** A 429 whose Retry-After asks for no wait: 0, negative, a past date or unreadable, in turn. */
  '429-bad-retry-after',
  '500',
  '502',
  '503',
  'html-200',
  /** A 500 whose long error title quotes the client's key, encoded and raw, at its 300th character. */
  'echo-key-in-title',
] as const;
/** Faults that bend a correct page (links, data) while keeping it valid JSON:API. */
export const PAGE_FAULTS = [
  'empty-page-with-next',
  'repeat-next-link',
  'foreign-next-link',
  'duplicate-across-pages',
  /**
   * 'swap-with-next-page' answers a page with the next page's records and the next page, when it is
   * asked for, with this one's: every record is still served once, but the second page goes back in time.
   */
  'swap-with-next-page',
  /** The page before's records again, no total, and a new link to the same page: endless when persistent. */
  'repeat-records',
  /** A next link with user info (got would swap the Bearer key for it). */
  'userinfo-next-link',
  /** A next link to /v1/audits-evil on the same origin. */
  'sibling-path-next-link',
  /** A next link quoting the client's key at its 200th character: not a URL, or to another host. */
  'echo-key-in-link',
  /** The page's last record replaced by its first record's id with another content. */
  'conflicting-duplicate',
  /** A record nested 100,000 levels deep. */
  'deep-record',
  /** A record without created_at. */
  'no-created-at',
] as const;
/** Faults in how the bytes of an answer reach the client. */
export const TRANSPORT_FAULTS = [
  'reset-mid-body',
  'stall',
  'truncated-json',
  'malformed-json',
  /** About 1 MB of gzip inflating to 1 GiB (see HostileSizes). */
  'gzip-bomb',
  /** A 200 MB body with its Content-Length. */
  'huge-body',
  /** A page of 1,000,000 records, streamed without a length, whatever page[size] asked for. */
  'huge-page',
] as const;

export type ReplyFault = (typeof REPLY_FAULTS)[number];
export type PageFault = (typeof PAGE_FAULTS)[number];
export type TransportFault = (typeof TRANSPORT_FAULTS)[number];
export type FaultKind = ReplyFault | PageFault | TransportFault;

export const FAULT_KINDS: readonly FaultKind[] = [...REPLY_FAULTS, ...PAGE_FAULTS, ...TRANSPORT_FAULTS];

export interface FaultRule {
  kind: FaultKind;
  /** 1-based numbers of requests (counted across the whole server) the rule fires on. */
  atRequests?: number[];
  /** Probability per request, drawn from the seeded PRNG. */
  rate?: number;
  /** The most times the rule fires; unlimited when absent. */
  times?: number;
}

export const FOREIGN_ORIGIN = 'http://evil.example.com';

export class FaultPlan {
  private readonly random: () => number;
  private readonly fired: number[];

  constructor(
    private readonly rules: readonly FaultRule[],
    seed: number,
  ) {
    this.random = mulberry32(seed);
    this.fired = rules.map(() => 0);
  }

  /**
   * The fault for this request, the first matching rule winning. A rule with neither
   * atRequests nor rate fires on every request (until `times` runs out). Every rate rule
   * draws on every request so one rule's hits never shift another's random sequence.
   */
  pick(requestNumber: number): FaultKind | undefined {
    let chosen: FaultKind | undefined;
    this.rules.forEach((rule, index) => {
      const roll = rule.rate === undefined ? undefined : this.random();
      const untargeted = rule.atRequests === undefined && rule.rate === undefined;
      const hit = untargeted || (rule.atRequests?.includes(requestNumber) ?? false) || (roll !== undefined && roll < (rule.rate ?? 0));
      const spent = rule.times !== undefined && (this.fired[index] as number) >= rule.times;
      if (chosen === undefined && hit && !spent) {
        chosen = rule.kind;
        this.fired[index] = (this.fired[index] as number) + 1;
      }
    });
    return chosen;
  }
}

export function isReplyFault(kind: FaultKind | undefined): kind is ReplyFault {
  return (REPLY_FAULTS as readonly string[]).includes(kind ?? '');
}

export function isPageFault(kind: FaultKind | undefined): kind is PageFault {
  return (PAGE_FAULTS as readonly string[]).includes(kind ?? '');
}

export function isTransportFault(kind: FaultKind | undefined): kind is TransportFault {
  return (TRANSPORT_FAULTS as readonly string[]).includes(kind ?? '');
}

/** What a reply fault may use of the request and the server. */
export interface ReplyContext {
  /** The server's clock, epoch ms. */
  now: number;
  limit: number;
  requestNumber: number;
  /** The key the client sent, for faults that echo it. */
  echoedKey: string;
}

/** The canned answer of a reply fault; 429s carry only their own header dialect, reset 1 s ahead. */
export function faultReply(kind: ReplyFault, { now, limit, requestNumber, echoedKey }: ReplyContext): Reply {
  const reset = String(Math.ceil((now + 1000) / 1000));
  switch (kind) {
    case '429-bad-retry-after':
      return rateLimitedReply({ 'Retry-After': ['0', '-5', new Date(now - 3_600_000).toUTCString(), 'soon'][requestNumber % 4] as string });
    case 'echo-key-in-title':
      return jsonApiError(500, echoTitle(echoedKey));
    case '429-retry-after':
      return rateLimitedReply({ 'Retry-After': '1' });
    case '429-x-ratelimit-reset':
      return rateLimitedReply({
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Used': String(limit),
        'X-RateLimit-Reset': reset,
      });
    case '429-ratelimit-reset':
      return rateLimitedReply({ 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': '0', 'RateLimit-Reset': reset });
    case '429-no-headers':
      return rateLimitedReply({});
    case '500':
      return jsonApiError(500, 'Internal Server Error');
    case '502':
      return htmlReply(502, '502 Bad Gateway');
    case '503':
      return htmlReply(503, '503 Service Temporarily Unavailable');
    case 'html-200':
      return { ...htmlReply(200, "We're sorry, but something went wrong."), status: 200 };
  }
}

/** Half the body with a correct Content-Length: the client gets a complete but broken document. */
export function truncateBody(body: string): string {
  return body.slice(0, Math.floor(body.length / 2));
}

/** A leading comma in the data array: invalid JSON however many records the page holds. */
export function malformBody(body: string): string {
  return body.replace('{"data":[', '{"data":[,');
}
