import type { Config } from '../config.js';
import { RootlyHttpClient, type RetryNotice, type RootlyClientOptions } from '../http/rootly-client.js';
import type { PageSource } from '../stream/page-source.js';
import { RootlyPageSource } from '../stream/rootly-page-source.js';
import { SyntheticPageSource } from '../synthetic/synthetic-page-source.js';

export interface PageSourceHandle {
  pages: PageSource;
  /** The HTTP client behind the pages; absent in synthetic mode. */
  http?: RootlyHttpClient;
}

/** The page source a config asks for: Rootly's API, or the generator when synthetic data is on. */
export function createPageSource(
  config: Config,
  onRetry: (notice: RetryNotice) => void,
  policy?: RootlyClientOptions['policy'],
): PageSourceHandle {
  if (config.useSyntheticData) return { pages: new SyntheticPageSource() };
  const http = new RootlyHttpClient(
    {
      apiKey: config.apiKey,
      requestTimeoutMs: config.requestTimeoutMs,
      maxRetryMs: config.maxRetryMs,
      requestsPerMinute: config.requestsPerMinute,
      policy,
    },
    onRetry,
  );
  return { pages: new RootlyPageSource(http, config.baseUrl), http };
}
