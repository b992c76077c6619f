import type { FailureType } from '../protocol/messages.js';

/** What the connector knows of one failed attempt: a status it got, or a transport error code. */
export interface ResponseFacts {
  statusCode?: number;
  /** got's error code: ETIMEDOUT, ECONNRESET, ERR_BODY_PARSE_FAILURE, ... */
  errorCode?: string;
}

/** What the message of a final failure may name. */
export interface FailureContext extends ResponseFacts {
  /** How long the request was retried, in whole seconds. */
  seconds: number;
  /** The first error title of the body, when it has one. */
  title?: string;
  /** Where the request went: origin and host, never the query (it may echo anything). */
  origin: string;
  host: string;
  path: string;
  /** The stream's own hint for a 404, which on Rootly means a missing permission. */
  notFoundHint?: string;
  /** A redirect's target. */
  location?: string;
  /** The cap on a response's decompressed size, when a response went past it. */
  limitBytes?: number;
}

/** The error code the HTTP client gives a response it stopped reading at the size cap. */
export const RESPONSE_TOO_LARGE = 'ERR_RESPONSE_TOO_LARGE';

export type RetryReason = 'rate_limited' | 'server_error' | 'network' | 'malformed_body';

/**
 * How long to wait before a retry: what the server asks for (429), else capped exponential backoff
 * with jitter. Every reason retries for at most max_retry_seconds in all.
 */
export interface RetryTreatment {
  reason: RetryReason;
  /** Which attempt limit of the retry policy applies; 429s are bounded by time only. */
  attempts: 'time-only' | 'server-errors' | 'malformed-body';
  serverMayAskForWait: boolean;
}

/** How one kind of failure is treated: whether it is retried, and how it ends. */
export interface ResponseTreatment {
  /** Named in the TRACE's internal message. */
  name: string;
  retry?: RetryTreatment;
  failureType: FailureType;
  message: (context: FailureContext) => string;
}

/** One row of the table: a treatment and the failures it matches. */
interface ResponseRow extends ResponseTreatment {
  matches: (facts: ResponseFacts) => boolean;
}

/** Transport failures worth another attempt; a timeout (ETIMEDOUT) has its own row above them. */
const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

const status =
  (test: (code: number) => boolean) =>
  (facts: ResponseFacts): boolean =>
    facts.statusCode !== undefined && test(facts.statusCode);
const code =
  (test: (errorCode: string) => boolean) =>
  (facts: ResponseFacts): boolean =>
    facts.errorCode !== undefined && test(facts.errorCode);
const megabytes = (bytes: number | undefined): string => String(Math.round((bytes ?? 0) / (1024 * 1024)));
const titled = (context: FailureContext, prefix: string): string => (context.title ? `${prefix}"${context.title}"` : '');

/**
 * The one table of how a Rootly answer is treated, first match wins: whether it is retried, and
 * the failure type and the user's message once it is not (or no longer). The retry policy and the
 * HTTP client's error mapping both read it; nothing else decides.
 */
const RESPONSE_TABLE: readonly ResponseRow[] = [
  {
    name: 'rejected key',
    matches: status((s) => s === 401),
    failureType: 'config_error',
    message: () =>
      'Rootly rejected the API key (401 Invalid token): it is invalid, expired or revoked. Generate a new key in Rootly under Configuration → API Keys and update the source.',
  },
  {
    name: 'not found',
    matches: status((s) => s === 404),
    failureType: 'config_error',
    message: (c) => c.notFoundHint ?? `Rootly answered 404 on ${c.path}. Check base_url (default https://api.rootly.com).`,
  },
  {
    name: 'rate limited',
    matches: status((s) => s === 429),
    retry: { reason: 'rate_limited', attempts: 'time-only', serverMayAskForWait: true },
    failureType: 'transient_error',
    message: (c) =>
      `Rootly kept answering 429 (rate limit exceeded) for ${c.seconds} s. Another tool may share this API key; lower requests_per_minute or run the sync later.`,
  },
  {
    name: 'server error',
    matches: status((s) => s >= 500 || s === 408),
    retry: { reason: 'server_error', attempts: 'server-errors', serverMayAskForWait: false },
    failureType: 'transient_error',
    message: (c) =>
      `Rootly answered ${c.statusCode}${titled(c, ' ')} on every attempt for ${c.seconds} s. Rootly may be having an outage; the next sync resumes where this one stopped.`,
  },
  {
    name: 'redirect',
    matches: status((s) => s >= 300 && s < 400),
    failureType: 'system_error',
    message: (c) =>
      `Rootly answered ${c.statusCode} with a redirect to ${c.location ?? 'an unnamed place'}; the connector does not follow redirects, since they could carry the API key elsewhere. Check base_url.`,
  },
  {
    name: 'rejected request',
    matches: status((s) => s >= 400),
    failureType: 'system_error',
    message: (c) => `Rootly rejected the request with ${c.statusCode}${titled(c, ': ')}.`,
  },
  {
    name: 'malformed body',
    matches: code((e) => e === 'ERR_BODY_PARSE_FAILURE'),
    retry: { reason: 'malformed_body', attempts: 'malformed-body', serverMayAskForWait: false },
    failureType: 'system_error',
    message: () =>
      'Rootly answered with a body that is not valid JSON, also when retried. A proxy in front of the API may be failing; check base_url.',
  },
  {
    // The same request would bring the same body: retrying only spends memory again.
    name: 'response too large',
    matches: code((e) => e === RESPONSE_TOO_LARGE),
    failureType: 'system_error',
    message: (c) =>
      `Rootly's answer on ${c.path} was larger than ${megabytes(c.limitBytes)} MB once decompressed, the most the connector holds for one response; it stopped reading rather than run out of memory. Lower window_size_hours (and page_size) so that each page holds fewer records; if it persists, report it to Rootly support.`,
  },
  {
    name: 'timeout',
    matches: code((e) => e === 'ETIMEDOUT'),
    retry: { reason: 'network', attempts: 'server-errors', serverMayAskForWait: false },
    failureType: 'transient_error',
    message: (c) =>
      `Rootly did not answer within the request timeout, also when retried for ${c.seconds} s. Try again later or raise request_timeout_seconds.`,
  },
  {
    name: 'unknown host',
    matches: code((e) => e === 'ENOTFOUND'),
    failureType: 'config_error',
    message: (c) => `The host ${c.host} cannot be resolved. Check base_url (default https://api.rootly.com).`,
  },
  {
    // A connection can also break after a 200 status line, mid-body.
    name: 'network',
    matches: code((e) => RETRYABLE_NETWORK_CODES.has(e)),
    retry: { reason: 'network', attempts: 'server-errors', serverMayAskForWait: false },
    failureType: 'transient_error',
    message: (c) =>
      `Could not reach Rootly at ${c.origin} (${c.errorCode}), also when retried for ${c.seconds} s. Check the network and base_url, then try again.`,
  },
  {
    name: 'other transport error',
    matches: (facts) => facts.errorCode !== undefined,
    failureType: 'transient_error',
    message: (c) => `Could not reach Rootly at ${c.origin} (${c.errorCode}). Check the network and base_url, then try again.`,
  },
];

/** What no row matches: neither a status nor an error code. */
const UNEXPECTED: ResponseTreatment = {
  name: 'unexpected',
  failureType: 'system_error',
  message: () => 'The request to Rootly failed unexpectedly.',
};

/** The table's row for these facts; status rows come first, so a 2xx only matches by its error code. */
export function treatmentOf(facts: ResponseFacts): ResponseTreatment {
  return RESPONSE_TABLE.find((row) => row.matches(facts)) ?? UNEXPECTED;
}
