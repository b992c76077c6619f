import { loadConfig } from '../config.js';
import { asConnectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Emitter } from '../protocol/emitter.js';
import { createPageSource } from './sources.js';

/** `check` must not hang on a rate limit for minutes: it retries for this long at most. */
const CHECK_MAX_RETRY_MS = 30_000;

/** Always prints exactly one CONNECTION_STATUS; a bad key or config is FAILED, not a crash. */
export async function runCheck(configPath: string, emitter: Emitter, logger: Logger): Promise<void> {
  try {
    const { config } = await loadConfig(configPath);
    if (config.useSyntheticData) {
      logger.info('Synthetic data is on: no request is sent to Rootly.');
    } else {
      const { pages } = await createPageSource(
        { ...config, maxRetryMs: Math.min(config.maxRetryMs, CHECK_MAX_RETRY_MS) },
        (notice) => logger.warn(`check: retrying after ${notice.reason} in ${Math.ceil(notice.delayMs / 1000)} s`),
        { policy: { maxAttempts: 3 } },
      );
      const now = new Date().toISOString();
      await pages.fetchPage({ range: { start: '2015-01-01T00:00:00Z', end: now }, pageSize: 1 });
    }
    await emitter.emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
  } catch (error) {
    const failure = asConnectorError(error);
    await emitter.emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: failure.message } });
  }
}
