import { configError } from './errors.js';
import { readJsonFile } from './json-file.js';
import { parseInstant, type Instant } from './cursor/instant.js';
import { registerSecret, secretProblem } from './secrets.js';
import { compileSchema, describeErrors } from './validation.js';
import type { JsonObject } from './protocol/messages.js';
import { loadSpec } from './spec.js';

/** The validated config with every default filled and units made explicit. */
export interface Config {
  apiKey: string;
  backfillStart?: Instant;
  useSyntheticData: boolean;
  baseUrl: URL;
  pageSize: number;
  windowSizeMs: number;
  settleDelayMs: number;
  requestsPerMinute: number;
  requestTimeoutMs: number;
  maxRetryMs: number;
  maxConcurrentWindows: number;
}

interface RawConfig {
  api_key: string;
  backfill_start_time?: string;
  use_synthetic_data: boolean;
  base_url: string;
  page_size: number;
  window_size_hours: number;
  settle_delay_seconds: number;
  requests_per_minute: number;
  request_timeout_seconds: number;
  max_retry_seconds: number;
  max_concurrent_windows: number;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export interface LoadedConfig {
  config: Config;
  /** Top-level fields the spec does not know: reported, not fatal, so that the spec stays open. */
  unknownFields: string[];
}

export async function loadConfig(path: string, now: Date = new Date()): Promise<LoadedConfig> {
  return parseConfig(await readJsonFile(path, 'config'), now);
}

export function parseConfig(raw: unknown, now: Date = new Date()): LoadedConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw configError('The config must be a JSON object such as {"api_key": "..."}.');
  }
  // The key is checked and registered before validation so that no validation message can echo
  // it; a key the mask could not hide safely (too short, control or non-Latin-1 characters) is
  // refused without being printed.
  const maybeKey = (raw as { api_key?: unknown }).api_key;
  if (typeof maybeKey === 'string') {
    const problem = secretProblem(maybeKey);
    if (problem !== undefined) {
      throw configError(
        `'api_key' ${problem}. Copy the whole key from Rootly under Configuration → API Keys, without quotes or spaces around it.`,
      );
    }
    registerSecret(maybeKey);
  }

  const spec = loadSpec().connectionSpecification;
  const validate = compileSchema<RawConfig>(spec);
  const copy = structuredClone(raw) as JsonObject;
  if (!validate(copy)) {
    throw configError(`The config is invalid: ${describeErrors(validate.errors, 'The config', spec)}.`);
  }
  const known = Object.keys(spec.properties);
  const unknownFields = Object.keys(copy).filter((key) => !known.includes(key));
  return { config: toConfig(copy, now), unknownFields };
}

function toConfig(raw: RawConfig, now: Date): Config {
  return {
    apiKey: raw.api_key,
    backfillStart: backfillStartOf(raw.backfill_start_time, now),
    useSyntheticData: raw.use_synthetic_data,
    baseUrl: baseUrlOf(raw.base_url),
    pageSize: raw.page_size,
    windowSizeMs: Math.round(raw.window_size_hours * 3_600_000),
    settleDelayMs: raw.settle_delay_seconds * 1000,
    requestsPerMinute: raw.requests_per_minute,
    requestTimeoutMs: raw.request_timeout_seconds * 1000,
    maxRetryMs: raw.max_retry_seconds * 1000,
    maxConcurrentWindows: raw.max_concurrent_windows,
  };
}

function baseUrlOf(text: string): URL {
  let baseUrl: URL;
  try {
    baseUrl = new URL(text);
  } catch {
    throw configError(`'base_url' is not a valid URL; use the form https://api.rootly.com.`);
  }
  if (baseUrl.username !== '' || baseUrl.password !== '') {
    throw configError(`'base_url' must not contain a user name or password; the API key goes in 'api_key' only.`);
  }
  if (baseUrl.protocol !== 'https:' && !LOOPBACK_HOSTS.test(baseUrl.hostname)) {
    throw configError(
      `'base_url' must use https (plain http is accepted only for loopback hosts such as 127.0.0.1), got ${baseUrl.origin}.`,
    );
  }
  // The path is checked as written, before URL parsing resolves dot segments away.
  if (!isPlainPathPrefix(text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#\\]*/i, ''))) {
    throw configError(
      `'base_url' may only add a plain path to the origin, such as https://proxy.example.com/rootly: no path starting with //, no . or .. segments, no backslash, query or fragment.`,
    );
  }
  return baseUrl;
}

/** Non-empty segments of unreserved or percent-encoded characters, none of them a dot segment. */
function isPlainPathPrefix(path: string): boolean {
  if (path === '' || path === '/') return true;
  if (!/^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)+\/?$/.test(path)) return false;
  return path.split('/').every((segment) => {
    const decoded = segment.replace(/%2e/gi, '.');
    return decoded !== '.' && decoded !== '..' && !/%(2f|5c)/i.test(segment);
  });
}

function backfillStartOf(text: string | undefined, now: Date): Instant | undefined {
  if (text === undefined) return undefined;
  const backfillStart = parseInstant(text);
  if (!backfillStart) {
    throw configError(`'backfill_start_time' must be an ISO-8601 date-time with a time zone, such as 2025-01-01T00:00:00Z.`);
  }
  if (backfillStart.epochSeconds * 1000 > now.getTime()) {
    throw configError(`'backfill_start_time' ${text} is in the future; use a past instant, or leave it empty to start from now.`);
  }
  return backfillStart;
}
