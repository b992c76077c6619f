#!/usr/bin/env node
/**
 * Standalone mock: `node mock-rootly/dist/cli.js --port 8080 --records 1000` (or, from the
 * repository root, `npm run mock-server -- --port 8080 --records 1000`), then point the
 * connector's base URL at the printed address. Runs until SIGINT/SIGTERM.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { generateDataset } from './dataset.js';
import { FAULT_KINDS, type FaultKind, type FaultRule } from './faults.js';
import type { OrderMode } from './options.js';
import type { RateLimitHeaderStyle } from './rate-limit.js';
import { startMockRootly } from './server.js';

const ORDERS: readonly OrderMode[] = ['honour', 'newest-first', 'shuffled'];
const HEADER_STYLES: readonly RateLimitHeaderStyle[] = ['x-ratelimit', 'ratelimit', 'both', 'none'];

/** The command line, parsed. */
function parseArguments() {
  return (
    yargs(hideBin(process.argv))
      .scriptName('mock-rootly')
      .usage('$0 [options]: a mock of Rootly GET /v1/audits')
      .option('port', { type: 'number', default: 8080 })
      .option('host', { type: 'string', default: '127.0.0.1' })
      .option('records', { type: 'number', default: 1000, describe: 'how many audit records to generate' })
      .option('api-key', { type: 'string', default: 'mock-api-key' })
      .option('forbidden-key', { type: 'string', array: true, default: [] as string[], describe: 'keys answered with 404' })
      .option('latency-ms', { type: 'number', default: 0 })
      .option('default-page-size', { type: 'number', default: 20 })
      .option('max-page-size', { type: 'number', default: 100 })
      .option('rate-limit', { type: 'number', describe: 'requests per sliding window; unlimited when absent' })
      .option('rate-limit-window-seconds', { type: 'number', default: 60, describe: 'the sliding window of --rate-limit' })
      .option('rate-limit-policy', {
        type: 'boolean',
        default: false,
        describe: 'advertise the window: `600, 600;window=12` and RateLimit-Policy',
      })
      // The assertions type yargs' parsed value; without them it widens to string.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      .option('rate-limit-headers', { choices: HEADER_STYLES, default: 'x-ratelimit' as RateLimitHeaderStyle })
      .option('retry-after', { type: 'boolean', default: false, describe: 'send Retry-After on 429' })
      .option('start', { type: 'string', describe: 'ISO start of the dataset (default: end minus 7 days)' })
      .option('end', { type: 'string', describe: 'ISO end of the dataset (default: now minus 5 minutes)' })
      .option('seed', { type: 'number', default: 1 })
      .option('cluster-rate', { type: 'number', default: 0.05, describe: 'share of records opening a same-millisecond cluster' })
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      .option('order', { choices: ORDERS, default: 'honour' as OrderMode })
      .option('omit-meta', { type: 'boolean', default: false })
      .option('clock-offset-ms', { type: 'number', default: 0, describe: "the server's clock minus the real one (positive: ahead)" })
      .option('omit-date-header', { type: 'boolean', default: false })
      .option('fault', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: `KIND:RATE, e.g. 503:0.05; kinds: ${FAULT_KINDS.join(', ')}`,
      })
      .strict()
      .parseAsync()
  );
}

async function main(): Promise<void> {
  const argv = await parseArguments();
  const end = argv.end ? new Date(argv.end) : new Date(Date.now() - 5 * 60_000);
  const start = argv.start ? new Date(argv.start) : new Date(end.getTime() - 7 * 24 * 3_600_000);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new Error('--start and --end must be ISO-8601 timestamps');

  const mock = await startMockRootly({
    port: argv.port,
    host: argv.host,
    apiKey: argv['api-key'],
    forbiddenKeys: argv['forbidden-key'],
    latencyMs: argv['latency-ms'],
    defaultPageSize: argv['default-page-size'],
    maxPageSize: argv['max-page-size'],
    rateLimit:
      argv['rate-limit'] === undefined
        ? undefined
        : {
            limit: argv['rate-limit'],
            windowMs: argv['rate-limit-window-seconds'] * 1000,
            headers: argv['rate-limit-headers'],
            retryAfter: argv['retry-after'],
            limitForm: argv['rate-limit-policy'] ? 'quota-policy' : 'plain',
          },
    seed: argv.seed,
    order: argv.order,
    omitMeta: argv['omit-meta'],
    clockOffsetMs: argv['clock-offset-ms'],
    omitDateHeader: argv['omit-date-header'],
    faults: argv.fault.map(parseFault),
    dataset: generateDataset({ count: argv.records, start, end, seed: argv.seed, sameMillisecondClusterRate: argv['cluster-rate'] }),
  });
  process.stderr.write(
    `mock-rootly listening on ${mock.url} (GET /v1/audits, api key: ${argv['api-key']}, ${argv.records} records from ${start.toISOString()} to ${end.toISOString()})\n`,
  );

  const stop = (): void => {
    void mock.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parseFault(text: string): FaultRule {
  const [kind, rate = '1'] = text.split(/:(?=[\d.]+$)/);
  if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`unknown fault kind ${kind}; expected one of ${FAULT_KINDS.join(', ')}`);
  return { kind: kind as FaultKind, rate: Number(rate) };
}

main().catch((error: unknown) => {
  process.stderr.write(`mock-rootly: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
