/**
 * Crash and resume, as a property: a sync of a few thousand records under low-rate random faults
 * is SIGKILLed at random moments (a random stdout line or a random delay) at least 30 times, each
 * run resuming from the last STATE printed so far, until a run completes. Only records followed by
 * a STATE count (Airbyte's commit rule); their union over all runs must be the dataset, each
 * record exactly once.
 *
 * The seed is random unless CRASH_SEED is set; it is printed first so that a failure replays.
 */
import { generateDataset, startMockRootly, type FaultKind, type FaultRule } from '../../mock-rootly/src/index.js';
import { errorTraces, lastState } from '../helpers/connector.js';
import {
  HOUR,
  committedIds,
  datasetIds,
  duplicatesOf,
  expectNoLeak,
  firedKinds,
  floorHour,
  idDiff,
  readSync,
  recordIds,
  rng,
  scenarioKey,
  secretForms,
  seedFrom,
  type ChaosRun,
} from './support.js';

const SEED = seedFrom('CRASH_SEED', Math.floor(Math.random() * 2 ** 31));
console.log(`crash-resume: seed ${SEED} (replay with CRASH_SEED=${SEED})`);

const DAY = 24 * HOUR;
const RECORDS = 3_000;
const MIN_KILLS = 30;
const MAX_RUNS = 150;
const PAGE_SIZE = 25;

/** Kinds the connector retries or works around, each at a low seeded rate. */
const RETRIED_KINDS: FaultKind[] = [
  '429-retry-after',
  '429-x-ratelimit-reset',
  '429-ratelimit-reset',
  '429-no-headers',
  '500',
  '502',
  '503',
  'reset-mid-body',
  'truncated-json',
  'html-200',
  'stall',
  'duplicate-across-pages',
  'empty-page-with-next',
];

interface RunLog {
  run: number;
  kill: string;
  exit: string;
  lines: number;
  printed: number;
  committed: number;
  states: number;
  from: string;
}

// A server that honours sort=created_at, and one that ignores it and answers newest first (Rootly's
// default order), which the connector reads in batches of windows saved whole.
test.each(['honour', 'newest-first'] as const)(
  `a sync SIGKILLed at random moments at least ${MIN_KILLS} times and resumed from its last STATE commits every record exactly once (server order: %s)`,
  async (order) => {
    const random = rng(SEED);
    const key = scenarioKey('crash', SEED);
    const now = Date.now();
    // A fixed backfill start on a whole hour, a day before the dataset's 5 days begin.
    const backfillMs = floorHour(now) - 7 * DAY;
    const data = generateDataset({
      count: RECORDS,
      start: new Date(backfillMs + DAY),
      end: new Date(backfillMs + 6 * DAY),
      seed: SEED,
      sameMillisecondClusterRate: 0.1,
    });
    const expected = datasetIds(data);
    const faults: FaultRule[] = RETRIED_KINDS.map((kind) => ({ kind, rate: kind === 'stall' ? 0.003 : random.between(0.002, 0.01) }));
    const mock = await startMockRootly({ apiKey: key, dataset: data, maxPageSize: PAGE_SIZE, stallMs: 3_000, seed: SEED, faults, order });
    const config = {
      api_key: key,
      base_url: mock.url,
      backfill_start_time: new Date(backfillMs).toISOString(),
      settle_delay_seconds: 0,
      page_size: PAGE_SIZE,
      window_size_hours: 4,
      request_timeout_seconds: 1,
      max_retry_seconds: 30,
    };
    console.log(
      `crash-resume: ${data.length} records from ${data[0]?.attributes.created_at} to ${data.at(-1)?.attributes.created_at}, ` +
        `backfill ${config.backfill_start_time}, faults ${faults.map((f) => `${f.kind}@${(f.rate ?? 0).toFixed(4)}`).join(' ')}`,
    );

    const committed: string[] = [];
    const log: RunLog[] = [];
    let state: unknown;
    let kills = 0;
    let lineKills = 0;
    let delayKills = 0;
    let killedBeforeState = 0;
    let failedRuns = 0;
    let completed = false;
    let run = 0;
    try {
      while (!completed || kills < MIN_KILLS) {
        run += 1;
        if (run > MAX_RUNS)
          throw new Error(`no completed sync after ${MAX_RUNS} runs (${kills} kills); log: ${JSON.stringify(log.slice(-10))}`);
        const remaining = expected.length - new Set(committed).size;
        const killsLeft = MIN_KILLS - kills;
        let kill: { killAtLine: number } | { killAfterMs: number } | undefined;
        if (killsLeft > 0) {
          // Aim to spread the kills over the remaining work, at random points; timed kills also
          // land in retry waits and before any output.
          const roll = random.next();
          if (remaining > 300 && roll < 0.35) kill = { killAfterMs: random.int(80, 1_500) };
          else if (remaining === 0) kill = { killAtLine: random.int(1, 5) };
          else if (roll < 0.6) kill = { killAtLine: random.int(1, remaining + 12) };
          else kill = { killAtLine: random.int(1, Math.max(4, Math.floor((2 * remaining) / killsLeft) + 12)) };
        }
        const result: ChaosRun = await readSync(config, {
          state,
          ...kill,
          debug: run % 3 === 0,
          timeoutMs: 120_000,
        });
        expectNoLeak(result, key, `run ${run}`);
        expect({ run, timedOut: result.timedOut }).toEqual({ run, timedOut: false });
        expect({ run, duplicatedInOneRun: duplicatesOf(recordIds(result)) }).toEqual({ run, duplicatedInOneRun: [] });
        const newState = lastState(result);
        const runCommitted = committedIds(result);
        committed.push(...runCommitted);
        const entry: RunLog = {
          run,
          kill: kill === undefined ? '-' : 'killAtLine' in kill ? `line ${kill.killAtLine}` : `${kill.killAfterMs} ms`,
          exit: result.killed ? 'SIGKILL' : String(result.exitCode),
          lines: result.messages.length,
          printed: recordIds(result).length,
          committed: runCommitted.length,
          states: result.messages.filter((m) => m.type === 'STATE').length,
          from: state === undefined ? 'backfill' : (state as { created_at: string }).created_at,
        };
        log.push(entry);
        if (result.killed) {
          completed = false;
          kills += 1;
          if (kill !== undefined && 'killAtLine' in kill) lineKills += 1;
          else delayKills += 1;
          if (newState === undefined) killedBeforeState += 1;
        } else if (result.exitCode === 0) {
          expect({ run, errors: errorTraces(result) }).toEqual({ run, errors: [] });
          completed = true;
        } else {
          // A retry budget ran out: one ERROR trace, and the next run resumes like after a crash.
          failedRuns += 1;
          expect({ run, errors: errorTraces(result).length }).toEqual({ run, errors: 1 });
          completed = false;
        }
        if (newState !== undefined) {
          // The cursor never moves back: a resumed sync starts where the last one stopped.
          const before = state === undefined ? backfillMs : Date.parse((state as { created_at: string }).created_at);
          expect({ run, cursorMovedBack: Date.parse((newState as { created_at: string }).created_at) < before }).toEqual({
            run,
            cursorMovedBack: false,
          });
          state = newState;
        }
        // A kill-mode run that happened to finish ends a sync; later runs are new syncs from its
        // state (nothing new to read), still killed until MIN_KILLS is reached.
      }
    } finally {
      await mock.close();
    }

    // Every request carried the key as a valid Bearer and never in the URL.
    const forms = secretForms(key);
    expect(mock.requests.filter((r) => r.authorization !== 'valid' || forms.some((f) => r.url.includes(f))).map((r) => r.url)).toEqual([]);

    const diff = idDiff(expected, committed);
    console.log(
      [
        `crash-resume (seed ${SEED}, server order ${order}): ${run} runs, ${kills} SIGKILLs (${lineKills} at a stdout line, ${delayKills} after a delay; ${killedBeforeState} before any STATE), ` +
          `${failedRuns} runs ended by an exhausted retry budget, completed=${completed}.`,
        `committed ${committed.length} records (${new Set(committed).size} distinct) of ${expected.length}; missing ${diff.missing.length}, unexpected ${diff.unexpected.length}, duplicated ${diff.duplicated.length}.`,
        `requests ${mock.requests.length}, faults fired: ${[...firedKinds(mock)].join(', ') || 'none'} (${mock.requests.filter((r) => r.fault).length} times).`,
        'run  kill         exit     lines printed committed states from',
        ...log.map(
          (e) =>
            `${String(e.run).padStart(3)}  ${e.kill.padEnd(12)} ${e.exit.padEnd(8)} ${String(e.lines).padStart(5)} ${String(e.printed).padStart(7)} ${String(e.committed).padStart(9)} ${String(e.states).padStart(6)} ${e.from}`,
        ),
      ].join('\n'),
    );
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(completed).toBe(true);
    expect({ seed: SEED, order, diff }).toEqual({ seed: SEED, order, diff: { missing: [], unexpected: [], duplicated: [] } });
  },
  220_000,
);
