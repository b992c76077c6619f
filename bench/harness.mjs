// What every benchmark scenario shares: a child process measured from /proc (CPU time, peak RSS),
// the project's mock Rootly server with a dataset, and a full read checked for exactness.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset, startMockRootly } from '../mock-rootly/dist/index.js';

const API_KEY = 'bench-key-0f9e8d7c';
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'rootly-bench-'));
const CATALOG = new URL('../integration_tests/configured_catalog.json', import.meta.url).pathname;
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)[1]);

/** The image's command, run from the bundle it ships: node, the ENTRYPOINT's flags, main.mjs. */
export const IMAGE_COMMAND = {
  name: 'image',
  command: process.execPath,
  args: [...entrypoint.filter((part) => part.startsWith('--')), new URL('../dist/bundle/main.mjs', import.meta.url).pathname],
};

/** The npm bin (package.json's `bin`), executed as npm links it: by its shebang. */
export function binCommand() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const path = new URL(`../${Object.values(pkg.bin)[0]}`, import.meta.url).pathname;
  chmodSync(path, 0o755); // npm sets the mode when it links a bin
  return { name: 'bin', command: path, args: [] };
}

/** Runs a command with stdout to a sink that collects record ids; samples /proc for CPU and peak RSS. */
export function measure(command, argv, { collectIds = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    const ids = collectIds ? new Map() : undefined;
    const seen = { records: 0, errorLine: '', tail: '' };
    child.stdout.on('data', (chunk) => readLines(seen, ids, chunk));
    const usage = { cpu: 0, peakKb: 0 };
    const timer = setInterval(() => sample(child.pid, usage), 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code, wall, cpu: usage.cpu, peakMb: usage.peakKb / 1024, records: seen.records, ids, errorLine: seen.errorLine });
    });
  });
}

function readLines(seen, ids, chunk) {
  const parts = (seen.tail + chunk.toString('utf8')).split('\n');
  seen.tail = parts.pop();
  for (const line of parts) {
    if (line.startsWith('{"type":"RECORD"')) {
      seen.records += 1;
      if (ids) {
        const at = line.indexOf('"data":{"id":"') + 14;
        const id = line.slice(at, line.indexOf('"', at));
        ids.set(id, (ids.get(id) ?? 0) + 1);
      }
    } else if (line.includes('"type":"ERROR"')) seen.errorLine = line;
  }
}

function sample(pid, usage) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    usage.cpu = (Number(stat[11]) + Number(stat[12])) / 100; // USER_HZ ticks
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (hwm) usage.peakKb = Math.max(usage.peakKb, Number(hwm[1]));
  } catch {
    // the process has just exited
  }
}

/** `records` spread evenly over `days` days ending an hour ago. */
export function datasetOver(records, days) {
  const end = Date.now() - 3_600_000;
  return generateDataset({ count: records, start: new Date(end - days * DAY), end: new Date(end), seed: 42 });
}

/**
 * A full read of `dataset` from a fresh mock with `knobs`, by `runner` (default the image's
 * command). Fails unless every record came exactly once; reports the mock's pages, 429s and busiest
 * window.
 */
export async function syncAgainstMock(dataset, knobs, { runner = IMAGE_COMMAND, pageSize = 100, windowMs = 60_000 } = {}) {
  const mock = await startMockRootly({ apiKey: API_KEY, dataset, maxPageSize: pageSize, ...knobs });
  const first = dataset.reduce((min, r) => Math.min(min, Date.parse(r.attributes.created_at)), Infinity);
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      api_key: API_KEY,
      base_url: mock.url,
      backfill_start_time: new Date(first - 3_600_000).toISOString(),
      settle_delay_seconds: 0,
      page_size: pageSize,
    }),
  );
  const result = await measure(runner.command, [...runner.args, 'read', '--config', config, '--catalog', CATALOG], { collectIds: true });
  const pages = mock.requests.filter((r) => r.status === 200).length;
  const rateLimited = mock.requests.filter((r) => r.status === 429).length;
  const busiest = mock.requestsInAnyWindow(windowMs);
  await mock.close();
  const exact = result.ids.size === dataset.length && result.records === dataset.length && dataset.every((r) => result.ids.get(r.id) === 1);
  if (result.code !== 0 || !exact) {
    throw new Error(
      `${runner.name} read of ${dataset.length} records: exit ${result.code}, ${result.records} records, ${result.ids.size} distinct ${result.errorLine}`,
    );
  }
  result.ids = undefined;
  return { ...result, pages, rateLimited, busiest, exact };
}

/** The bare fetch-parse-print loop over the same mock without latency or limit. */
export async function baselineAgainstMock(dataset, pageSize = 100) {
  const mock = await startMockRootly({ apiKey: API_KEY, dataset, maxPageSize: pageSize });
  const loop = new URL('./baseline-loop.mjs', import.meta.url).pathname;
  const result = await measure(process.execPath, [loop, `${mock.url}/v1/audits?page%5Bsize%5D=${pageSize}&sort=created_at`, API_KEY]);
  await mock.close();
  return result;
}
