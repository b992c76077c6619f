/**
 * The API key never leaks: spec, check, discover and read, all with --debug, across good and bad
 * keys, rate-limit and server-error storms, a foreign next link, malformed bodies and bad configs.
 * No form of the key (raw, JSON-escaped, percent-encoded, base64) and no 8-character piece of its
 * random part may appear in any byte of stdout or stderr. A recording proxy in front of the mock
 * sees every request: each must carry exactly `Authorization: Bearer <key>` and never the key in
 * its URL; a second server standing in for a foreign host must see no request at all, and no log
 * line may name an origin other than the configured one.
 */
import { generateDataset, startMockRootly, type FaultRule, type MockRootly, type MockRootlyOptions } from '../../mock-rootly/src/index.js';
import { errorTraces, logMessages } from '../helpers/connector.js';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js';
import { HOUR, expectNoLeak, recordIds, rng, runCli, scenarioPool, secretForms, seedFrom, type ChaosRun } from './support.js';

const SEED = seedFrom('LEAK_SEED', 4_242);
console.log(`secret-leak: seed ${SEED} (replay with LEAK_SEED=${SEED})`);

type Command = 'spec' | 'check' | 'discover' | 'read';
const ALL: Command[] = ['spec', 'check', 'discover', 'read'];
const CONFIGURED: Command[] = ['check', 'discover', 'read'];
const RECORDS = 60;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random part no output could contain by chance; every key of this suite embeds one. */
function randomCore(salt: number): string {
  const random = rng((SEED * 7_919 + salt * 104_729) >>> 0);
  // A letter first: unquoted in a JSON file it must read as a bad token, not as a number.
  return random.pick([...ALNUM.slice(0, 52)]) + Array.from({ length: 21 }, () => random.pick([...ALNUM])).join('');
}

interface Context {
  key: string;
  /** The recording proxy's origin: the base_url every config uses. */
  url: string;
  proxyPort: number;
  backfill: string;
}

interface LeakCase {
  name: string;
  key: string;
  /** The key's random part: no 8-character piece of it may be printed. */
  core: string;
  /** The mock's knobs; by default the key is the one valid key. */
  mock?: Partial<MockRootlyOptions>;
  /** The config file: an object, or raw text (for files that are not valid JSON). */
  config: (context: Context) => unknown;
  commands: Command[];
  /** Rewrite the mock's foreign next link to a second server that must see no request. */
  foreignServer?: boolean;
  /** What the commands should have done, so that each case provably ran its path. */
  outcome: (results: Partial<Record<Command, ChaosRun>>, seen: { mock: MockRootly; proxy: RecordingProxy }) => void;
}

const pool = scenarioPool(4);
const leakCase = (c: LeakCase): void => {
  const pending = pool(() => runLeakCase(c));
  test(c.name, () => pending, 120_000);
};

async function runLeakCase(c: LeakCase): Promise<void> {
  const now = Date.now();
  const data = generateDataset({ count: RECORDS, start: new Date(now - 30 * HOUR), end: new Date(now - HOUR), seed: SEED });
  const foreign = await startMockRootly({ apiKey: `foreign-${randomCore(999)}`, dataset: data });
  const mock = await startMockRootly({ apiKey: c.key, dataset: data, maxPageSize: 20, stallMs: 3_000, seed: SEED, ...c.mock });
  const proxy = await startRecordingProxy(
    mock.url,
    c.foreignServer ? (body) => body.split('http://evil.example.com').join(foreign.url) : undefined,
  );
  try {
    const context: Context = {
      key: c.key,
      url: proxy.url,
      proxyPort: Number(new URL(proxy.url).port),
      backfill: new Date(now - 36 * HOUR).toISOString(),
    };
    const config = c.config(context);
    const results: Partial<Record<Command, ChaosRun>> = {};
    for (const command of c.commands) {
      const args =
        command === 'spec'
          ? ['spec']
          : command === 'read'
            ? ['read', '--config', '{config}', '--catalog', '{catalog}']
            : [command, '--config', '{config}'];
      const files = command === 'spec' ? {} : { config, ...(command === 'read' ? { catalog: catalog() } : {}) };
      const result = await runCli([...args, '--debug'], { files, timeoutMs: 60_000 });
      results[command] = result;
      const where = `${c.name} / ${command}`;
      expectNoLeak(result, c.key, where);
      const found = pieces(result.stdout + result.stderr, c.core);
      const lines = (result.stdout + result.stderr).split('\n').filter((line) => found.some((piece) => line.includes(piece)));
      expect({ where, pieces: found, lines }).toEqual({ where, pieces: [], lines: [] });
      expect({ where, timedOut: result.timedOut }).toEqual({ where, timedOut: false });
      // No log line names an origin other than the configured one (except to say it was refused).
      const foreignOrigins = logMessages(result)
        .flatMap((message) => originsIn(message).map((origin) => ({ origin, message })))
        .filter(({ origin, message }) => origin !== proxy.url && origin !== mock.url && !/does not follow|refus/i.test(message));
      expect({ where, foreignOrigins }).toEqual({ where, foreignOrigins: [] });
    }
    // Every request that reached the server carried exactly the Bearer key, never the key in its URL.
    const forms = secretForms(c.key);
    const badRequests = proxy.requests
      .filter(
        (r) => r.authorization !== `Bearer ${c.key}` || forms.some((form) => r.url.includes(form)) || pieces(r.url, c.core).length > 0,
      )
      .map((r) => `${r.method} ${r.url} authorization=${r.authorization === undefined ? 'missing' : r.authorization.split(' ')[0]}`);
    expect({ case: c.name, badRequests }).toEqual({ case: c.name, badRequests: [] });
    expect(mock.requests.filter((r) => r.authorization === 'missing')).toEqual([]);
    expect(mock.requests.length).toBe(proxy.requests.length);
    expect({ case: c.name, requestsToForeignServer: foreign.requests.length }).toEqual({ case: c.name, requestsToForeignServer: 0 });
    c.outcome(results, { mock, proxy });
  } finally {
    await proxy.close();
    await mock.close();
    await foreign.close();
  }
}

const catalog = (): unknown => ({
  streams: [
    {
      stream: { name: 'audit_logs', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: ['created_at'],
      primary_key: [['id']],
    },
  ],
});

/** The 8-character pieces of `core` found in `text`. */
function pieces(text: string, core: string, size = 8): string[] {
  const found: string[] = [];
  for (let i = 0; i + size <= core.length; i += 1) {
    const piece = core.slice(i, i + size);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}

function originsIn(text: string): string[] {
  return (text.match(/https?:\/\/[^\s"'<>\\)]+/g) ?? []).flatMap((match) => {
    try {
      return [new URL(match).origin];
    } catch {
      return [];
    }
  });
}

const goodConfig = (context: Context, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  api_key: context.key,
  base_url: context.url,
  backfill_start_time: context.backfill,
  settle_delay_seconds: 0,
  page_size: 20,
  window_size_hours: 12,
  request_timeout_seconds: 1,
  max_retry_seconds: 2,
  ...extra,
});

const status = (result: ChaosRun | undefined): { status: string; message?: string } => {
  const found = result?.messages.find((m) => m.type === 'CONNECTION_STATUS') as unknown as
    { connectionStatus: { status: string; message?: string } } | undefined;
  return found?.connectionStatus ?? { status: 'none' };
};
const failure = (result: ChaosRun | undefined): string | undefined => (result ? errorTraces(result)[0]?.failure_type : undefined);

/** read ended non-zero with one ERROR of this type; check reported FAILED (exit 0). */
const failsWith =
  (failureType: string) =>
  (results: Partial<Record<Command, ChaosRun>>): void => {
    expect({
      exit: results.read?.exitCode === 0 ? 0 : 'non-zero',
      errors: results.read ? errorTraces(results.read).length : 0,
      failureType: failure(results.read),
    }).toEqual({ exit: 'non-zero', errors: 1, failureType });
    if (results.check)
      expect({ exit: results.check.exitCode, status: status(results.check).status }).toEqual({ exit: 0, status: 'FAILED' });
  };

const storm = (rules: FaultRule[]): Partial<MockRootlyOptions> => ({ faults: rules });

describe('the API key never leaks and is only ever sent as a Bearer header', () => {
  leakCase({
    name: 'valid key against the mock: spec, check, discover, read',
    key: `rk-live-${randomCore(1)}`,
    core: randomCore(1),
    config: (context) => goodConfig(context),
    commands: ALL,
    outcome: (results, { proxy }) => {
      expect(results.spec?.exitCode).toBe(0);
      expect(status(results.check).status).toBe('SUCCEEDED');
      expect(results.discover?.exitCode).toBe(0);
      expect(results.read?.exitCode).toBe(0);
      expect(recordIds(results.read as ChaosRun)).toHaveLength(RECORDS);
      expect(proxy.requests.length).toBeGreaterThan(1);
    },
  });

  leakCase({
    name: 'invalid key (401)',
    key: `rk-live-${randomCore(2)}`,
    core: randomCore(2),
    mock: { apiKey: `the-real-key-${randomCore(102)}` },
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: failsWith('config_error'),
  });

  leakCase({
    name: "forbidden key (404: the role lacks 'Audits: read')",
    key: `rk-live-${randomCore(3)}`,
    core: randomCore(3),
    mock: { apiKey: `the-real-key-${randomCore(103)}`, forbiddenKeys: [`rk-live-${randomCore(3)}`] },
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: failsWith('config_error'),
  });

  leakCase({
    name: '429 storm exhausting the retries (every header dialect)',
    key: `rk-live-${randomCore(4)}`,
    core: randomCore(4),
    mock: storm([
      { kind: '429-retry-after', rate: 0.3 },
      { kind: '429-x-ratelimit-reset', rate: 0.3 },
      { kind: '429-ratelimit-reset', rate: 0.3 },
      { kind: '429-no-headers' },
    ]),
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: failsWith('transient_error'),
  });

  leakCase({
    name: '500/502/503 storm exhausting the retries',
    key: `rk-live-${randomCore(5)}`,
    core: randomCore(5),
    mock: storm([{ kind: '500', rate: 0.4 }, { kind: '502', rate: 0.4 }, { kind: '503' }]),
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: failsWith('transient_error'),
  });

  leakCase({
    name: 'foreign next link pointed at a second server: refused, and that server gets no request',
    key: `rk-live-${randomCore(6)}`,
    core: randomCore(6),
    mock: storm([{ kind: 'foreign-next-link' }]),
    foreignServer: true,
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: (results, { proxy }) => {
      expect({ exit: results.read?.exitCode === 0, failureType: failure(results.read) }).toEqual({
        exit: false,
        failureType: 'system_error',
      });
      // The page with the foreign link did go out (so the refusal was exercised).
      expect(proxy.requests.some((r) => r.url.includes('page%5Bnumber%5D=1') || r.url.includes('page[number]=1'))).toBe(true);
    },
  });

  leakCase({
    name: 'foreign next link to http://evil.example.com: refused, no log line names another origin',
    key: `rk-live-${randomCore(7)}`,
    core: randomCore(7),
    mock: storm([{ kind: 'foreign-next-link', rate: 0.5 }]),
    config: (context) => goodConfig(context, { page_size: 5, window_size_hours: 4 }),
    commands: ['read'],
    outcome: (results) => expect(failure(results.read)).toBe('system_error'),
  });

  leakCase({
    name: 'a server echoing the key at the cut of a long error title and of quoted next links',
    key: `rk-live-${randomCore(19)}`,
    core: randomCore(19),
    mock: storm([{ kind: 'echo-key-in-title', rate: 0.4 }, { kind: 'echo-key-in-link' }]),
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: (results) => {
      expect(results.read?.exitCode).not.toBe(0);
      expect(['system_error', 'transient_error']).toContain(failure(results.read));
    },
  });

  leakCase({
    name: 'malformed JSON, truncated JSON and HTML bodies after retries',
    key: `rk-live-${randomCore(8)}`,
    core: randomCore(8),
    mock: storm([{ kind: 'malformed-json', rate: 0.4 }, { kind: 'truncated-json', rate: 0.4 }, { kind: 'html-200' }]),
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: failsWith('system_error'),
  });

  leakCase({
    name: 'invalid config holding the key alongside other invalid fields',
    key: `rk-live-${randomCore(9)}`,
    core: randomCore(9),
    config: (context) => goodConfig(context, { page_size: 'ten', window_size_hours: -1, settle_delay_seconds: 'soon' }),
    commands: CONFIGURED,
    outcome: (results, { proxy }) => {
      failsWith('config_error')(results);
      expect(proxy.requests).toHaveLength(0);
    },
  });

  leakCase({
    name: 'invalid config whose other fields hold the key (backfill_start_time, page_size)',
    key: `rk-live-${randomCore(10)}`,
    core: randomCore(10),
    config: (context) => goodConfig(context, { backfill_start_time: context.key, page_size: context.key, window_size_hours: context.key }),
    commands: CONFIGURED,
    outcome: failsWith('config_error'),
  });

  leakCase({
    name: 'invalid base_url embedding the key',
    key: `rk-live-${randomCore(11)}`,
    core: randomCore(11),
    config: (context) => goodConfig(context, { base_url: `ftp://rootly.example.com/${context.key}` }),
    commands: CONFIGURED,
    outcome: (results, { proxy }) => {
      failsWith('config_error')(results);
      expect(proxy.requests).toHaveLength(0);
    },
  });

  leakCase({
    name: 'a key with characters needing JSON and URL escaping (k"ey/+=%), valid against the mock',
    key: `k"ey/+=%${randomCore(12)}`,
    core: randomCore(12),
    config: (context) => goodConfig(context),
    commands: CONFIGURED,
    outcome: (results) => {
      expect(status(results.check).status).toBe('SUCCEEDED');
      expect({ exit: results.read?.exitCode, records: recordIds(results.read as ChaosRun).length }).toEqual({ exit: 0, records: RECORDS });
    },
  });

  leakCase({
    name: 'a key with characters needing escaping (k"ey/+=% \\ and a newline) in an invalid config',
    key: `k"ey/+=%\\${randomCore(13)}\n`,
    core: randomCore(13),
    config: (context) => goodConfig(context, { page_size: 0, base_url: 'not a url' }),
    commands: CONFIGURED,
    outcome: failsWith('config_error'),
  });

  leakCase({
    name: 'unknown config fields holding the key are named, not printed',
    key: `rk-live-${randomCore(14)}`,
    core: randomCore(14),
    config: (context) => goodConfig(context, { apiKey: context.key, api_token: context.key, [`x-${context.key}`]: true }),
    commands: CONFIGURED,
    outcome: (results) => expect(results.read?.exitCode).toBe(0),
  });

  leakCase({
    name: 'a config file that is not valid JSON because the key is not quoted',
    key: randomCore(15),
    core: randomCore(15),
    config: (context) => `{"base_url": "${context.url}", "api_key": ${context.key}, "page_size": 10}`,
    commands: CONFIGURED,
    outcome: failsWith('config_error'),
  });

  leakCase({
    name: 'a config file that is not valid JSON because a quote in the key is not escaped',
    key: `k"ey/+=%${randomCore(16)}`,
    core: randomCore(16),
    config: (context) => `{"base_url": "${context.url}", "api_key": "${context.key}", "page_size": 10}`,
    commands: CONFIGURED,
    outcome: failsWith('config_error'),
  });

  leakCase({
    name: 'a config file cut off in the middle of the key',
    key: `rk-live-${randomCore(17)}`,
    core: randomCore(17),
    config: (context) => `{"base_url": "${context.url}", "page_size": 10, "api_key": "${context.key}`,
    commands: CONFIGURED,
    outcome: failsWith('config_error'),
  });

  leakCase({
    name: 'a base_url carrying the key as user info: refused, or the key still goes only as Bearer',
    key: `rk-live-${randomCore(18)}`,
    core: randomCore(18),
    config: (context) =>
      goodConfig(context, { base_url: `http://rootly:${encodeURIComponent(context.key)}@127.0.0.1:${context.proxyPort}` }),
    commands: CONFIGURED,
    outcome: (results, { proxy }) => {
      // Either outcome is acceptable; the request checks above already demand a plain Bearer.
      if (results.read?.exitCode === 0) expect(recordIds(results.read)).toHaveLength(RECORDS);
      else {
        expect(failure(results.read)).toBe('config_error');
        expect(proxy.requests).toHaveLength(0);
      }
    },
  });
});
