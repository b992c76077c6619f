import { loadCatalog, type ConfiguredStream } from '../catalog.js';
import { loadConfig, type Config } from '../config.js';
import { formatInstant, instantFromMillis, parseInstantOrThrow, type Instant } from '../cursor/instant.js';
import { StateBook } from '../cursor/state-book.js';
import { loadStates, parseAuditStreamState, type AheadRange, type AuditStreamState } from '../cursor/state.js';
import { asConnectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import { estimate, recordMessage, streamState, streamStatus } from '../protocol/builders.js';
import type { Emitter } from '../protocol/emitter.js';
import { newStreamStats, readAuditLogs } from '../stream/audit-stream.js';
import { AUDIT_STREAM, toRecordData } from '../stream/records.js';
import { createPageSource } from './sources.js';

/** Where a full refresh without a backfill time starts: before any Rootly account existed. */
const HISTORY_START = '2015-01-01T00:00:00Z';
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
  const states = args.state ? await loadStates(args.state) : new Map<string, unknown>();
  for (const name of states.keys()) {
    if (name !== '' && name !== AUDIT_STREAM) logger.warn(`The state holds the stream '${name}', which this source does not have; it is ignored.`);
  }
  const rawState = states.get(AUDIT_STREAM) ?? states.get('');
  // A malformed state stops the sync before any request: it is the user's input to fix.
  const state = parseAuditStreamState(rawState, AUDIT_STREAM);
  for (const stream of streams) await readStream(stream, config, state, emitter, logger);
}

async function readStream(
  stream: ConfiguredStream,
  config: Config,
  savedState: AuditStreamState | undefined,
  emitter: Emitter,
  logger: Logger,
): Promise<void> {
  const startedAt = Date.now();
  // Frozen for the whole sync, on a whole second, so that pages do not shift under a long read.
  const end = instantFromMillis(Math.floor((startedAt - config.settleDelayMs) / 1000) * 1000);
  const { start, deliveredAtStart, ahead } = startingPoint(stream, config, savedState, end);
  logger.info(`Reading ${stream.name} (${stream.syncMode}) from ${formatInstant(start)} up to ${formatInstant(end)}${config.useSyntheticData ? ' from synthetic data' : ''}.`);

  const { pages, http } = await createPageSource(config, (notice) => {
    const waitSeconds = (notice.delayMs / 1000).toFixed(1);
    const cause = notice.statusCode ? `HTTP ${notice.statusCode}` : notice.errorCode ?? notice.reason;
    logger.warn(`Rootly request failed (${cause}); retry ${notice.attempt} in ${waitSeconds} s.`);
    if (notice.reason === 'rate_limited') {
      emitter.emitNow(streamStatus(stream.name, 'RUNNING', [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: Date.now() + notice.delayMs } }]));
    }
    void emitter.flush().catch(() => undefined);
  }, { debug: (message) => logger.debug(message) });

  const stats = newStreamStats();
  let records = 0;
  let recordsSinceState = 0;
  let stateEmitted = false;
  const book = new StateBook({ instant: start, ids: deliveredAtStart }, ahead, end);
  // Before the first checkpoint, the safe state is the one the sync started from, ranges ahead included.
  let lastState: AuditStreamState = book.compose() ?? { created_at: formatInstant(start), ids_at_created_at: [...deliveredAtStart] };
  await emitter.emit(streamStatus(stream.name, 'STARTED'));
  await emitter.emit(streamStatus(stream.name, 'RUNNING'));
  try {
    const events = readAuditLogs(
      {
        pages,
        // A page's records become one block of RECORD lines while the page is fresh.
        render: (resources) => {
          const emittedAt = Date.now();
          // One stringify per record writes its line as one flat string.
          return resources.map((resource) => `${JSON.stringify(recordMessage(stream.name, toRecordData(resource), emittedAt))}\n`).join('');
        },
        book,
        pageSize: config.pageSize,
        windowSizeMs: config.windowSizeMs,
        concurrency: () => concurrencyFor(config, http?.stats.latencyMs),
        debug: (message) => logger.debug(message),
        warn: (message) => logger.warn(message),
      },
      stats,
    );
    for await (const event of events) {
      if (event.kind === 'records') {
        await emitter.emitText(event.records);
        records += event.count;
        recordsSinceState += event.count;
      } else if (event.kind === 'checkpoint') {
        await emitter.emit(streamState(stream.name, { ...event.state }, recordsSinceState));
        lastState = event.state;
        recordsSinceState = 0;
        stateEmitted = true;
      } else {
        await emitter.emit(estimate(stream.name, event.rowEstimate));
      }
      await emitter.flush();
    }
  } catch (error) {
    // Only a state that covers every record printed may follow them; the saved one does.
    if (!stateEmitted && recordsSinceState === 0) await emitter.emit(streamState(stream.name, { ...lastState }, 0));
    await emitter.emit(streamStatus(stream.name, 'INCOMPLETE'));
    throw asConnectorError(error).inStream(stream.name);
  }
  await emitter.emit(streamStatus(stream.name, 'COMPLETE'));
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const retries = http?.stats.retries ?? 0;
  logger.info(
    `Sync of ${stream.name} complete: ${records} records, ${stats.pages} pages, ${stats.windows} windows (up to ${stats.maxConcurrentWindows} at once), ${retries} retries, ${seconds} s; new cursor ${lastState.created_at}.`,
  );
  if (stats.skippedDuplicates + stats.skippedOutsideWindow > 0) {
    logger.info(`Skipped ${stats.skippedDuplicates} records served twice and ${stats.skippedOutsideWindow} outside the requested time range.`);
  }
  if (records === 0 && end.epochSeconds * 1000 - start.epochSeconds * 1000 > DAY_MS) {
    logger.info(
      'No audit logs were found. Check that there was recent activity in Rootly within the time range, that the API key\'s role has the "Audits: read" permission, and that backfill_start_time reaches back far enough.',
    );
  }
}

function startingPoint(
  stream: ConfiguredStream,
  config: Config,
  savedState: AuditStreamState | undefined,
  end: Instant,
): { start: Instant; deliveredAtStart: readonly string[]; ahead: readonly AheadRange[] } {
  if (stream.syncMode === 'incremental' && savedState) {
    return {
      start: parseInstantOrThrow(savedState.created_at, 'state created_at'),
      deliveredAtStart: savedState.ids_at_created_at,
      ahead: savedState.ahead ?? [],
    };
  }
  if (config.backfillStart) return { start: config.backfillStart, deliveredAtStart: [], ahead: [] };
  // No backfill: a full refresh reads all history; an incremental sync begins now.
  const start = stream.syncMode === 'full_refresh' ? parseInstantOrThrow(HISTORY_START, 'history start') : end;
  return { start, deliveredAtStart: [], ahead: [] };
}

/**
 * Windows needed to use the allowed request rate at the observed latency (Little's law), with a
 * margin, capped by the config. Before any request has been timed, a quarter of the cap.
 */
function concurrencyFor(config: Config, latencyMs: number | undefined): number {
  if (config.useSyntheticData) return 1;
  if (latencyMs === undefined) return Math.max(1, Math.ceil(config.maxConcurrentWindows / 4));
  const requestsPerSecond = config.requestsPerMinute / 60;
  const needed = Math.ceil(requestsPerSecond * (latencyMs / 1000) * 1.25) + 1;
  return Math.min(config.maxConcurrentWindows, Math.max(1, needed));
}
