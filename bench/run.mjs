// Benchmark: each scenario of the connector's targets, side by side in one table: backfills at the
// rate-limit bound for several data shapes and server windows (ceiling = pages ÷ allowed rate,
// efficiency = ceiling ÷ wall), peak memory as the npm bin and as the image's command run it, CPU
// per record against a bare loop, and start-up. Every read is checked: each record exactly once.
// Usage: npm run bench [-- --scenario rootly-30d --scenario memory ...] [--list] [--latency-ms 200] [--page-cap 100]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { baselineAgainstMock, binCommand, datasetOver, IMAGE_COMMAND, measure, syncAgainstMock } from './harness.mjs';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    list: { type: 'boolean', default: false },
    'latency-ms': { type: 'string', default: '200' },
    'page-cap': { type: 'string', default: '100' },
  },
});
const LATENCY_MS = Number(args['latency-ms']);
const PAGE_CAP = Number(args['page-cap']);

const fmt = (value, digits = 2) => value.toFixed(digits);
const int = (value) => Math.round(value).toLocaleString('en-US');

/** A read at the rate-limit bound: a mock with the latency and a sliding-window limit. */
function throughput({ records, days, limit, windowSeconds, limitForm = 'plain', order = 'honour', target }) {
  return async () => {
    const windowMs = windowSeconds * 1000;
    const rateLimit = { limit, windowMs, headers: 'x-ratelimit', retryAfter: false, limitForm };
    const run = await syncAgainstMock(
      datasetOver(records, days),
      { latencyMs: LATENCY_MS, rateLimit, order },
      { pageSize: PAGE_CAP, windowMs },
    );
    const ceiling = run.pages / (limit / windowSeconds);
    const efficiency = ceiling / run.wall;
    const figures = `${int(run.pages)} pages, wall ${fmt(run.wall, 1)} s, ceiling ${fmt(ceiling, 1)} s, ${run.rateLimited} × 429, busiest ${windowSeconds} s: ${int(run.busiest)}, exact`;
    return { figures, result: fmt(efficiency), target: `≥ ${fmt(target)}, 0 × 429`, pass: efficiency >= target && run.rateLimited === 0 };
  };
}

/** Peak RSS of a read at 100,000 and 1,000,000 records, without latency or limit. */
function memory(runner) {
  return async () => {
    const small = await syncAgainstMock(datasetOver(100_000, 100), {}, { runner: runner(), pageSize: PAGE_CAP });
    const big = await syncAgainstMock(datasetOver(1_000_000, 1000), {}, { runner: runner(), pageSize: PAGE_CAP });
    const ratio = big.peakMb / small.peakMb;
    return {
      figures: `100k: ${fmt(small.peakMb, 1)} MB, 1M: ${fmt(big.peakMb, 1)} MB (${fmt(big.wall, 1)} s), exact`,
      result: `${fmt(ratio)}×, ${fmt(Math.max(small.peakMb, big.peakMb), 1)} MB`,
      target: '≤ 1.20×, < 150 MB',
      pass: ratio <= 1.2 && big.peakMb < 150 && small.peakMb < 150,
    };
  };
}

/**
 * CPU per record against the bare loop. CPU time on a shared machine varies by some 10% from run to
 * run: the median of three runs each, connector and loop interleaved so that both see the same load.
 */
async function cpuPerRecord() {
  const dataset = datasetOver(100_000, 100);
  const connector = [];
  const baseline = [];
  for (let i = 0; i < 3; i += 1) {
    connector.push(await syncAgainstMock(dataset, {}, { pageSize: PAGE_CAP }));
    baseline.push(await baselineAgainstMock(dataset, PAGE_CAP));
  }
  const median = (runs) => [...runs].sort((a, b) => a.cpu - b.cpu)[1];
  const perRecord = (run) => run.cpu / run.records;
  const ratio = perRecord(median(connector)) / perRecord(median(baseline));
  const per100k = (run) => fmt(perRecord(run) * 100_000);
  return {
    figures: `CPU s per 100,000 records: connector ${per100k(median(connector))}, loop ${per100k(median(baseline))}`,
    result: `${fmt(ratio)}×`,
    target: '≤ 1.30×',
    pass: ratio <= 1.3,
  };
}

async function startup() {
  const median = async (run) => {
    const walls = [];
    for (let i = 0; i < 9; i += 1) walls.push((await run()).wall);
    return walls.sort((a, b) => a - b)[4];
  };
  const spec = await median(() => measure(IMAGE_COMMAND.command, [...IMAGE_COMMAND.args, 'spec']));
  const bare = await median(() => measure(process.execPath, ['-e', '0']));
  return {
    figures: `spec ${fmt(spec, 3)} s, node -e 0 ${fmt(bare, 3)} s`,
    result: `${fmt(spec / bare)}×`,
    target: '≤ 3.00×',
    pass: spec / bare <= 3,
  };
}

const SCENARIOS = [
  [
    'rootly-30d',
    '3,000 per 60 s, 450,000 records over 30 days',
    throughput({ records: 450_000, days: 30, limit: 3000, windowSeconds: 60, target: 0.95 }),
  ],
  [
    'window-12s',
    '600 per 12 s (`600, 600;window=12`), 90,000 over 30 days',
    throughput({ records: 90_000, days: 30, limit: 600, windowSeconds: 12, limitForm: 'quota-policy', target: 0.9 }),
  ],
  [
    'window-12s-plain',
    '600 per 12 s, limit as a bare number, 90,000 over 30 days',
    throughput({ records: 90_000, days: 30, limit: 600, windowSeconds: 12, target: 0.9 }),
  ],
  [
    'year',
    '3,000 per 60 s, 36,500 records over a year',
    throughput({ records: 36_500, days: 365, limit: 3000, windowSeconds: 60, target: 0.9 }),
  ],
  [
    'newest-first',
    'server ignoring sort (newest first), 200,000 over 30 days',
    throughput({ records: 200_000, days: 30, limit: 3000, windowSeconds: 60, order: 'newest-first', target: 0.9 }),
  ],
  ['memory-bin', 'peak RSS, npm bin (dist/main.js by its shebang)', memory(binCommand)],
  ['memory-image', "peak RSS, the image's command (node + ENTRYPOINT flags)", memory(() => IMAGE_COMMAND)],
  ['cpu', 'CPU per record ÷ the bare fetch-parse-print loop', cpuPerRecord],
  ['startup', '`spec` start-up ÷ `node -e 0`', startup],
];

if (args.list) {
  for (const [id, name] of SCENARIOS) console.log(`${id.padEnd(18)} ${name}`);
  process.exit(0);
}
const chosen = args.scenario ?? SCENARIOS.map(([id]) => id);
const unknown = chosen.filter((id) => !SCENARIOS.some(([known]) => known === id));
if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; --list shows them`);

const rows = [];
for (const [id, name, run] of SCENARIOS.filter(([known]) => chosen.includes(known))) {
  console.error(
    `bench: ${id}: ${name} (load average ${loadavg()
      .map((v) => fmt(v))
      .join(' ')})`,
  );
  const outcome = await run();
  rows.push([name, outcome.figures, outcome.result, outcome.target, outcome.pass ? 'yes' : 'NO']);
}

const header = ['scenario', 'figures', 'result', 'target', 'met'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `${LATENCY_MS} ms latency, page cap ${PAGE_CAP}; load average at the end ${loadavg()
    .map((v) => fmt(v))
    .join(' ')}`,
);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
