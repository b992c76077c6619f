/**
 * The project's Connector Acceptance Tests: every test acceptance-test-config.yml lists, run against
 * the built image (testcontainers), with the assertions of Airbyte's CAT; then one real HTTP sync
 * against the mock Rootly server and a check that the image holds no dev dependencies.
 *
 *   npm run test:acceptance
 */
import { isDeepStrictEqual } from 'node:util';
import { generateDataset, startMockRootly, type MockRootly } from '../../mock-rootly/src/index.js';
import { errorTraces, type RunResult } from '../helpers/connector.js';
import { loadAcceptanceConfig, readConfig, resolveConfigPath, type BasicReadTest } from './acceptance-config.js';
import {
  asFullRefresh,
  asIncremental,
  catalogFromDiscovered,
  cursorFieldOf,
  loadCatalog,
  primaryKeyOf,
  recordKey,
  withInvalidSyncMode,
  withUnknownStream,
  type ConfiguredCatalog,
  type ConfiguredStream,
} from './catalog.js';
import { streamsWithoutExpectedRecords, streamsWithoutFutureState } from './cat-runtime-rules.js';
import { buildImage, IMAGE_NAME, inspectImage } from './image.js';
import {
  catalogStreams,
  connectionStatuses,
  describeRun,
  instantMs,
  recordMessages,
  specs,
  stateFile,
  stateMessagesOf,
  streamStatusesOf,
  valueAt,
  type DiscoveredStream,
  type RecordMessage,
  type StateMessage,
} from './messages.js';
import { lockfilePackages } from './lockfile.js';
import { isObject, readMetadata, readProjectJson, readProjectJsonLines } from './project.js';
import { acceptanceTest, printSummary } from './report.js';
import { runConnector, runContainer } from './run-connector.js';
import {
  closedAdditionalProperties,
  createDraft07Ajv,
  DRAFT_07,
  duplicateOrders,
  keywordUses,
  nonStringSecrets,
  schemaHasPath,
} from './schema-rules.js';

const acceptance = loadAcceptanceConfig();
/** The catalog of the full_refresh and incremental tests that name none, and of the HTTP sync. */
const DEFAULT_CATALOG_PATH = 'integration_tests/configured_catalog.json';
const metadata = readMetadata();

beforeAll(async () => {
  await buildImage();
});
afterAll(printSummary);

// ------------------------------------------------------------------------------------ shared runs

/** One promise per key: runs whose output several tests check happen once. */
function memo<T>(run: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let promise = cache.get(key);
    if (!promise) {
      promise = run(key);
      cache.set(key, promise);
    }
    return promise;
  };
}

const specRun = memo(() => runConnector('spec'));
const discoverRun = memo((configPath) => runConnector('discover', { config: readConfig(configPath) }));
/** The catalog of a basic_read test: its own, or (always at high strictness, as CAT does) one built from discover. */
const basicReadCatalogOf = memo(async (key) => {
  const t = JSON.parse(key) as BasicReadTest;
  if (t.configured_catalog_path) return loadCatalog(t.configured_catalog_path);
  const run = await discoverRun(t.config_path);
  const [streams] = catalogStreams(run);
  if (!streams) throw new Error(`discover with ${t.config_path} gave no CATALOG:\n${describeRun(run)}`);
  return catalogFromDiscovered(
    streams,
    t.empty_streams.map((stream) => stream.name),
  );
});
const basicReadCatalog = (t: BasicReadTest): Promise<ConfiguredCatalog> => basicReadCatalogOf(JSON.stringify(t));
const readRun = memo(async (key) => {
  const t = JSON.parse(key) as BasicReadTest;
  return runConnector('read', { config: readConfig(t.config_path), catalog: await basicReadCatalog(t) });
});
const basicRead = (t: BasicReadTest): Promise<RunResult> => readRun(JSON.stringify(t));

/** The discovered json_schema of every stream, by name. */
async function discoveredSchemas(configPath: string): Promise<Map<string, Record<string, unknown>>> {
  const run = await discoverRun(configPath);
  const [streams] = catalogStreams(run);
  if (!streams) throw new Error(`discover with ${configPath} gave no CATALOG:\n${describeRun(run)}`);
  return new Map(streams.map((s) => [s.name, s.json_schema]));
}

function expectSucceeded(run: RunResult, what: string): void {
  if (run.exitCode !== 0) throw new Error(`${what} failed:\n${describeRun(run)}`);
  expect(errorTraces(run)).toEqual([]);
}

const label = (path: string): string => {
  const resolved = resolveConfigPath(path);
  return resolved === path ? path : `${path} (${resolved})`;
};

// -------------------------------------------------------------------------------------------- spec

describe('spec', () => {
  acceptanceTest('spec', 'acceptance-test-config.yml names the image metadata.yaml describes', async () => {
    expect(acceptance.connector_image).toBe(IMAGE_NAME);
    expect(IMAGE_NAME).toBe(`${metadata.dockerRepository}:dev`);
  });

  for (const t of acceptance.spec) {
    acceptanceTest('spec', `one SPEC message, equal to ${t.spec_path}`, async () => {
      const run = await specRun('');
      expectSucceeded(run, 'spec');
      expect(specs(run)).toHaveLength(1);
      expect(specs(run)[0]).toEqual(readProjectJson(t.spec_path));
    });

    acceptanceTest('spec', `connectionSpecification of ${t.spec_path} follows Airbyte's rules`, async () => {
      const [spec] = specs(await specRun(''));
      const connection = isObject(spec) ? spec['connectionSpecification'] : undefined;
      expect(isObject(connection)).toBe(true);
      // No references or combinators the UI cannot render.
      expect(keywordUses(connection, ['$ref', 'allOf', 'anyOf', 'not', 'if'])).toEqual([]);
      // Secrets are strings, and the API key is one.
      expect(nonStringSecrets(connection)).toEqual([]);
      const properties = isObject(connection) && isObject(connection['properties']) ? connection['properties'] : {};
      expect(valueAt(properties, ['api_key', 'airbyte_secret'])).toBe(true);
      // The UI orders fields by `order`: no two fields share a value.
      expect(duplicateOrders(connection)).toEqual([]);
      // Objects stay open: additionalProperties, where present, is true.
      expect(closedAdditionalProperties(connection)).toEqual([]);
      // It is a valid draft-07 schema.
      const ajv = createDraft07Ajv();
      expect(ajv.validateSchema(connection as object)).toBe(true);
    });

    acceptanceTest('spec', `the acceptance config ${label('secrets/config.json')} is valid against the spec`, async () => {
      const [spec] = specs(await specRun(''));
      const connection = (isObject(spec) ? spec['connectionSpecification'] : {}) as object;
      const validate = createDraft07Ajv().compile(connection);
      const valid = validate(readConfig('secrets/config.json'));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });
  }

  acceptanceTest('spec', 'image labels io.airbyte.name and io.airbyte.version match metadata.yaml', async () => {
    const { labels } = await inspectImage();
    expect(labels['io.airbyte.name']).toBe(metadata.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(metadata.dockerImageTag);
  });

  acceptanceTest('spec', 'image env AIRBYTE_ENTRYPOINT equals the image ENTRYPOINT', async () => {
    const { env, entrypoint } = await inspectImage();
    expect(entrypoint.length).toBeGreaterThan(0);
    expect(env['AIRBYTE_ENTRYPOINT']).toBe(entrypoint.join(' '));
  });

  acceptanceTest(
    'spec',
    'the image runs as the unprivileged user airbyte, uid and gid 1000 (Airbyte rootless), owning /airbyte',
    async () => {
      const { user } = await inspectImage();
      expect(user).toBe('airbyte');
      const run = await runContainer(['-c', 'id -u; id -g; stat -c %U:%G /airbyte'], { entrypoint: ['/bin/sh'] });
      expect(run.exitCode).toBe(0);
      expect(run.stdout.trim().split('\n')).toEqual(['1000', '1000', 'airbyte:airbyte']);
    },
  );
});

// -------------------------------------------------------------------------------------- connection

describe('connection', () => {
  const expected = { succeed: 'SUCCEEDED', failed: 'FAILED' } as const;
  for (const t of acceptance.connection) {
    acceptanceTest('connection', `check ${label(t.config_path)} -> ${t.status}`, async () => {
      const run = await runConnector('check', { config: readConfig(t.config_path) });
      if (t.status === 'exception') {
        expect(run.exitCode).not.toBe(0);
        expect(errorTraces(run).length).toBeGreaterThan(0);
        return;
      }
      expectSucceeded(run, 'check');
      const statuses = connectionStatuses(run);
      expect(statuses).toHaveLength(1);
      expect(statuses[0]?.status).toBe(expected[t.status]);
      if (t.status === 'failed') expect(statuses[0]?.message ?? '').not.toBe('');
    });
  }
});

// --------------------------------------------------------------------------------------- discovery

describe('discovery', () => {
  for (const t of acceptance.discovery) {
    const where = label(t.config_path);
    const streamsOf = async (): Promise<DiscoveredStream[]> => {
      const run = await discoverRun(t.config_path);
      expectSucceeded(run, 'discover');
      const catalogs = catalogStreams(run);
      expect(catalogs).toHaveLength(1);
      const streams = catalogs[0] ?? [];
      expect(streams.length).toBeGreaterThan(0);
      return streams;
    };

    acceptanceTest('discovery', `${where}: one CATALOG message with uniquely named streams`, async () => {
      const names = (await streamsOf()).map((s) => s.name);
      expect(new Set(names).size).toBe(names.length);
    });

    acceptanceTest('discovery', `${where}: every json_schema is a draft-07 schema without $ref`, async () => {
      const ajv = createDraft07Ajv();
      for (const stream of await streamsOf()) {
        const schema = stream.json_schema;
        expect(typeof schema['$schema'] === 'string' ? schema['$schema'].replace(/#$/, '') : DRAFT_07).toBe(DRAFT_07);
        expect({ stream: stream.name, valid: ajv.validateSchema(schema), errors: ajv.errors ?? null }).toEqual({
          stream: stream.name,
          valid: true,
          errors: null,
        });
        expect(() => ajv.compile(schema)).not.toThrow();
        expect(keywordUses(schema, ['$ref'])).toEqual([]);
        expect(schema['type']).toBe('object');
      }
    });

    acceptanceTest('discovery', `${where}: cursor and primary key fields exist in the schemas`, async () => {
      for (const stream of await streamsOf()) {
        if (stream.source_defined_cursor) expect(stream.default_cursor_field?.length ?? 0).toBeGreaterThan(0);
        if (stream.default_cursor_field) {
          expect({
            stream: stream.name,
            cursor: stream.default_cursor_field,
            exists: schemaHasPath(stream.json_schema, stream.default_cursor_field),
          }).toEqual({ stream: stream.name, cursor: stream.default_cursor_field, exists: true });
        }
        for (const path of stream.source_defined_primary_key ?? []) {
          expect({ stream: stream.name, key: path, exists: schemaHasPath(stream.json_schema, path) }).toEqual({
            stream: stream.name,
            key: path,
            exists: true,
          });
        }
      }
    });

    acceptanceTest('discovery', `${where}: supported sync modes (incremental where the cursor is source-defined)`, async () => {
      for (const stream of await streamsOf()) {
        expect(stream.supported_sync_modes.length).toBeGreaterThan(0);
        for (const mode of stream.supported_sync_modes) expect(['full_refresh', 'incremental']).toContain(mode);
        if (stream.source_defined_cursor) expect(stream.supported_sync_modes).toContain('incremental');
      }
    });
  }
});

// -------------------------------------------------------------------------------------- basic_read

function expectRecordsPresent(t: BasicReadTest, actual: RecordMessage[]): void {
  if (!t.expect_records?.path) return;
  const expectedLines = readProjectJsonLines(t.expect_records.path) as Array<{ stream: string; data: Record<string, unknown> }>;
  expect(expectedLines.length).toBeGreaterThan(0);
  const missing: unknown[] = [];
  let lastIndex = -1;
  let outOfOrder = 0;
  for (const wanted of expectedLines) {
    const index = actual.findIndex(
      (r) => r.stream === wanted.stream && r.data['id'] === wanted.data['id'] && isDeepStrictEqual(r.data, wanted.data),
    );
    if (index < 0) missing.push(wanted.data['id'] ?? wanted.data);
    else {
      if (index < lastIndex) outOfOrder += 1;
      lastIndex = index;
    }
  }
  expect({ missing, of: expectedLines.length }).toEqual({ missing: [], of: expectedLines.length });
  // As in CAT, records beyond the expected ones are allowed.
  if (t.expect_records.exact_order) expect(outOfOrder).toBe(0);
}

describe('basic_read', () => {
  for (const t of acceptance.basic_read) {
    const where = `${label(t.config_path)} + ${t.configured_catalog_path ?? 'the catalog built from discover'}`;
    const catalog = (): Promise<ConfiguredCatalog> => basicReadCatalog(t);

    acceptanceTest('basic_read', `${where}: exit 0, and every RECORD conforms to its discovered schema`, async () => {
      const run = await basicRead(t);
      expectSucceeded(run, 'read');
      const schemas = await discoveredSchemas(t.config_path);
      const ajv = createDraft07Ajv();
      const validators = new Map([...schemas].map(([name, schema]) => [name, ajv.compile(schema)]));
      const records = recordMessages(run);
      const invalid: unknown[] = [];
      for (const record of records) {
        const validate = validators.get(record.stream);
        if (!validate) invalid.push({ stream: record.stream, error: 'stream not in the discovered catalog' });
        else if (!validate(record.data)) invalid.push({ id: record.data['id'], errors: validate.errors });
        if (invalid.length >= 5) break;
      }
      expect(invalid).toEqual([]);
      // Every configured stream not declared empty has records.
      for (const stream of (await catalog()).streams) {
        if (t.empty_streams.some((empty) => empty.name === stream.stream.name)) continue;
        expect({ stream: stream.stream.name, hasRecords: records.some((r) => r.stream === stream.stream.name) }).toEqual({
          stream: stream.stream.name,
          hasRecords: true,
        });
      }
    });

    const expectedPath = t.expect_records?.path;
    if (expectedPath) {
      acceptanceTest(
        'basic_read',
        `${where}: every record of ${expectedPath} is read (exact_order: ${t.expect_records?.exact_order ?? false})`,
        async () => {
          expectRecordsPresent(t, recordMessages(await basicRead(t)));
        },
      );

      acceptanceTest(
        'basic_read',
        `${where}: every stream not declared empty has records in ${expectedPath} (high strictness)`,
        async () => {
          expect(streamsWithoutExpectedRecords(await catalog(), t.empty_streams, readProjectJsonLines(expectedPath))).toEqual([]);
        },
      );
    }

    acceptanceTest('basic_read', `${where}: STREAM_STATUS STARTED -> RUNNING -> COMPLETE per stream`, async () => {
      const run = await basicRead(t);
      for (const stream of (await catalog()).streams) {
        const statuses = streamStatusesOf(run, stream.stream.name);
        const started = statuses.indexOf('STARTED');
        const running = statuses.indexOf('RUNNING');
        expect({ stream: stream.stream.name, statuses: statuses.filter((s, i) => i === 0 || s !== statuses[i - 1]) }).toEqual({
          stream: stream.stream.name,
          statuses: ['STARTED', 'RUNNING', 'COMPLETE'],
        });
        expect(started).toBe(0);
        expect(running).toBeGreaterThan(started);
        expect(statuses.at(-1)).toBe('COMPLETE');
      }
    });

    acceptanceTest('basic_read', `${where}: every STATE carries sourceStats.recordCount`, async () => {
      const run = await basicRead(t);
      const states = stateMessagesOf(run);
      expect(states.length).toBeGreaterThan(0);
      expect(states.filter((s) => s.recordCount === undefined).map((s) => s.index)).toEqual([]);
      // The counts add up to the records emitted.
      expect(states.reduce((sum, s) => sum + (s.recordCount ?? 0), 0)).toBe(recordMessages(run).length);
    });

    acceptanceTest('basic_read', `${where}: a catalog naming an unknown stream fails with an ERROR trace`, async () => {
      const run = await runConnector('read', {
        config: readConfig(t.config_path),
        catalog: withUnknownStream(await catalog(), 'no_such_stream'),
      });
      expect(run.exitCode).not.toBe(0);
      expect(errorTraces(run).length).toBeGreaterThan(0);
      expect(recordMessages(run)).toHaveLength(0);
    });

    acceptanceTest('basic_read', `${where}: a catalog with an invalid sync mode fails with an ERROR trace`, async () => {
      const run = await runConnector('read', {
        config: readConfig(t.config_path),
        catalog: withInvalidSyncMode(await catalog(), 'append_only_sometimes'),
      });
      expect(run.exitCode).not.toBe(0);
      expect(errorTraces(run).length).toBeGreaterThan(0);
      expect(recordMessages(run)).toHaveLength(0);
    });
  }
});

// ------------------------------------------------------------------------------------ full_refresh

/** The cursor (epoch ms) a STATE holds for a stream, read at the stream's cursor field. */
function stateCursorMs(state: StateMessage, stream: ConfiguredStream): number {
  return instantMs(valueAt(state.streamState, cursorFieldOf(stream)));
}

const recordCursorMs = (record: RecordMessage, stream: ConfiguredStream): number => instantMs(valueAt(record.data, cursorFieldOf(stream)));

describe('full_refresh', () => {
  for (const t of acceptance.full_refresh) {
    const catalogPath = t.configured_catalog_path ?? DEFAULT_CATALOG_PATH;
    acceptanceTest('full_refresh', `${label(t.config_path)} + ${catalogPath}: two reads give the same records, emitted later`, async () => {
      const config = readConfig(t.config_path);
      const catalog = asFullRefresh(loadCatalog(catalogPath));
      const first = await runConnector('read', { config, catalog });
      expectSucceeded(first, 'first full refresh');
      const second = await runConnector('read', { config, catalog });
      expectSucceeded(second, 'second full refresh');
      const firstRecords = recordMessages(first);
      const secondRecords = recordMessages(second);
      expect(firstRecords.length).toBeGreaterThan(0);
      expect(Math.min(...secondRecords.map((r) => r.emitted_at))).toBeGreaterThan(Math.max(...firstRecords.map((r) => r.emitted_at)));

      for (const stream of catalog.streams) {
        const name = stream.stream.name;
        const key = primaryKeyOf(stream);
        const firstOf = firstRecords.filter((r) => r.stream === name);
        // The first read covered the time up to its last state's cursor; the second also covers
        // what was created since. Compare the records of that frozen past range.
        const lastState = stateMessagesOf(first)
          .filter((s) => s.stream === name)
          .at(-1);
        const upTo = lastState ? stateCursorMs(lastState, stream) : Number.POSITIVE_INFINITY;
        const keysOf = (records: RecordMessage[]): string[] => records.map((r) => recordKey(r.data, key)).sort();
        const firstKeys = keysOf(firstOf);
        expect(firstOf.filter((r) => recordCursorMs(r, stream) >= upTo)).toHaveLength(0);
        expect(new Set(firstKeys).size).toBe(firstKeys.length);
        const secondKeys = keysOf(secondRecords.filter((r) => r.stream === name && recordCursorMs(r, stream) < upTo));
        expect(secondKeys).toEqual(firstKeys);
      }
    });
  }
});

// ------------------------------------------------------------------------------------- incremental

/** At most `count` items, evenly spaced, first and last included. */
function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const picked = new Set<number>();
  for (let i = 0; i < count; i += 1) picked.add(Math.round((i * (items.length - 1)) / (count - 1)));
  return [...picked].map((index) => items[index] as T);
}

describe('incremental', () => {
  for (const t of acceptance.incremental) {
    const catalogPath = t.configured_catalog_path ?? DEFAULT_CATALOG_PATH;
    const where = `${label(t.config_path)} + ${catalogPath}`;
    const catalog = (): ConfiguredCatalog => asIncremental(loadCatalog(catalogPath));
    const firstRead = memo(() => runConnector('read', { config: readConfig(t.config_path), catalog: catalog() }));

    acceptanceTest('incremental', `${where}: a second read from the last STATE returns only newer records`, async () => {
      const first = await firstRead('');
      expectSucceeded(first, 'first incremental read');
      for (const stream of catalog().streams) {
        const name = stream.stream.name;
        const key = primaryKeyOf(stream);
        const firstRecords = recordMessages(first).filter((r) => r.stream === name);
        expect(firstRecords.length).toBeGreaterThan(0);
        const lastState = stateMessagesOf(first)
          .filter((s) => s.stream === name)
          .at(-1);
        if (!lastState) throw new Error(`the first read emitted no STATE for ${name}`);
        const second = await runConnector('read', { config: readConfig(t.config_path), catalog: catalog(), state: stateFile(lastState) });
        expectSucceeded(second, 'second incremental read');
        const secondRecords = recordMessages(second).filter((r) => r.stream === name);
        const cursor = stateCursorMs(lastState, stream);
        expect(secondRecords.filter((r) => recordCursorMs(r, stream) < cursor).map((r) => r.data['id'])).toEqual([]);
        const firstKeys = new Set(firstRecords.map((r) => recordKey(r.data, key)));
        expect(secondRecords.filter((r) => firstKeys.has(recordKey(r.data, key))).map((r) => r.data['id'])).toEqual([]);
        expect(secondRecords.map((r) => recordKey(r.data, key)).sort()).not.toEqual([...firstKeys].sort());
        expect(stateMessagesOf(second).length).toBeGreaterThan(0);
      }
    });

    acceptanceTest(
      'incremental',
      `${where}: a read from an intermediate STATE returns every record not yet counted (<= 5 STATEs)`,
      async () => {
        const first = await firstRead('');
        expectSucceeded(first, 'first incremental read');
        const config = readConfig(t.config_path);
        for (const stream of catalog().streams) {
          const name = stream.stream.name;
          const key = primaryKeyOf(stream);
          const states = stateMessagesOf(first).filter((s) => s.stream === name);
          const intermediate = evenlySpaced(states.slice(0, -1), 5);
          expect(intermediate.length).toBeGreaterThan(0);
          const runs = await Promise.all(
            intermediate.map((state) => runConnector('read', { config, catalog: catalog(), state: stateFile(state) })),
          );
          intermediate.forEach((state, i) => {
            const run = runs[i] as RunResult;
            expectSucceeded(run, `read from the STATE at message ${state.index}`);
            const resumed = recordMessages(run).filter((r) => r.stream === name);
            const cursor = stateCursorMs(state, stream);
            const notYetCounted = recordMessages({ ...first, messages: first.messages.slice(state.index + 1) })
              .filter((r) => r.stream === name)
              .map((r) => recordKey(r.data, key));
            const resumedKeys = new Set(resumed.map((r) => recordKey(r.data, key)));
            expect({ state: state.streamState, missing: notYetCounted.filter((k) => !resumedKeys.has(k)) }).toEqual({
              state: state.streamState,
              missing: [],
            });
            expect(resumed.filter((r) => recordCursorMs(r, stream) < cursor).map((r) => r.data['id'])).toEqual([]);
          });
        }
      },
    );

    const futureStatePath = t.future_state?.future_state_path;
    if (futureStatePath) {
      acceptanceTest(
        'incremental',
        `${where}: ${futureStatePath} holds a state for every incremental stream (high strictness)`,
        async () => {
          expect(streamsWithoutFutureState(catalog(), readProjectJson(futureStatePath), t.future_state?.missing_streams ?? [])).toEqual([]);
        },
      );

      acceptanceTest('incremental', `${where}: future state ${futureStatePath} gives 0 records and a STATE`, async () => {
        const run = await runConnector('read', {
          config: readConfig(t.config_path),
          catalog: catalog(),
          state: readProjectJson(futureStatePath),
        });
        expectSucceeded(run, 'read from the future state');
        expect(recordMessages(run)).toHaveLength(0);
        expect(stateMessagesOf(run).length).toBeGreaterThanOrEqual(1);
      });
    }
  }
});

// ---------------------------------------------------------------------- a real HTTP sync, in the image

describe('http_sync', () => {
  const API_KEY = 'rk-acceptance-CANARY-3d9e1f0a7b';
  let mock: MockRootly | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  acceptanceTest(
    'http_sync',
    'the image syncs every record of a mock Rootly server exactly once, with Bearer auth, without leaking the key',
    async () => {
      const now = Date.now();
      const start = new Date(now - 36 * 3_600_000);
      const data = generateDataset({ count: 400, start, end: new Date(now - 3_600_000), seed: 20_261_126 });
      mock = await startMockRootly({ apiKey: API_KEY, host: '127.0.0.1', port: 0, dataset: data });
      const config = {
        api_key: API_KEY,
        base_url: mock.url,
        backfill_start_time: new Date(start.getTime() - 3_600_000).toISOString(),
        settle_delay_seconds: 0,
      };
      const catalog = asIncremental(loadCatalog(DEFAULT_CATALOG_PATH));
      const run = await runConnector('read', { config, catalog }, { networkMode: 'host' });
      expectSucceeded(run, 'read against the mock');
      const ids = recordMessages(run).map((r) => String(r.data['id']));
      expect(ids).toHaveLength(data.length);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(data.map((r) => r.id).sort());
      expect(mock.requests.length).toBeGreaterThan(0);
      expect(mock.requests.filter((r) => r.authorization !== 'valid').map((r) => `${r.authorization} ${r.url}`)).toEqual([]);
      expect(mock.requests.filter((r) => r.url.includes(API_KEY)).map((r) => r.url)).toEqual([]);
      expect(run.stdout.includes(API_KEY)).toBe(false);
      expect(run.stderr.includes(API_KEY)).toBe(false);
    },
  );
});

// ----------------------------------------------------------------------------------- image content

/** The registry packages package.json declares for production (what the licence notice names). */
function productionDependencies(): Record<string, string> {
  const manifest = readProjectJson('package.json');
  const dependencies = isObject(manifest) ? manifest['dependencies'] : undefined;
  const declared = isObject(dependencies) ? (dependencies as Record<string, string>) : {};
  return Object.fromEntries(Object.entries(declared).filter(([name]) => !isOwnWorkspace(name)));
}

/** The project's own workspaces are linked, not installed: first-party code, bundled without a notice. */
function isOwnWorkspace(name: string): boolean {
  const lock = readProjectJson('package-lock.json');
  const packages = isObject(lock) ? lock['packages'] : undefined;
  const entry = isObject(packages) ? packages[`node_modules/${name}`] : undefined;
  return isObject(entry) && entry['link'] === true;
}

describe('image_contents', () => {
  acceptanceTest(
    'image_contents',
    'the code is the bundle alone: no node_modules, no dev-only package in it (per package-lock.json), no mock server',
    async () => {
      const script = [
        'cd /airbyte/integration_code',
        'find . -mindepth 1 | sort',
        'echo "--- bundled packages"',
        // THIRD-PARTY-LICENSES.txt names each bundled package as "name@version (licence)".
        "grep -E '^[^ ]+@[0-9][^ ]* [(]' THIRD-PARTY-LICENSES.txt | sed -E 's/@[0-9][^ ]* .*$//'",
        'echo "--- mock server"',
        'grep -l startMockRootly ./*.mjs; true',
      ].join('\n');
      const run = await runContainer(['-c', script], { entrypoint: ['/bin/sh'] });
      expect(run.exitCode).toBe(0);
      const [files = [], packages = [], mock = []] = run.stdout.split(/^--- .*$/m).map((section) =>
        section
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      );
      // One directory of bundle files, the spec and the licences of what the bundle holds; nothing installed.
      expect(files).toContain('./main.mjs');
      expect(
        files.filter((file) => !/^\.\/[\w.-]+\.mjs$/.test(file) && !['./THIRD-PARTY-LICENSES.txt', './spec.json'].includes(file)),
      ).toEqual([]);
      // The test and build tool chain is not in the bundle, nor anything package-lock.json marks dev-only...
      const lock = lockfilePackages();
      expect(packages.length).toBeGreaterThan(10);
      expect(packages.filter((name) => lock.devOnly.has(name) && !lock.production.has(name))).toEqual([]);
      expect(
        packages.filter((name) => name.startsWith('@types/') || ['jest', 'typescript', 'testcontainers', 'esbuild'].includes(name)),
      ).toEqual([]);
      // ...while every production dependency is.
      for (const dependency of Object.keys(productionDependencies())) expect(packages).toContain(dependency);
      expect(mock).toEqual([]);
    },
  );

  acceptanceTest('image_contents', 'the image holds no secrets, configs, tests or sources beyond the compiled code', async () => {
    // Anything that could carry a key or a token: secret folders, env and npm credential files,
    // configs and states, the repository, tests and TypeScript sources.
    const script = [
      // Public CA certificates of the base image (/etc/ssl, ca-certificates) are not secrets.
      'find / -xdev \\( -path /proc -o -path /sys -o -path /usr/local/lib/node_modules -o -path /etc/ssl -o -path /usr/local/share/ca-certificates -o -path /usr/share/ca-certificates \\) -prune -o \\(',
      '  -name secrets -o -name ".env*" -o -name ".npmrc" -o -name "*.pem" -o -name "config.json" -o -name ".git"',
      '  -o -path "/airbyte/*/integration_tests*" -o -path "/airbyte/*/test*" -o -path "/airbyte/*/src*" \\) -print 2>/dev/null; true',
    ].join(' ');
    const run = await runContainer(['-c', script], { entrypoint: ['/bin/sh'] });
    expect(run.exitCode).toBe(0);
    const found = run.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    expect(found).toEqual([]);
  });
});
