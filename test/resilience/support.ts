/**
 * Shared pieces of the resilience suites: a connector runner that can SIGKILL at a stdout line
 * or after a delay (keeping only whole lines, as Airbyte reads them), seeded randomness, datasets
 * with same-millisecond clusters on page and window edges, the secret checks, and the "safe
 * outcome" property every chaos scenario must satisfy.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { formatWithOffset, generateDataset, mulberry32, type FaultKind, type MockRootly } from '../../mock-rootly/src/index.js';
import type { AuditResource } from '../../src/rootly/audits.js';
import {
  CATALOG,
  MAIN,
  committedRecords,
  errorTraces,
  lastState,
  records,
  stateFile,
  withFiles,
  type RunResult,
} from '../helpers/connector.js';
import { parseMessages } from '../helpers/protocol.js';

export const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Seeds

/** A seed from the environment (for replays) or the given default; printed by the caller. */
export function seedFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`${variable} must be an integer, got ${raw}`);
  return seed;
}

export interface Rng {
  next(): number;
  int(lo: number, hiInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** A float in [lo, hi). */
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
}

export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T,
    between: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
  };
}

/** A distinctive API key for one scenario: letters, digits and dashes only. */
export function scenarioKey(label: string, seed: number): string {
  const suffix = (seed >>> 0).toString(36);
  return `rk-live-${label.replace(/[^A-Za-z0-9]+/g, '')}-${suffix}-CANARY${((seed * 2654435761) >>> 0).toString(16)}`;
}

// ---------------------------------------------------------------------------------------------
// Running the connector

export interface ChaosRun extends RunResult {
  /** We killed it (line, delay or timeout). */
  killed: boolean;
  timedOut: boolean;
  durationMs: number;
}

export interface ChaosRunOptions {
  files?: Record<string, unknown>;
  /** SIGKILL right after this stdout line (1-based) was read. */
  killAtLine?: number;
  /** SIGKILL this many ms after the spawn. */
  killAfterMs?: number;
  /** SIGKILL (and mark timedOut) after this long; default 90 s. */
  timeoutMs?: number;
}

/**
 * Runs the connector's bundle as a child process. Like test/helpers/connector.ts, but a kill can also be
 * timed, and on any kill a trailing partial line is dropped: Airbyte only reads whole lines.
 */
export async function runCli(args: string[], options: ChaosRunOptions = {}): Promise<ChaosRun> {
  const { args: resolved, dir } = withFiles(args, options.files);
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN, ...resolved], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  let lineNumber = 0;
  let killed = false;
  let timedOut = false;
  const kill = (): void => {
    if (killed) return;
    killed = true;
    child.kill('SIGKILL');
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (killed) return;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      stdout += `${line}\n`;
      lineNumber += 1;
      if (options.killAtLine !== undefined && lineNumber >= options.killAtLine) return kill();
      newline = pending.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killTimer = options.killAfterMs === undefined ? undefined : setTimeout(kill, options.killAfterMs);
  const timeout = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs ?? 90_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(timeout);
  if (killTimer) clearTimeout(killTimer);
  rmSync(dir, { recursive: true, force: true });
  // A process that ended by itself flushed whole lines; whatever is pending is its last line.
  if (!killed) stdout += pending;
  return { exitCode, signal, stdout, stderr, messages: parseMessages(stdout), killed, timedOut, durationMs: Date.now() - started };
}

export interface ReadOptions extends Omit<ChaosRunOptions, 'files'> {
  /** The stream state to resume from (written as Airbyte's state file). */
  state?: unknown;
  debug?: boolean;
}

export function readSync(config: unknown, options: ReadOptions = {}): Promise<ChaosRun> {
  const { state, debug, ...rest } = options;
  const args = ['read', '--config', '{config}', '--catalog', '{catalog}'];
  if (state !== undefined) args.push('--state', '{state}');
  if (debug) args.push('--debug');
  return runCli(args, { ...rest, files: { config, catalog: CATALOG(), ...(state !== undefined ? { state: stateFile(state) } : {}) } });
}

export const committedIds = (result: RunResult): string[] => committedRecords(result).map((r) => r.id);
export const recordIds = (result: RunResult): string[] => records(result).map((r) => r.id);

export function duplicatesOf(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice].sort();
}

/** What differs between two id multisets, compactly, for failure messages. */
export function idDiff(
  expected: readonly string[],
  actual: readonly string[],
): { missing: string[]; unexpected: string[]; duplicated: string[] } {
  const want = new Set(expected);
  const got = new Set(actual);
  return {
    missing: [...want].filter((id) => !got.has(id)).sort(),
    unexpected: [...got].filter((id) => !want.has(id)).sort(),
    duplicated: duplicatesOf(actual),
  };
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** Every spelling in which a key could leak: raw, JSON-escaped (once or twice), URL-encoded. */
export function secretForms(key: string): string[] {
  const json = JSON.stringify(key).slice(1, -1);
  const forms = [
    key,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(key),
    encodeURIComponent(key).replace(/%20/g, '+'),
    new URLSearchParams({ k: key }).toString().slice(2),
    encodeURI(key),
    Buffer.from(`Bearer ${key}`).toString('base64'),
    Buffer.from(key).toString('base64'),
  ];
  return [...new Set(forms)].filter((form) => form.length >= 4);
}

/** The forms of the key found in a text (empty when none). */
export function leakedForms(text: string, key: string): string[] {
  return secretForms(key).filter((form) => text.includes(form));
}

/** Asserts that no form of the key is in any byte of stdout or stderr. */
export function expectNoLeak(result: RunResult, key: string, label = ''): void {
  const leaks = { stdout: leakedForms(result.stdout, key), stderr: leakedForms(result.stderr, key) };
  if (leaks.stdout.length > 0 || leaks.stderr.length > 0) {
    const where = (text: string, form: string): string => {
      const at = text.indexOf(form);
      return text.slice(Math.max(0, at - 150), at + form.length + 50);
    };
    const context = [
      ...leaks.stdout.map((f) => `stdout: …${where(result.stdout, f)}…`),
      ...leaks.stderr.map((f) => `stderr: …${where(result.stderr, f)}…`),
    ];
    throw new Error(`API key leaked ${label}: ${JSON.stringify(leaks)}\n${context.join('\n')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Datasets

const OFFSETS = [0, 0, 0, -420, 330, 60];

/**
 * A dataset over `windows` windows of `windowMs` from `backfillMs` (a whole hour), with dense
 * same-millisecond clusters from the generator (so clusters straddle page edges whatever the page
 * size), and extra clusters on the last millisecond before and the first millisecond of every
 * window edge. Returned sorted by (created_at, id) like a server would.
 */
export function edgeClusterDataset(options: {
  seed: number;
  count: number;
  backfillMs: number;
  windowMs: number;
  windows: number;
}): AuditResource[] {
  const { seed, count, backfillMs, windowMs, windows } = options;
  const random = rng(seed ^ 0xed6e);
  const base = generateDataset({
    count,
    start: new Date(backfillMs + 1),
    end: new Date(backfillMs + windows * windowMs - 1),
    seed,
    sameMillisecondClusterRate: 0.25,
  });
  const extra: AuditResource[] = [];
  let id = 50_000_000 + (seed % 1000) * 1000;
  const at = (ms: number): AuditResource => {
    id += 1 + random.int(0, 2);
    return {
      id: String(id),
      type: 'audits',
      attributes: {
        event: random.pick(['create', 'update', 'destroy']),
        item_type: 'Incident',
        created_at: formatWithOffset(ms, random.pick(OFFSETS)),
        id,
      },
    };
  };
  for (let k = 1; k < windows; k += 1) {
    const edge = backfillMs + k * windowMs;
    for (const ms of [edge - 1, edge, edge + 1]) {
      const size = 1 + random.int(0, 4);
      for (let i = 0; i < size; i += 1) extra.push(at(ms));
    }
  }
  return [...base, ...extra].sort(
    (a, b) => Date.parse(a.attributes.created_at) - Date.parse(b.attributes.created_at) || Number(a.id) - Number(b.id),
  );
}

export const datasetIds = (data: readonly AuditResource[]): string[] => data.map((r) => r.id).sort();

export const floorHour = (ms: number): number => Math.floor(ms / HOUR) * HOUR;

// ---------------------------------------------------------------------------------------------
// Faults and their failures

type FailureType = 'transient_error' | 'system_error' | 'config_error';

/** The failure types an exhausted (or fatal) fault of each kind may end a sync with. */
export const FAILURE_OF: Record<FaultKind, FailureType[]> = {
  '429-retry-after': ['transient_error'],
  '429-x-ratelimit-reset': ['transient_error'],
  '429-ratelimit-reset': ['transient_error'],
  '429-no-headers': ['transient_error'],
  '500': ['transient_error'],
  '502': ['transient_error'],
  '503': ['transient_error'],
  stall: ['transient_error'],
  'reset-mid-body': ['transient_error'],
  'html-200': ['system_error'],
  'truncated-json': ['system_error'],
  'malformed-json': ['system_error'],
  'repeat-next-link': ['system_error'],
  'foreign-next-link': ['system_error'],
  // A window that cannot be read completely: the connector may call it either, but must fail.
  'empty-page-with-next': ['system_error', 'transient_error'],
  // Never a reason to fail: duplicates are de-duplicated, and pages out of order still hold every record.
  'duplicate-across-pages': [],
  'swap-with-next-page': [],
  // Hostile servers: a 429 asking for no wait is waited out like any other, an echoing 500 too.
  '429-bad-retry-after': ['transient_error'],
  'echo-key-in-title': ['transient_error'],
  // Pages that only repeat what was sent: the walk is judged endless after a few.
  'repeat-records': ['transient_error'],
  'userinfo-next-link': ['system_error'],
  'sibling-path-next-link': ['system_error'],
  'echo-key-in-link': ['system_error'],
  // Records the connector cannot handle, and responses past the size cap: every retry would meet them again.
  'conflicting-duplicate': ['system_error'],
  'deep-record': ['system_error'],
  'no-created-at': ['system_error'],
  'gzip-bomb': ['system_error'],
  'huge-body': ['system_error'],
  'huge-page': ['system_error'],
};

/** Which fault kinds an error message can stand for (a cross-check on failure_type). */
const MESSAGE_CAUSES: Array<[RegExp, FaultKind[]]> = [
  [/\b429\b/, ['429-retry-after', '429-x-ratelimit-reset', '429-ratelimit-reset', '429-no-headers', '429-bad-retry-after']],
  [/answered 500\b/, ['500', 'echo-key-in-title']],
  [/answered 502\b/, ['502']],
  [/answered 503\b/, ['503']],
  [/request timeout/i, ['stall']],
  [/ECONNRESET|Could not reach/, ['reset-mid-body', 'stall']],
  [/not valid JSON/, ['html-200', 'truncated-json', 'malformed-json']],
  [/already followed/, ['repeat-next-link']],
  [/does not follow it/, ['foreign-next-link', 'userinfo-next-link', 'sibling-path-next-link', 'echo-key-in-link']],
  [/link that is not a URL/, ['echo-key-in-link']],
  [/without records not already read/, ['repeat-records', 'empty-page-with-next']],
  [/two different contents/, ['conflicting-duplicate']],
  [/levels deep/, ['deep-record']],
  [/has no created_at/, ['no-created-at']],
  [/once decompressed/, ['gzip-bomb', 'huge-body', 'huge-page']],
];

export function firedKinds(mock: MockRootly, fromRequest = 1): Set<FaultKind> {
  return new Set(mock.requests.filter((r) => r.number >= fromRequest && r.fault !== undefined).map((r) => r.fault as FaultKind));
}

export interface Verdict {
  outcome: 'complete' | 'failed';
  failureType?: string;
  message?: string;
  fired: FaultKind[];
  records: number;
  committed: number;
  resumedRecords?: number;
}

/**
 * The chaos property. Exit 0 means every record of the dataset exactly once. Anything else must be
 * a non-zero exit with exactly one ERROR trace whose failure_type fits a fault that fired (and
 * whose message names one), and resuming from the last STATE printed (no state: from the start)
 * with faults off must deliver exactly the records not committed yet.
 */
export async function expectSafeOutcome(
  result: ChaosRun,
  context: {
    mock: MockRootly;
    data: readonly AuditResource[];
    config: Record<string, unknown>;
    key: string;
    label: string;
    initialState?: unknown;
    firstRequest?: number;
  },
): Promise<Verdict> {
  const { mock, data, config, key, label } = context;
  const expected = datasetIds(data);
  const fired = firedKinds(mock, context.firstRequest);
  const where = `[${label}] fired=${[...fired].join(',') || 'none'} exit=${result.exitCode} signal=${result.signal}`;
  expectNoLeak(result, key, where);
  expect({ where, timedOut: result.timedOut, signal: result.signal }).toEqual({ where, timedOut: false, signal: null });
  const got = recordIds(result);
  expect({ where, duplicatedInOneRun: duplicatesOf(got) }).toEqual({ where, duplicatedInOneRun: [] });
  const errors = errorTraces(result);
  if (result.exitCode === 0) {
    // Never a silent success: exit 0 means the whole dataset, each record once.
    expect({ where, errors, diff: idDiff(expected, got) }).toEqual({
      where,
      errors: [],
      diff: { missing: [], unexpected: [], duplicated: [] },
    });
    return { outcome: 'complete', fired: [...fired], records: got.length, committed: committedIds(result).length };
  }
  expect({ where, errorTraces: errors.length }).toEqual({ where, errorTraces: 1 });
  const error = errors[0] as { message: string; failure_type: string };
  const allowed = new Set([...fired].flatMap((kind) => FAILURE_OF[kind]));
  const causes = MESSAGE_CAUSES.filter(([pattern]) => pattern.test(error.message)).flatMap(([, kinds]) => kinds);
  const namedAndFired = causes.filter((kind) => fired.has(kind));
  const typeFits =
    allowed.has(error.failure_type as FailureType) &&
    (causes.length === 0 || namedAndFired.some((kind) => FAILURE_OF[kind].includes(error.failure_type as FailureType)));
  // The failure sits beside typeFits so that a mismatch's diff shows which failure it was.
  const failure = `${error.failure_type}: ${error.message}`;
  expect({ where, failure, typeFits }).toEqual({ where, failure, typeFits: true });

  // The last STATE must be safe: resuming from it (faults off) completes the dataset exactly once.
  const state = lastState(result) ?? context.initialState;
  const committed = committedIds(result);
  mock.setOptions({ faults: [] });
  const resumed = await readSync(config, { state, timeoutMs: 60_000 });
  expectNoLeak(resumed, key, `${where} (resume)`);
  expect({ where, resumeExit: resumed.exitCode, resumeErrors: errorTraces(resumed) }).toEqual({ where, resumeExit: 0, resumeErrors: [] });
  const union = [...committed, ...recordIds(resumed)];
  expect({ where, state, diff: idDiff(expected, union) }).toEqual({ where, state, diff: { missing: [], unexpected: [], duplicated: [] } });
  return {
    outcome: 'failed',
    failureType: error.failure_type,
    message: error.message,
    fired: [...fired],
    records: got.length,
    committed: committed.length,
    resumedRecords: recordIds(resumed).length,
  };
}

// ---------------------------------------------------------------------------------------------
// Running scenarios ahead of their tests

/**
 * Starts scenarios at once (at most `concurrency` at a time) when the test file loads, so that
 * their waits (backoffs, Retry-After, timeouts) overlap; each test then awaits its own scenario
 * and fails with that scenario's own assertion error. Jest's own test.concurrent is capped at 5.
 */
export function scenarioPool(concurrency: number): <T>(run: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return <T>(run: () => Promise<T>): Promise<T> => {
    const done = new Promise<T>((resolve, reject) => {
      const go = (): void => {
        active += 1;
        run()
          .then(resolve, reject)
          .finally(() => {
            active -= 1;
            queue.shift()?.();
          });
      };
      if (active < concurrency) go();
      else queue.push(go);
    });
    // The test awaiting it reports a rejection; this keeps Node from calling it unhandled first.
    done.catch(() => undefined);
    return done;
  };
}
