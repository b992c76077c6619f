import type { IncomingHttpHeaders } from 'node:http';
import { httpDate, readResetHeader, serverDateOf } from './rate-limit-headers.js';
import { treatmentOf, type ResponseFacts, type RetryReason, type RetryTreatment } from './response-table.js';

export type { RetryReason };

/** What went wrong with one attempt, in the terms the policy decides on. */
export interface FailedAttempt extends ResponseFacts {
  /** 1 for the first retry decision. */
  attempt: number;
  /** Time since the first attempt of this request. */
  elapsedMs: number;
  headers?: IncomingHttpHeaders;
}

export type RetryDecision =
  { retry: true; delayMs: number; reason: RetryReason } | { retry: false; reason: RetryReason | 'not_retryable'; exhausted: boolean };

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

/** The shortest wait before a retry, whatever a header or the backoff says. */
const MIN_WAIT_MS = 1;

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicyOptions, 'maxRetryMs'> = {
  maxWaitMs: 120_000,
  baseDelayMs: 1_000,
  maxBackoffMs: 60_000,
  maxAttempts: 8,
  maxMalformedAttempts: 3,
};

/**
 * The connector's one retry policy: the response table says whether a failure is retried; this
 * says how long to wait. A 429 waits as a Retry-After asking for a wait says; else (none, or one
 * asking for no wait or a time already past) as X-RateLimit-Reset, then RateLimit-Reset say, a
 * quarter second at least even for a reset already past; else it backs off exponentially with
 * jitter, like every other retried failure. Every wait is positive and capped, and so is the total
 * time spent retrying one request.
 */
export function decideRetry(
  failure: FailedAttempt,
  options: RetryPolicyOptions,
  nowMs: number,
  random: () => number = Math.random,
): RetryDecision {
  const treatment = treatmentOf(failure).retry;
  if (treatment === undefined) return { retry: false, reason: 'not_retryable', exhausted: false };
  const { reason } = treatment;
  if (failure.attempt >= attemptLimit(treatment, options)) return { retry: false, reason, exhausted: true };
  const backoff = Math.min(options.maxBackoffMs, options.baseDelayMs * 2 ** (failure.attempt - 1));
  const jittered = backoff / 2 + random() * (backoff / 2);
  const asked = treatment.serverMayAskForWait ? serverRequestedWait(failure.headers ?? {}, nowMs) : undefined;
  // Never 0: got reads a delay of 0 as "do not retry".
  const delayMs = Math.min(options.maxWaitMs, Math.max(MIN_WAIT_MS, Math.ceil(asked ?? jittered)));
  if (failure.elapsedMs + delayMs > options.maxRetryMs) return { retry: false, reason, exhausted: true };
  return { retry: true, delayMs, reason };
}

function attemptLimit(treatment: RetryTreatment, options: RetryPolicyOptions): number {
  const limits: Record<RetryTreatment['attempts'], number> = {
    'time-only': Infinity,
    'server-errors': options.maxAttempts,
    'malformed-body': options.maxMalformedAttempts,
  };
  return limits[treatment.attempts];
}

/**
 * The wait a 429 asks for, in ms, or undefined when it names none that can be used. Dates and
 * epoch resets are read against the answer's own Date when it has one: a local clock ahead or
 * behind would otherwise turn them into no wait at all, or into minutes.
 */
export function serverRequestedWait(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const serverNow = serverDateOf(headers) ?? nowMs;
  const retryAfter = retryAfterMs(headers['retry-after'], serverNow);
  if (retryAfter !== undefined) return retryAfter;
  const resetAt = readResetHeader(headers, serverNow);
  // A reset already past still gets a short pause: the window is about to slide.
  return resetAt === undefined ? undefined : Math.max(250, resetAt - serverNow);
}

/**
 * Retry-After in seconds or as an HTTP date; zero, negative, past or unreadable is no wait. Node's
 * HTTP parser has already stripped the whitespace around a header's value.
 */
function retryAfterMs(value: string | undefined, serverNow: number): number | undefined {
  const text = value ?? '';
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return seconds > 0 ? seconds * 1000 : undefined;
  }
  const date = httpDate(text);
  return date !== undefined && date > serverNow ? date - serverNow : undefined;
}
