import type { IncomingHttpHeaders } from 'node:http';
import got, { HTTPError, RequestError, type Got, type Response } from 'got';
import { ConnectorError, systemError, transientError } from '../errors.js';
import { maskedExcerpt } from '../secrets.js';
import { SlidingWindowLimiter, systemClock, type LimiterPause } from './rate-limiter.js';
import { RESPONSE_TOO_LARGE, treatmentOf, type FailureContext, type ResponseFacts } from './response-table.js';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicyOptions, type RetryReason } from './retry-policy.js';

export interface RootlyClientOptions {
  apiKey: string;
  requestTimeoutMs: number;
  maxRetryMs: number;
  requestsPerMinute: number;
  /** Overrides for tests and `check`, which should not wait for long. */
  policy?: Partial<RetryPolicyOptions>;
  /** Told when the rate limiter holds every request back for seconds. */
  onPause?: (pause: LimiterPause) => void;
  /** The most bytes one response may hold once decompressed; MAX_RESPONSE_BYTES by default. */
  maxResponseBytes?: number;
}

/**
 * A response is read into memory whole (and then parsed), so its decompressed size is capped: a
 * gzip bomb or a page of a million records must end the sync with a clear error, not in an
 * out-of-memory kill. A page of 1000 audits is a few MB.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface RetryNotice {
  reason: RetryReason;
  delayMs: number;
  attempt: number;
  statusCode?: number;
  errorCode?: string;
}

export interface HttpStats {
  retries: number;
  /** Moving average of the time Rootly takes to answer, once any request has been timed. */
  latencyMs?: number;
}

/** What a caller gets of a response: got's own response object stays inside the client. */
export interface JsonResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface JsonRequest {
  /** Cancels the request and any retry it is waiting for. */
  signal?: AbortSignal;
  /** What a 404 means on this path, in the user's terms. */
  notFoundHint?: string;
}

interface RequestContext extends Record<string, unknown> {
  startedAt: number;
  /** The limiter's number for the attempt in flight, to match its answer's rate-limit headers to it. */
  departure?: number;
  /** Set when the body grew past the cap and the request was cancelled. */
  oversized?: boolean;
}

/**
 * Rootly's HTTP client: got with the Bearer key, a timeout on every request, the shared sliding-
 * window limiter before every attempt, and the one retry policy deciding every retry. Failures that
 * remain are turned into ConnectorErrors with the remedy a user needs.
 */
export class RootlyHttpClient {
  readonly stats: HttpStats = { retries: 0 };
  readonly limiter: SlidingWindowLimiter;
  private readonly got: Got;
  private readonly policy: RetryPolicyOptions;
  private readonly maxResponseBytes: number;

  constructor(
    options: RootlyClientOptions,
    private readonly onRetry: (notice: RetryNotice) => void = () => undefined,
  ) {
    this.limiter = new SlidingWindowLimiter(options.requestsPerMinute, 60_000, systemClock, options.onPause);
    this.policy = { ...DEFAULT_RETRY_POLICY, maxRetryMs: options.maxRetryMs, ...options.policy };
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.got = got.extend({
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        accept: 'application/vnd.api+json',
        'content-type': 'application/vnd.api+json',
        'user-agent': 'airbyte-source-rootly-audit-logs',
      },
      timeout: { request: options.requestTimeoutMs },
      // A redirect could carry the key to another host: treat it as an error instead.
      followRedirect: false,
      responseType: 'json',
      retry: { limit: Number.MAX_SAFE_INTEGER, calculateDelay: ({ attemptCount, error }) => this.retryDelay(attemptCount, error) },
      hooks: {
        beforeRequest: [
          async (options) => {
            // Waiting for the limiter is part of the request's time: it counts against max_retry_seconds.
            const context = options.context as Partial<RequestContext>;
            context.departure = await this.limiter.acquire(options.signal, (context.startedAt ?? Date.now()) + this.policy.maxRetryMs);
          },
        ],
        afterResponse: [
          (response) => {
            const departure = (response.request.options.context as Partial<RequestContext>).departure ?? 0;
            this.limiter.observe(response.headers, departure, response.statusCode >= 200 && response.statusCode < 300);
            const elapsed = response.timings.phases.total;
            if (elapsed !== undefined) {
              this.stats.latencyMs = this.stats.latencyMs === undefined ? elapsed : this.stats.latencyMs * 0.8 + elapsed * 0.2;
            }
            return response;
          },
        ],
      },
    });
  }

  /** GETs a JSON body; every failure that survives the retry policy becomes a ConnectorError. */
  async getJson(url: URL, request: JsonRequest = {}): Promise<JsonResponse> {
    const context: RequestContext = { startedAt: Date.now() };
    let response: Response;
    try {
      const pending = this.got.get(url, { context, ...(request.signal ? { signal: request.signal } : {}) });
      // Progress counts decompressed bytes as they arrive; a declared length past the cap stops
      // the request before its body is read at all.
      void pending.on('downloadProgress', ({ transferred, total }) => {
        if (Math.max(transferred, total ?? 0) > this.maxResponseBytes && !context.oversized) {
          context.oversized = true;
          pending.cancel();
        }
      });
      response = await pending;
    } catch (error) {
      const elapsedMs = Date.now() - context.startedAt;
      if (context.oversized) throw failureFor({ errorCode: RESPONSE_TOO_LARGE }, url, elapsedMs, { limitBytes: this.maxResponseBytes });
      throw describeFailure(error, url, elapsedMs, request.notFoundHint);
    }
    const { statusCode, headers, body } = response;
    // got keeps a finished response reachable (from its socket) until a later request on the same
    // connection; without this, every parsed page would outlive its use and be promoted to the
    // old generation, tripling the time a sync spends collecting garbage.
    response.body = undefined;
    if (statusCode >= 300) throw failureFor({ statusCode }, url, 0, { location: headers.location });
    return { statusCode, headers, body };
  }

  private retryDelay(attempt: number, error: RequestError): number {
    // The limiter refused to wait past the request's deadline: nothing is left to retry with.
    if (error.cause instanceof ConnectorError) return 0;
    const startedAt = (error.options.context as Partial<RequestContext>).startedAt ?? Date.now();
    const statusCode = error.response?.statusCode;
    const decision = decideRetry(
      { attempt, elapsedMs: Date.now() - startedAt, statusCode, headers: error.response?.headers, errorCode: error.code },
      this.policy,
      Date.now(),
    );
    if (!decision.retry) return 0;
    this.stats.retries += 1;
    if (decision.reason === 'rate_limited') {
      this.limiter.rateLimited(Date.now() + decision.delayMs);
    }
    this.onRetry({ reason: decision.reason, delayMs: decision.delayMs, attempt, statusCode, errorCode: error.code });
    return decision.delayMs;
  }
}

/** A got failure as the ConnectorError the response table gives it. */
function describeFailure(error: unknown, url: URL, elapsedMs: number, notFoundHint: string | undefined): ConnectorError {
  if (error instanceof RequestError) {
    if (error.cause instanceof ConnectorError) return error.cause;
    if (error.name === 'AbortError' || error.code === 'ERR_ABORTED')
      return transientError('The request was cancelled: the sync is stopping.', { cause: detached(error) });
    const statusCode = error instanceof HTTPError ? error.response.statusCode : undefined;
    const title = error instanceof HTTPError ? errorTitle(error.response.body) : undefined;
    return failureFor({ statusCode, errorCode: error.code }, url, elapsedMs, { title, notFoundHint }, detached(error));
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return systemError('The request to Rootly failed unexpectedly.', { internal: detail, cause: error });
}

function failureFor(
  facts: ResponseFacts,
  url: URL,
  elapsedMs: number,
  extra: Pick<FailureContext, 'title' | 'notFoundHint' | 'location' | 'limitBytes'>,
  cause?: unknown,
): ConnectorError {
  const treatment = treatmentOf(facts);
  const context: FailureContext = {
    ...facts,
    ...extra,
    seconds: Math.round(elapsedMs / 1000),
    origin: url.origin,
    host: url.hostname,
    path: url.pathname,
  };
  return new ConnectorError(treatment.failureType, treatment.message(context), {
    internal: `GET ${url.pathname}: ${treatment.name}`,
    cause,
  });
}

/** The first JSON:API error title, or Rootly's `{"error": ...}` form, when the body has one. */
function errorTitle(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return errorTitle(JSON.parse(body) as unknown);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { errors, error } = body as { errors?: Array<{ title?: unknown }>; error?: unknown };
  const title = Array.isArray(errors) ? errors[0]?.title : error;
  // Masked before it is cut: a cut key would no longer be recognised by the mask.
  return typeof title === 'string' ? maskedExcerpt(title, 300) : undefined;
}

/**
 * A got failure as a ConnectorError's cause: its name, message and stack only. got's error holds
 * the request's options, the Authorization header among them, which anything printing the error
 * whole (util.inspect, Node's report of an unhandled rejection on stderr) would show past the mask.
 * A body parse failure also loses its message, which quotes a few characters of the body around
 * the error: a cut piece of whatever the server wrote there, which no mask can recognise.
 */
function detached(error: RequestError): Error {
  const parseFailure = error.code === 'ERR_BODY_PARSE_FAILURE';
  const message = parseFailure ? "the body is not valid JSON (the parser's excerpt of it is left out)" : error.message;
  const copy = new Error(message);
  copy.name = error.name;
  copy.stack = parseFailure
    ? [`${error.name}: ${message}`, ...error.stack.split('\n').filter((line) => /^\s+at /.test(line))].join('\n')
    : error.stack;
  return copy;
}
