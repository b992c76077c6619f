/**
 * An HTTP mock of Rootly's GET /v1/audits speaking the published contract, with knobs for the
 * uncertain parts (page-size cap, sort honoured or not, meta present or not, rate-limit
 * dialects) and scripted faults, so the connector can be proven against each variant.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditResource } from './resource.js';
import { FaultPlan, faultReply, isPageFault, isReplyFault, isTransportFault, type FaultKind } from './faults.js';
import { DEFAULTS, checkAuthorization, type MockRootlyKnobs, type MockRootlyOptions, type RequestLogEntry } from './options.js';
import { deepJson, DEEP_MARKER, HOSTILE_DEFAULTS } from './hostile.js';
import { buildPage } from './page.js';
import { parseAuditQuery, type AuditQuery } from './query.js';
import { SlidingWindowLimiter, maxInAnyWindow, rateLimitHeaders } from './rate-limit.js';
import { jsonApiError, jsonApiReply, rateLimitedReply, type Reply } from './reply.js';
import { AuditStore, type SelectionOrder } from './store.js';
import { sendFaulty, sendReply } from './transport.js';

export type { MockRootlyKnobs, MockRootlyOptions, RequestLogEntry } from './options.js';

export interface MockRootly {
  /** e.g. http://127.0.0.1:43121 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every request received so far, oldest first (live: entries fill in their status). */
  readonly requests: readonly RequestLogEntry[];
  /** The most requests received inside any 60 s window. */
  requestsInAnySlidingMinute(): number;
  /** The most requests received inside any window of `windowMs`. */
  requestsInAnyWindow(windowMs: number): number;
  setDataset(resources: readonly AuditResource[], hiddenUntil?: ReadonlyMap<string, number>): void;
  setOptions(partial: Partial<MockRootlyKnobs>): void;
  /** Forgets the log and restarts request numbering, fault counters and the rate-limit window. */
  resetRequests(): void;
  close(): Promise<void>;
}

const AUDITS_PATH = '/v1/audits';

export async function startMockRootly(options: MockRootlyOptions): Promise<MockRootly> {
  const { port = 0, host = '127.0.0.1', dataset = [], hiddenUntil, ...knobs } = options;
  const mock = new MockRootlyServer(knobs);
  mock.setDataset(dataset, hiddenUntil);
  await mock.listen(port, host);
  return mock;
}

class MockRootlyServer implements MockRootly {
  readonly requests: RequestLogEntry[] = [];
  private readonly server: Server;
  private readonly store = new AuditStore();
  private readonly timers = new Set<NodeJS.Timeout>();
  private knobs: MockRootlyKnobs;
  private faults!: FaultPlan;
  private limiter: SlidingWindowLimiter | undefined;
  private origin = '';
  /** Swapped pages not yet paid back: listing (its query without the page number) → page owed. */
  private readonly owedPages = new Map<string, number>();

  constructor(knobs: MockRootlyKnobs) {
    this.knobs = knobs;
    this.server = createServer((req, res) => this.handle(req, res));
    this.resetRequests();
  }

  get url(): string {
    return this.origin;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.origin = `http://${shownHost}:${this.port}`;
  }

  requestsInAnySlidingMinute(): number {
    return this.requestsInAnyWindow(60_000);
  }

  requestsInAnyWindow(windowMs: number): number {
    return maxInAnyWindow(
      this.requests.map((entry) => entry.time),
      windowMs,
    );
  }

  setDataset(resources: readonly AuditResource[], hiddenUntil?: ReadonlyMap<string, number>): void {
    this.store.load(resources, hiddenUntil);
  }

  setOptions(partial: Partial<MockRootlyKnobs>): void {
    this.knobs = { ...this.knobs, ...partial };
    if ('faults' in partial || 'seed' in partial) {
      this.faults = new FaultPlan(this.knobs.faults ?? [], this.seed());
      this.owedPages.clear();
    }
    if ('rateLimit' in partial) this.limiter = this.knobs.rateLimit && new SlidingWindowLimiter(this.knobs.rateLimit);
  }

  resetRequests(): void {
    this.requests.length = 0;
    this.faults = new FaultPlan(this.knobs.faults ?? [], this.seed());
    this.limiter = this.knobs.rateLimit && new SlidingWindowLimiter(this.knobs.rateLimit);
    this.owedPages.clear();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private seed(): number {
    return this.knobs.seed ?? DEFAULTS.seed;
  }

  /** The server's own clock, which may run ahead of or behind the real one (clockOffsetMs). */
  private now(): number {
    return Date.now() + (this.knobs.clockOffsetMs ?? 0);
  }

  /** Decisions that depend on arrival order (numbering, limiter, faults) happen at once; the answer after the latency. */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    const now = this.now();
    const entry: RequestLogEntry = {
      number: this.requests.length + 1,
      time: Date.now(),
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      authorization: checkAuthorization(req.headers.authorization, this.knobs),
      status: null,
    };
    this.requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    // reset-mid-body never finishes; the status line still went out.
    res.on('close', () => (entry.status ??= res.headersSent ? res.statusCode : null));

    this.stampDate(res);
    const path = new URL(entry.url, 'http://mock').pathname;
    if (path !== AUDITS_PATH) return this.later(() => sendReply(res, jsonApiError(404, 'Not found')));
    if (entry.method !== 'GET')
      return this.later(() => sendReply(res, withHeaders(jsonApiError(405, 'Method Not Allowed'), { Allow: 'GET' })));

    let limitHeaders: Record<string, string> = {};
    if (this.limiter && this.knobs.rateLimit) {
      const verdict = this.limiter.admit(now);
      limitHeaders = rateLimitHeaders(this.knobs.rateLimit, verdict, now);
      if (!verdict.allowed) {
        entry.rateLimited = true;
        return this.later(() => sendReply(res, rateLimitedReply(limitHeaders)));
      }
    }
    const fault = this.faults.pick(entry.number);
    if (fault) entry.fault = fault;
    const host = req.headers.host;
    const echoedKey = /^Bearer\s+(.*)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    this.later(() => this.answer(res, { entry, fault, limitHeaders, origin: host ? `http://${host}` : this.origin, echoedKey }));
  }

  /** The Date header from the server's clock, or none at all (omitDateHeader). */
  private stampDate(res: ServerResponse): void {
    if (this.knobs.omitDateHeader) res.sendDate = false;
    else res.setHeader('Date', new Date(this.now()).toUTCString());
  }

  private answer(res: ServerResponse, request: PendingAnswer): void {
    const { entry, fault } = request;
    this.stampDate(res);
    // Canned faults stand in for a proxy or a crashed app, so they carry no limiter headers.
    if (isReplyFault(fault)) {
      return sendReply(
        res,
        faultReply(fault, {
          now: this.now(),
          limit: this.knobs.rateLimit?.limit ?? 3000,
          requestNumber: entry.number,
          echoedKey: request.echoedKey,
        }),
      );
    }
    const reply = this.audits(request);
    // Page and transport faults only bend a 200 page; keep the log truthful when one could not apply.
    if (reply.status !== 200) delete entry.fault;
    if (fault === 'deep-record' && reply.status === 200) reply.body = reply.body.replace(JSON.stringify(DEEP_MARKER), deepJson(100_000));
    if (isTransportFault(fault) && reply.status === 200) {
      const createdAt = new URL(entry.url, 'http://mock').searchParams.get('filter[created_at][gte]') ?? new Date(this.now()).toISOString();
      const sizes = { ...HOSTILE_DEFAULTS, ...this.knobs.hostileSizes };
      const timer = sendFaulty(res, reply, fault, { stallMs: this.knobs.stallMs ?? DEFAULTS.stallMs, sizes, createdAt });
      if (timer) {
        this.timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          this.timers.delete(timer);
        });
      }
      return;
    }
    sendReply(res, reply);
  }

  private audits({ entry, fault, limitHeaders, origin, echoedKey }: PendingAnswer): Reply {
    if (entry.authorization === 'forbidden') return withHeaders(jsonApiError(404, 'Not found or unauthorized'), limitHeaders);
    if (entry.authorization !== 'valid') return withHeaders(jsonApiError(401, 'Invalid token'), limitHeaders);
    const url = new URL(entry.url, 'http://mock');
    const parsed = parseAuditQuery(url.searchParams, {
      defaultPageSize: this.knobs.defaultPageSize ?? DEFAULTS.defaultPageSize,
      maxPageSize: this.knobs.maxPageSize ?? DEFAULTS.maxPageSize,
    });
    if (!parsed.ok) return withHeaders(jsonApiError(400, 'Invalid filter', parsed.error), limitHeaders);
    const selection = this.store.select(parsed.query.bounds, this.orderFor(parsed.query.sort), this.now(), this.seed());
    const recordsOfPage = this.swappedPage(parsed.query, Math.ceil(selection.length / parsed.query.pageSize), entry);
    const document = buildPage({
      selection,
      query: parsed.query,
      origin,
      path: AUDITS_PATH,
      omitMeta: this.knobs.omitMeta ?? false,
      fault: isPageFault(fault) ? fault : undefined,
      recordsOfPage,
      requestNumber: entry.number,
      echoedKey,
    });
    return jsonApiReply(200, document, limitHeaders);
  }

  /** swap-with-next-page: the page whose records this request gets, when not its own. */
  private swappedPage(query: AuditQuery, totalPages: number, entry: RequestLogEntry): number | undefined {
    const listing = new Map(query.params);
    listing.delete('page[number]');
    const key = JSON.stringify([...listing].sort());
    const page = query.pageNumber;
    if (this.owedPages.get(key) === page - 1) {
      this.owedPages.delete(key);
      if (entry.fault === 'swap-with-next-page') delete entry.fault;
      return page - 1;
    }
    if (entry.fault !== 'swap-with-next-page') return undefined;
    if (page >= totalPages) {
      delete entry.fault;
      return undefined;
    }
    this.owedPages.set(key, page);
    return page + 1;
  }

  private orderFor(sort: 'asc' | 'desc'): SelectionOrder {
    const mode = this.knobs.order ?? DEFAULTS.order;
    if (mode === 'honour') return sort;
    return mode === 'shuffled' ? 'shuffled' : 'desc';
  }

  /** Runs after latencyMs on a timer, so thousands of concurrent requests just wait in parallel. */
  private later(run: () => void): void {
    const latency = this.knobs.latencyMs ?? DEFAULTS.latencyMs;
    if (latency <= 0) return run();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, latency);
    this.timers.add(timer);
  }
}

/** A request on its way to being answered, after the latency. */
interface PendingAnswer {
  entry: RequestLogEntry;
  fault: FaultKind | undefined;
  limitHeaders: Record<string, string>;
  /** Scheme, host and port the client called. */
  origin: string;
  echoedKey: string;
}

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}
