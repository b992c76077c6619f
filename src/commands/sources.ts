import type { Config } from '../config.js';
import type { RootlyHttpClient, RetryNotice, RootlyClientOptions } from '../http/rootly-client.js';
import { AUDITS_NOT_FOUND_HINT, AUDITS_PATH, type AuditResource } from '../rootly/audits.js';
import type { PageSource } from '../stream/page-source.js';

export interface PageSourceHandle {
  pages: PageSource<AuditResource>;
  /** The HTTP client behind the pages; absent in synthetic mode. */
  http?: RootlyHttpClient;
  /** Rootly's clock in epoch ms, read with one request (see RootlyPageSource.serverTime); absent in synthetic mode. */
  serverTime?: () => Promise<number | undefined>;
}

/**
 * The page source a config asks for: Rootly's API, or the generator when synthetic data is on.
 * Each is loaded only when used, so a synthetic sync never loads the HTTP client.
 */
export async function createPageSource(
  config: Config,
  onRetry: (notice: RetryNotice) => void,
  options: { policy?: RootlyClientOptions['policy']; onPause?: RootlyClientOptions['onPause']; debug?: (message: string) => void } = {},
): Promise<PageSourceHandle> {
  if (config.useSyntheticData) {
    const { SyntheticPageSource } = await import('../synthetic/synthetic-page-source.js');
    return { pages: new SyntheticPageSource() };
  }
  const [{ RootlyHttpClient }, { RootlyPageSource }] = await Promise.all([
    import('../http/rootly-client.js'),
    import('../rootly/page-source.js'),
  ]);
  const http = new RootlyHttpClient(
    {
      apiKey: config.apiKey,
      requestTimeoutMs: config.requestTimeoutMs,
      maxRetryMs: config.maxRetryMs,
      requestsPerMinute: config.requestsPerMinute,
      policy: options.policy,
      onPause: options.onPause,
    },
    onRetry,
  );
  const pages = new RootlyPageSource(http, config.baseUrl, { path: AUDITS_PATH, notFoundHint: AUDITS_NOT_FOUND_HINT }, options.debug);
  return { pages, http, serverTime: () => pages.serverTime() };
}
