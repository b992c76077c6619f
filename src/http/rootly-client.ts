import type { IncomingHttpHeaders } from 'node:http';
import got, { HTTPError, RequestError, type Got, type Response } from 'got';
import { configError, systemError, transientError, type ConnectorError } from '../errors.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicyOptions, type RetryReason } from './retry-policy.js';

export interface RootlyClientOptions {
  apiKey: string;
  requestTimeoutMs: number;
  maxRetryMs: number;
  requestsPerMinute: number;
  /** Overrides for tests and `check`, which should not wait for long. */
  policy?: Partial<RetryPolicyOptions>;
}

export interface RetryNotice {
  reason: RetryReason;
  delayMs: number;
  attempt: number;
  statusCode?: number;
  errorCode?: string;
}

export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
  /** Moving average of the time Rootly takes to answer, once any request has been timed. */
  latencyMs?: number;
}

/** What a caller gets of a response: got's own response object stays inside the client. */
export interface JsonResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface RequestContext extends Record<string, unknown> {
  startedAt: number;
}

/**
 * Rootly's HTTP client: got with the Bearer key, a timeout on every request, the shared sliding-
 * window limiter before every attempt, and the one retry policy deciding every retry. Failures that
 * remain are turned into ConnectorErrors with the remedy a user needs.
 */
export class RootlyHttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0 };
  readonly limiter: SlidingWindowLimiter;
  private readonly got: Got;
  private readonly policy: RetryPolicyOptions;

  constructor(
    options: RootlyClientOptions,
    private readonly onRetry: (notice: RetryNotice) => void = () => undefined,
  ) {
    this.limiter = new SlidingWindowLimiter(options.requestsPerMinute);
    this.policy = { ...DEFAULT_RETRY_POLICY, maxRetryMs: options.maxRetryMs, ...options.policy };
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
          async () => {
            await this.limiter.acquire();
            this.stats.requests += 1;
          },
        ],
        afterResponse: [
          (response) => {
            this.limiter.observe(response.headers);
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
  async getJson(url: URL): Promise<JsonResponse> {
    const context: RequestContext = { startedAt: Date.now() };
    let response: Response<unknown>;
    try {
      response = await this.got.get(url, { context });
    } catch (error) {
      throw this.describeFailure(error, url, Date.now() - context.startedAt);
    }
    const { statusCode, headers, body } = response;
    // got keeps a finished response reachable (from its socket) until a later request on the same
    // connection; without this, every parsed page would outlive its use and be promoted to the
    // old generation, tripling the time a sync spends collecting garbage.
    response.body = undefined;
    return { statusCode, headers, body };
  }

  private retryDelay(attempt: number, error: RequestError): number {
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
      this.stats.rateLimited += 1;
      this.limiter.rateLimited(Date.now() + decision.delayMs);
    }
    this.onRetry({ reason: decision.reason, delayMs: decision.delayMs, attempt, statusCode, errorCode: error.code });
    return decision.delayMs;
  }

  private describeFailure(error: unknown, url: URL, elapsedMs: number): ConnectorError {
    const seconds = Math.round(elapsedMs / 1000);
    if (error instanceof HTTPError) {
      const status = error.response.statusCode;
      const title = errorTitle(error.response.body);
      if (status === 401) {
        return configError(
          'Rootly rejected the API key (401 Invalid token): it is invalid, expired or revoked. Generate a new key in Rootly under Configuration → API Keys and update the source.',
        );
      }
      if (status === 404 && url.pathname.endsWith('/v1/audits')) {
        return configError(
          "Rootly answered 404 on /v1/audits: the API key's role lacks the Audits read permission. Give the key's role \"Audits: read\" (or use a key of a role that has it).",
        );
      }
      if (status === 429) {
        return transientError(
          `Rootly kept answering 429 (rate limit exceeded) for ${seconds} s. Another tool may share this API key; lower requests_per_minute or run the sync later.`,
        );
      }
      if (status >= 500 || status === 408) {
        return transientError(`Rootly answered ${status}${title ? ` "${title}"` : ''} on every attempt for ${seconds} s. Rootly may be having an outage; the next sync resumes where this one stopped.`);
      }
      return systemError(`Rootly rejected the request with ${status}${title ? `: "${title}"` : ''}.`, `GET ${url.pathname}${url.search}`);
    }
    if (error instanceof RequestError) {
      if (error.code === 'ERR_BODY_PARSE_FAILURE') {
        const type = error.response?.headers['content-type'] ?? 'unknown content type';
        return systemError(`Rootly answered with a body that is not valid JSON (${type}), also when retried. A proxy in front of the API may be failing; check base_url.`);
      }
      if (error.code === 'ETIMEDOUT') {
        return transientError(`Rootly did not answer within the request timeout, also when retried for ${seconds} s. Try again later or raise request_timeout_seconds.`);
      }
      if (error.code === 'ENOTFOUND') {
        return configError(`The host ${url.hostname} cannot be resolved. Check base_url (default https://api.rootly.com).`);
      }
      return transientError(`Could not reach Rootly at ${url.origin} (${error.code}), also when retried for ${seconds} s. Check the network and base_url, then try again.`);
    }
    return systemError(`The request to Rootly failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
  }
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
  return typeof title === 'string' ? title.slice(0, 300) : undefined;
}
