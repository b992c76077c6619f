// Benchmark: throughput against the rate limit, CPU per record, memory and start-up of the
// compiled connector, run as a child process against the project's mock Rootly server.
// Usage: npm run bench -- [--records 100000] [--latency-ms 200] [--page-cap 100] [--rate 3000] [--million]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset, startMockRootly } from '../mock-rootly/dist/index.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    'latency-ms': { type: 'string', default: '200' },
    'page-cap': { type: 'string', default: '100' },
    rate: { type: 'string', default: '3000' },
    million: { type: 'boolean', default: false },
  },
});
const RECORDS = Number(args.records);
const LATENCY_MS = Number(args['latency-ms']);
const PAGE_CAP = Number(args['page-cap']);
const RATE = Number(args.rate);
const API_KEY = 'bench-key-0f9e8d7c';
const RECORDS_PER_DAY = 1000;
const DAY = 86_400_000;
// The bundle the image ships, run with the image's Node flags.
const MAIN = new URL('../dist/bundle/main.mjs', import.meta.url).pathname;
// The connector runs with the Node flags of the image's ENTRYPOINT, as users run it.
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const NODE_FLAGS = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)[1]).filter((part) => part.startsWith('--'));
const BASELINE = new URL('./baseline-loop.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rootly-bench-'));

/** Runs a command with stdout to a counting sink; samples /proc for CPU time and peak RSS. */
function measure(command, argv) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let lines = 0;
    let errorLine = '';
    let tail = '';
    child.stdout.on('data', (chunk) => {
      const text = tail + chunk.toString('utf8');
      const parts = text.split('\n');
      tail = parts.pop();
      for (const line of parts) {
        if (line.startsWith('{"type":"RECORD"')) lines += 1;
        else if (line.includes('"type":"ERROR"')) errorLine = line;
      }
    });
    const ticks = 100; // USER_HZ on Linux
    let cpu = 0;
    let peakKb = 0;
    const sample = () => {
      try {
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpu = (Number(stat[11]) + Number(stat[12])) / ticks;
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the process has just exited
      }
    };
    const timer = setInterval(sample, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, wall, cpu, peakMb: peakKb / 1024, records: lines, errorLine });
    });
  });
}

async function syncAgainstMock(records, knobs) {
  const now = Date.now();
  const start = new Date(now - Math.ceil(records / RECORDS_PER_DAY) * DAY - 3_600_000);
  const dataset = generateDataset({ count: records, start, end: new Date(now - 3_600_000), seed: 42 });
  const mock = await startMockRootly({ apiKey: API_KEY, dataset, maxPageSize: PAGE_CAP, ...knobs });
  const config = join(dir, `config-${records}.json`);
  writeFileSync(config, JSON.stringify({
    api_key: API_KEY,
    base_url: mock.url,
    backfill_start_time: new Date(start.getTime() - 3_600_000).toISOString(),
    settle_delay_seconds: 0,
    page_size: PAGE_CAP,
    requests_per_minute: RATE,
  }));
  const catalog = new URL('../integration_tests/configured_catalog.json', import.meta.url).pathname;
  const result = await measure(process.execPath, [...NODE_FLAGS, MAIN, 'read', '--config', config, '--catalog', catalog]);
  const pages = mock.requests.filter((r) => r.status === 200).length;
  const rateLimited = mock.requests.filter((r) => r.status === 429).length;
  const busiestMinute = mock.requestsInAnySlidingMinute();
  const firstPage = `${mock.url}/v1/audits?page%5Bsize%5D=${PAGE_CAP}&page%5Bnumber%5D=1&sort=created_at`;
  await mock.close();
  if (result.code !== 0 || result.records !== records) {
    throw new Error(`sync of ${records} records failed: exit ${result.code}, ${result.records} records ${result.errorLine}`);
  }
  return { ...result, pages, rateLimited, busiestMinute, dataset, firstPage };
}

async function baselineAgainstMock(records) {
  const now = Date.now();
  const dataset = generateDataset({ count: records, start: new Date(now - Math.ceil(records / RECORDS_PER_DAY) * DAY), end: new Date(now - 3_600_000), seed: 42 });
  const mock = await startMockRootly({ apiKey: API_KEY, dataset, maxPageSize: PAGE_CAP });
  const result = await measure(process.execPath, [BASELINE, `${mock.url}/v1/audits?page%5Bsize%5D=${PAGE_CAP}&sort=created_at`, API_KEY]);
  await mock.close();
  return result;
}

async function median(times, fn) {
  const values = [];
  for (let i = 0; i < times; i += 1) values.push(await fn());
  return values.sort((a, b) => a - b)[Math.floor(times / 2)];
}

const fmt = (value, digits = 2) => (typeof value === 'number' ? value.toFixed(digits) : String(value));
const rows = [];
const row = (name, value, target = '') => rows.push([name, value, target]);

console.error(`bench: node ${NODE_FLAGS.join(' ')}; ${RECORDS} records, ${LATENCY_MS} ms latency, page cap ${PAGE_CAP}, ${RATE} requests per sliding minute`);
// A mock with the latency and Rootly's sliding-window limit; the ceiling is its pages at the allowed rate.
const LIMITED_MOCK = { latencyMs: LATENCY_MS, rateLimit: { limit: RATE, windowMs: 60_000, headers: 'x-ratelimit', retryAfter: false } };
const ceilingOf = (run) => run.pages / (RATE / 60);
const limited = await syncAgainstMock(RECORDS, LIMITED_MOCK);
const ceiling = ceilingOf(limited);
row('wall time (s)', fmt(limited.wall));
row('ceiling time: pages / allowed rate (s)', `${fmt(ceiling)} (${limited.pages} pages)`);
row('efficiency = ceiling / wall', fmt(ceiling / limited.wall), '>= 0.90');
row('records per second', fmt(RECORDS / limited.wall, 0));
row('429 responses received', limited.rateLimited, '0 needed');
row('busiest sliding minute at the mock (requests)', limited.busiestMinute, `<= ${RATE}`);
row('CPU seconds per 100,000 records', fmt((limited.cpu * 100_000) / RECORDS));
row('peak RSS (MB)', fmt(limited.peakMb, 1), '< 200');

// Rootly's default order is newest first, and whether it honours sort=created_at is not known.
console.error('bench: the same read from a server that ignores sort (newest first)');
const unsorted = await syncAgainstMock(RECORDS, { ...LIMITED_MOCK, order: 'newest-first' });
row('server ignoring sort (newest first): efficiency', fmt(ceilingOf(unsorted) / unsorted.wall), '');

// CPU time on a shared machine varies by some 10% from run to run: the CPU figures are the median
// of CPU_RUNS runs, connector and baseline interleaved so that both see the same conditions.
const CPU_RUNS = 3;
const medianByCpu = (runs) => [...runs].sort((a, b) => a.cpu - b.cpu)[Math.floor(runs.length / 2)];
async function interleaved(connectorRun, baselineRun) {
  const connectorRuns = [];
  const baselineRuns = [];
  for (let i = 0; i < CPU_RUNS; i += 1) {
    connectorRuns.push(await connectorRun());
    baselineRuns.push(await baselineRun());
  }
  return { connector: medianByCpu(connectorRuns), baseline: medianByCpu(baselineRuns) };
}

console.error(`bench: zero latency, no limit, and the baseline loop (${CPU_RUNS} runs each)`);
const { connector: fast, baseline } = await interleaved(() => syncAgainstMock(RECORDS, {}), () => baselineAgainstMock(RECORDS));
row('zero latency, unlimited: wall (s)', fmt(fast.wall));
row('zero latency, unlimited: records per second', fmt(RECORDS / fast.wall, 0));
row('zero latency, unlimited: CPU seconds per 100,000 records', fmt((fast.cpu * 100_000) / RECORDS));

const perRecord = (r) => r.cpu / r.records;
row('baseline loop: CPU seconds per 100,000 records', fmt(perRecord(baseline) * 100_000));
row(`CPU per record: connector / baseline (median of ${CPU_RUNS} runs each)`, fmt(perRecord(fast) / perRecord(baseline)), '<= 1.5');

console.error('bench: memory at 10k and 1M records');
const { connector: small, baseline: smallBaseline } = await interleaved(() => syncAgainstMock(10_000, {}), () => baselineAgainstMock(10_000));
// The same ratio without the fixed start-up cost: the CPU each further record adds.
const marginal = (big, little) => (big.cpu - little.cpu) / (big.records - little.records);
row('CPU per record beyond start-up (100k - 10k runs): connector / baseline', fmt(marginal(fast, small) / marginal(baseline, smallBaseline)), '<= 1.5');
row('peak RSS at 10,000 records (MB)', fmt(small.peakMb, 1));
if (args.million) {
  const big = await syncAgainstMock(1_000_000, {});
  row('peak RSS at 1,000,000 records (MB)', fmt(big.peakMb, 1), '< 200');
  row('peak RSS 1M / 10k', fmt(big.peakMb / small.peakMb), '<= 1.2');
} else {
  row('peak RSS at 1,000,000 records', 'run with --million');
}

console.error('bench: start-up');
const specWall = await median(9, async () => (await measure(process.execPath, [...NODE_FLAGS, MAIN, 'spec'])).wall);
const nodeWall = await median(9, async () => (await measure(process.execPath, ['-e', '0'])).wall);
row('spec wall (s) / node -e 0 wall (s)', `${fmt(specWall, 3)} / ${fmt(nodeWall, 3)} = ${fmt(specWall / nodeWall)}`, '<= 3');

const width = Math.max(...rows.map((r) => r[0].length));
const valueWidth = Math.max(...rows.map((r) => String(r[1]).length));
console.log(`${'measure'.padEnd(width)} | ${'value'.padEnd(valueWidth)} | target`);
console.log(`${'-'.repeat(width)}-|-${'-'.repeat(valueWidth)}-|-------`);
for (const [name, value, target] of rows) console.log(`${name.padEnd(width)} | ${String(value).padEnd(valueWidth)} | ${target}`);
