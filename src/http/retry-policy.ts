import type { IncomingHttpHeaders } from 'node:http';
import { readResetHeader } from './rate-limiter.js';

/** What went wrong with one attempt, in the terms the policy decides on. */
export interface FailedAttempt {
  /** 1 for the first retry decision. */
  attempt: number;
  /** Time since the first attempt of this request. */
  elapsedMs: number;
  statusCode?: number;
  headers?: IncomingHttpHeaders;
  /** got's error code: ETIMEDOUT, ECONNRESET, ERR_BODY_PARSE_FAILURE, ... */
  errorCode?: string;
}

export type RetryReason = 'rate_limited' | 'server_error' | 'network' | 'malformed_body';

export type RetryDecision =
  | { retry: true; delayMs: number; reason: RetryReason }
  | { retry: false; reason: RetryReason | 'not_retryable'; exhausted: boolean };

export interface RetryPolicyOptions {
  /** Total time one request may spend retrying. */
  maxRetryMs: number;
  /** Longest single wait, whatever a header asks for. */
  maxWaitMs: number;
  baseDelayMs: number;
  maxBackoffMs: number;
  /** Attempts allowed for server and network errors (429 is bounded by time only). */
  maxAttempts: number;
  maxMalformedAttempts: number;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicyOptions, 'maxRetryMs'> = {
  maxWaitMs: 120_000,
  baseDelayMs: 1_000,
  maxBackoffMs: 60_000,
  maxAttempts: 8,
  maxMalformedAttempts: 3,
};

const RETRYABLE_NETWORK_CODES = new Set([
  'ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);

/**
 * The connector's one retry policy. 429: wait as Retry-After, then X-RateLimit-Reset, then
 * RateLimit-Reset say, else back off exponentially with jitter. 5xx, 408, timeouts and network
 * errors: capped exponential backoff. A malformed body: a few quick retries. Everything else fails
 * at once. Every wait is capped, and so is the total time spent retrying one request.
 */
export function decideRetry(
  failure: FailedAttempt,
  options: RetryPolicyOptions,
  nowMs: number,
  random: () => number = Math.random,
): RetryDecision {
  const reason = classify(failure);
  if (reason === undefined) return { retry: false, reason: 'not_retryable', exhausted: false };
  const attemptLimit = reason === 'malformed_body' ? options.maxMalformedAttempts : reason === 'rate_limited' ? Infinity : options.maxAttempts;
  if (failure.attempt >= attemptLimit) return { retry: false, reason, exhausted: true };
  const backoff = Math.min(options.maxBackoffMs, options.baseDelayMs * 2 ** (failure.attempt - 1));
  const jittered = backoff / 2 + random() * (backoff / 2);
  const asked = reason === 'rate_limited' ? serverRequestedWait(failure.headers ?? {}, nowMs) : undefined;
  const delayMs = Math.min(options.maxWaitMs, Math.max(0, Math.ceil(asked ?? jittered)));
  if (failure.elapsedMs + delayMs > options.maxRetryMs) return { retry: false, reason, exhausted: true };
  return { retry: true, delayMs, reason };
}

function classify(failure: FailedAttempt): RetryReason | undefined {
  const status = failure.statusCode;
  if (status === 429) return 'rate_limited';
  if (status !== undefined && (status >= 500 || status === 408)) return 'server_error';
  if (failure.errorCode === 'ERR_BODY_PARSE_FAILURE') return 'malformed_body';
  // A connection can also break after a 200 status line, mid-body.
  if (failure.errorCode !== undefined && RETRYABLE_NETWORK_CODES.has(failure.errorCode)) return 'network';
  return undefined;
}

/** The wait a 429 asks for, in ms, or undefined when it names none. */
export function serverRequestedWait(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string' && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) {
      if (seconds >= 0) return seconds * 1000;
    } else {
      // Only text that is not a number can be an HTTP-date: Date.parse reads "-5" as the year 2001.
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
    }
  }
  const resetAt = readResetHeader(headers, nowMs);
  // A reset already past still gets a short pause: the window is about to slide.
  return resetAt === undefined ? undefined : Math.max(250, resetAt - nowMs);
}
