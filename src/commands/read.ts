import { loadCatalog, type ConfiguredStream } from '../catalog.js';
import { loadConfig, type Config } from '../config.js';
import { compareInstants, formatInstant, instantToMillis, type Instant } from '../cursor/instant.js';
import { NOTABLE_CLOCK_SKEW_MS, startingPoint, upperBound } from '../cursor/starting-point.js';
import { StateBook } from '../cursor/state-book.js';
import { loadStates, parseStreamState, type SavedState } from '../cursor/state.js';
import { asConnectorError } from '../errors.js';
import type { LimiterPause } from '../http/rate-limiter.js';
import type { RetryNotice } from '../http/rootly-client.js';
import type { Logger } from '../logger.js';
import { recordMessage, streamStatus } from '../protocol/builders.js';
import type { Emitter } from '../protocol/emitter.js';
import { AUDIT_KEYS, AUDIT_STREAM, toRecordData, type AuditResource } from '../rootly/audits.js';
import { windowsForRate } from '../stream/concurrency.js';
import { newStreamStats, readStream, type StreamReadOptions, type StreamStats } from '../stream/stream-reader.js';
import { createPageSource, type PageSourceHandle } from './sources.js';
import { SyncOutput } from './sync-output.js';

const DAY_MS = 86_400_000;

export interface ReadArguments {
  config: string;
  catalog: string;
  state?: string;
}

export async function runRead(args: ReadArguments, emitter: Emitter, logger: Logger): Promise<void> {
  const { config, unknownFields } = await loadConfig(args.config);
  for (const field of unknownFields) logger.warn(`The config field '${field}' is not one this source knows; it is ignored.`);
  const streams = await loadCatalog(args.catalog, [AUDIT_STREAM]);
  // A malformed state stops the sync before any request: it is the user's input to fix.
  const saved = args.state ? await loadSavedState(args.state, logger) : undefined;
  for (const stream of streams) await syncStream(stream, config, saved, emitter, logger);
}

async function loadSavedState(path: string, logger: Logger): Promise<SavedState | undefined> {
  const states = await loadStates(path);
  for (const name of states.keys()) {
    if (name !== '' && name !== AUDIT_STREAM)
      logger.warn(`The state holds the stream '${name}', which this source does not have; it is ignored.`);
  }
  return parseStreamState(states.get(AUDIT_STREAM) ?? states.get(''), AUDIT_STREAM);
}

async function syncStream(
  stream: ConfiguredStream,
  config: Config,
  saved: SavedState | undefined,
  emitter: Emitter,
  logger: Logger,
): Promise<void> {
  const startedAt = Date.now();
  const handle = await createPageSource(config, retryReporter(stream.name, emitter, logger), {
    onPause: pauseReporter(stream.name, emitter, logger),
    debug: debugLog(logger),
  });
  await emitter.emit(streamStatus(stream.name, 'STARTED'));
  await emitter.emit(streamStatus(stream.name, 'RUNNING'));
  let output: SyncOutput | undefined;
  let summary: SyncSummary;
  try {
    const resumeAt = stream.syncMode === 'incremental' && saved ? saved.position.instant : config.backfillStart;
    const end = await syncUpperBound(handle, config, logger, resumeAt);
    const from = startingPoint(stream.syncMode, saved, config.backfillStart, end);
    const source = config.useSyntheticData ? ' from synthetic data' : '';
    logger.info(
      `Reading ${stream.name} (${stream.syncMode}) from ${formatInstant(from.position.instant)} up to ${formatInstant(end)}${source}.`,
    );
    const book = new StateBook(from, end);
    // Before the first checkpoint, the safe state is the one the sync started from, ranges ahead included.
    output = new SyncOutput(stream.name, emitter, book.compose() ?? from);
    const stats = newStreamStats();
    for await (const event of readStream(streamOptions(stream, config, handle, book, logger), stats)) await output.write(event);
    summary = { startedAt, from: from.position.instant, end, output, stats, retries: handle.http?.stats.retries ?? 0 };
  } catch (error) {
    if (output) await output.fail();
    else await emitter.emit(streamStatus(stream.name, 'INCOMPLETE'));
    throw asConnectorError(error).inStream(stream.name);
  }
  await emitter.emit(streamStatus(stream.name, 'COMPLETE'));
  logSummary(stream.name, summary, logger);
}

/**
 * The sync's frozen upper bound, from the earlier of the local clock and Rootly's (see
 * upperBound). Rootly's clock is read with one small request before anything else, so that no
 * window is planned against a clock ahead of Rootly's; without a Date header, the local clock does.
 * A sync resuming at or past the local bound has nothing to read whichever clock is earlier, and
 * sends no request.
 */
async function syncUpperBound(handle: PageSourceHandle, config: Config, logger: Logger, resumeAt: Instant | undefined): Promise<Instant> {
  const local = upperBound(Date.now(), undefined, config.settleDelayMs);
  if (!handle.serverTime || (resumeAt !== undefined && compareInstants(resumeAt, local.end) >= 0)) return local.end;
  const serverNow = await handle.serverTime();
  const bound = upperBound(Date.now(), serverNow, config.settleDelayMs);
  if (serverNow === undefined) {
    logger.info("Rootly's answer carries no Date header: this sync is bounded by the local clock only.");
  }
  if (bound.skewMs !== undefined && Math.abs(bound.skewMs) > NOTABLE_CLOCK_SKEW_MS) {
    const seconds = Math.round(Math.abs(bound.skewMs) / 1000);
    logger.warn(
      `This machine's clock is ${seconds} s ${bound.skewMs > 0 ? 'ahead of' : 'behind'} Rootly's (the Date of its answers). The sync reads up to the earlier of the two clocks, minus the settle delay, so no record is missed; check the machine's time synchronisation (NTP).`,
    );
  }
  return bound.end;
}

function streamOptions(
  stream: ConfiguredStream,
  config: Config,
  handle: PageSourceHandle,
  book: StateBook,
  logger: Logger,
): StreamReadOptions<AuditResource, string> {
  return {
    pages: handle.pages,
    keys: AUDIT_KEYS,
    // A page's records become one block of RECORD lines while the page is fresh: one stringify per
    // record writes its line as one flat string.
    render: (resources: AuditResource[]): string => {
      const emittedAt = Date.now();
      return resources.map((resource) => `${JSON.stringify(recordMessage(stream.name, toRecordData(resource), emittedAt))}\n`).join('');
    },
    book,
    pageSize: config.pageSize,
    windowSizeMs: config.windowSizeMs,
    // A synthetic sync has no latency to hide.
    concurrency: () => {
      if (!handle.http) return 1;
      const requestsPerMinute = handle.http.limiter.requestsPerSecond() * 60;
      return windowsForRate({ requestsPerMinute, maxConcurrentWindows: config.maxConcurrentWindows }, handle.http.stats.latencyMs);
    },
    debug: debugLog(logger),
    warn: (message: string) => logger.warn(message),
  };
}

/**
 * Debug lines come once per page; winston formats an entry before its transport drops it, so
 * without --debug they are not handed to it at all.
 */
function debugLog(logger: Logger): (message: string) => void {
  return logger.isDebugEnabled() ? (message) => logger.debug(message) : () => undefined;
}

/** A retry is logged; a rate limit also tells Airbyte the stream is RATE_LIMITED until it resets. */
function retryReporter(stream: string, emitter: Emitter, logger: Logger): (notice: RetryNotice) => void {
  return (notice: RetryNotice): void => {
    const waitSeconds = (notice.delayMs / 1000).toFixed(1);
    const cause = notice.statusCode ? `HTTP ${notice.statusCode}` : (notice.errorCode ?? notice.reason);
    logger.warn(`Rootly request failed (${cause}); retry ${notice.attempt} in ${waitSeconds} s.`);
    if (notice.reason === 'rate_limited') {
      emitter.emitNow(
        streamStatus(stream, 'RUNNING', [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: Date.now() + notice.delayMs } }]),
      );
    }
    void emitter.flush().catch(() => undefined);
  };
}

const PAUSE_CAUSES: Record<LimiterPause['cause'], string> = {
  window: 'the rate limit is reached',
  allowance: "Rootly's remaining rate-limit allowance is spent",
  rate_limited: 'Rootly answered HTTP 429',
};

/** A limiter pause of seconds is logged, and the stream is RATE_LIMITED until it ends. */
function pauseReporter(stream: string, emitter: Emitter, logger: Logger): (pause: LimiterPause) => void {
  return (pause: LimiterPause): void => {
    logger.info(`Requests to Rootly wait ${(pause.waitMs / 1000).toFixed(1)} s: ${PAUSE_CAUSES[pause.cause]}.`);
    emitter.emitNow(streamStatus(stream, 'RUNNING', [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: pause.resumeAt } }]));
    void emitter.flush().catch(() => undefined);
  };
}

interface SyncSummary {
  startedAt: number;
  from: Instant;
  end: Instant;
  output: SyncOutput;
  stats: StreamStats;
  retries: number;
}

function logSummary(stream: string, summary: SyncSummary, logger: Logger): void {
  const { output, stats } = summary;
  const seconds = ((Date.now() - summary.startedAt) / 1000).toFixed(1);
  logger.info(
    `Sync of ${stream} complete: ${output.records} records, ${stats.pages} pages, ${stats.windows} windows (up to ${stats.maxConcurrentWindows} at once), ${summary.retries} retries, ${seconds} s; new cursor ${formatInstant(output.lastState.position.instant)}.`,
  );
  if (stats.skippedDuplicates + stats.skippedOutsideWindow > 0) {
    logger.info(
      `Skipped ${stats.skippedDuplicates} records served twice and ${stats.skippedOutsideWindow} outside the requested time range.`,
    );
  }
  if (output.records === 0 && instantToMillis(summary.end) - instantToMillis(summary.from) > DAY_MS) {
    logger.info(
      'No audit logs were found. Check that there was recent activity in Rootly within the time range, that the API key\'s role has the "Audits: read" permission, and that backfill_start_time reaches back far enough.',
    );
  }
}
