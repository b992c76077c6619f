/** Knobs of the mock and their defaults. */
import type { AuditResource } from './resource.js';
import type { FaultKind, FaultRule } from './faults.js';
import type { HostileSizes } from './hostile.js';
import type { RateLimitOptions } from './rate-limit.js';

/**
 * How the listing is ordered: 'honour' obeys `sort` (default newest first, like Rootly);
 * the others ignore `sort`, because whether Rootly honours it on audits is unknown.
 */
export type OrderMode = 'honour' | 'newest-first' | 'shuffled';

/** Everything that can be changed while the server runs (see MockRootly.setOptions). */
export interface MockRootlyKnobs {
  /** The only key answered with data, sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Keys without the "Audits: read" permission: Rootly answers those with 404, not 403. */
  forbiddenKeys?: string[];
  /** page[size] when none is sent; default 20. */
  defaultPageSize?: number;
  /** Larger page[size] values are silently capped to this; default 100. */
  maxPageSize?: number;
  /** Answer without `meta`, like spec versions before 2026-04. */
  omitMeta?: boolean;
  order?: OrderMode;
  /** Unlimited when absent. */
  rateLimit?: RateLimitOptions;
  /** Delay before each answer, in ms. */
  latencyMs?: number;
  faults?: FaultRule[];
  /** How long a 'stall' fault holds the connection before dropping it; default 30 s. */
  stallMs?: number;
  /** Seeds the fault PRNG and the 'shuffled' order; default 1. */
  seed?: number;
  /**
   * The server's clock minus the real one, in ms: positive when the server runs ahead. It stamps
   * the Date header and the rate-limit resets, as a server whose clock differs from its clients'.
   */
  clockOffsetMs?: number;
  /** Answer without a Date header (a proxy that strips it). */
  omitDateHeader?: boolean;
  /** Sizes of the gzip bomb, the huge body and the huge page. */
  hostileSizes?: HostileSizes;
}

export interface MockRootlyOptions extends MockRootlyKnobs {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  dataset?: readonly AuditResource[];
  /** Record id → epoch ms before which the record is not served (late-visible records). */
  hiddenUntil?: ReadonlyMap<string, number>;
}

export type AuthorizationCheck = 'missing' | 'valid' | 'invalid' | 'forbidden';

export interface RequestLogEntry {
  /** 1-based, across every request the server received: the numbering FaultRule.atRequests uses. */
  number: number;
  /** Epoch ms the request arrived. */
  time: number;
  method: string;
  /** Path and query exactly as received (still percent-encoded). */
  url: string;
  authorization: AuthorizationCheck;
  /** The status sent; null while pending or when no status line was ever sent (stall). */
  status: number | null;
  fault?: FaultKind;
  /** True when the rate limiter (not a fault) answered 429. */
  rateLimited?: boolean;
}

export const DEFAULTS = {
  defaultPageSize: 20,
  maxPageSize: 100,
  order: 'honour' as OrderMode,
  latencyMs: 0,
  stallMs: 30_000,
  seed: 1,
};

/** Classifies an Authorization header the way Rails' token authentication reads it. */
export function checkAuthorization(header: string | undefined, knobs: MockRootlyKnobs): AuthorizationCheck {
  if (header === undefined) return 'missing';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return 'invalid';
  const key = match[1] as string;
  if (knobs.forbiddenKeys?.includes(key)) return 'forbidden';
  return key === knobs.apiKey ? 'valid' : 'invalid';
}
