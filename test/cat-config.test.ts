/**
 * The project's acceptance runner reads acceptance-test-config.yml with the rules of Airbyte's
 * Connector Acceptance Test: each mistake CAT refuses is refused here too, before any container runs.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { parseAcceptanceConfig } from './container/acceptance-config.js';
import { catalogFromDiscovered, type DiscoveredStreamShape } from './container/catalog.js';
import { CAT_CONFIG_SOURCE, CAT_MODELS } from './container/cat-config-model.js';
import { streamsWithoutExpectedRecords, streamsWithoutFutureState } from './container/cat-runtime-rules.js';

const PROJECT_CONFIG = readFileSync(new URL('../acceptance-test-config.yml', import.meta.url), 'utf8');
const metadata = parse(readFileSync(new URL('../metadata.yaml', import.meta.url), 'utf8')) as { data: Record<string, string> };

type Doc = Record<string, unknown> & {
  acceptance_tests: Record<string, { tests?: Array<Record<string, unknown>>; bypass_reason?: string }>;
};

/** The project's config as a plain object, to change one thing at a time. */
const projectDoc = (): Doc => parse(PROJECT_CONFIG, { version: '1.1' }) as Doc;
const firstTest = (doc: Doc, section: string): Record<string, unknown> =>
  doc.acceptance_tests[section]?.tests?.[0] as Record<string, unknown>;

function rejection(doc: unknown): string {
  try {
    parseAcceptanceConfig(typeof doc === 'string' ? doc : stringify(doc));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe("the project's acceptance-test-config.yml", () => {
  test('loads under CAT rules at high strictness, with CAT defaults filled in', () => {
    const config = parseAcceptanceConfig(PROJECT_CONFIG);
    expect(config.test_strictness_level).toBe('high');
    expect(config.basic_read[0]?.configured_catalog_path).toBeUndefined();
    expect(config.basic_read[0]?.expect_records).toEqual({
      path: 'integration_tests/expected_records.jsonl',
      bypass_reason: undefined,
      exact_order: false,
    });
    expect(config.incremental[0]?.future_state?.future_state_path).toBe('integration_tests/abnormal_state.json');
  });

  test('names the image of metadata.yaml, outside the airbyte/ namespace', () => {
    const { connector_image: image } = parseAcceptanceConfig(PROJECT_CONFIG);
    expect(image).toBe(`${metadata.data['dockerRepository']}:dev`);
    expect(image.startsWith('airbyte/')).toBe(false);
  });

  test('disables the backward-compatibility tests for its own version on spec and discovery, so a first release needs no published :latest', () => {
    const config = parseAcceptanceConfig(PROJECT_CONFIG);
    for (const t of [...config.spec, ...config.discovery]) {
      expect(t.backward_compatibility).toEqual({
        previous_connector_version: 'latest',
        disable_for_version: metadata.data['dockerImageTag'],
      });
    }
  });

  test('the model table names its source', () => {
    expect(CAT_CONFIG_SOURCE).toMatch(/airbytehq\/airbyte@71b99465 .*connector_acceptance_test\/config\.py/);
    expect(Object.keys(CAT_MODELS['ExpectedRecordsConfig'].fields).sort()).toEqual(['bypass_reason', 'exact_order', 'path']);
  });
});

describe('mistakes CAT refuses are refused', () => {
  test('an unknown key (extra_records under expect_records), with the location CAT gives', () => {
    const doc = projectDoc();
    (firstTest(doc, 'basic_read')['expect_records'] as Record<string, unknown>)['extra_records'] = true;
    expect(rejection(doc)).toContain(
      'acceptance_tests -> basic_read -> tests -> 0 -> expect_records -> extra_records: extra fields not permitted',
    );
  });

  test.each([
    ['at the top level', (doc: Doc) => void (doc['connector_name'] = 'x'), 'connector_name'],
    [
      'in a spec test',
      (doc: Doc) => void (firstTest(doc, 'spec')['spec_file'] = 'spec.json'),
      'acceptance_tests -> spec -> tests -> 0 -> spec_file',
    ],
    [
      'in a section, which CAT would silently ignore',
      (doc: Doc) => void ((doc.acceptance_tests['spec'] as Record<string, unknown>)['test'] = []),
      'acceptance_tests -> spec -> test',
    ],
    [
      'in future_state',
      (doc: Doc) => void ((firstTest(doc, 'incremental')['future_state'] as Record<string, unknown>)['path'] = 'x'),
      'future_state -> path',
    ],
  ])('an unknown key %s', (_where, change, location) => {
    const doc = projectDoc();
    change(doc);
    expect(rejection(doc)).toContain(`${location}: extra fields not permitted`);
  });

  test('a custom configured catalog in basic_read at high strictness (but not at low)', () => {
    const doc = projectDoc();
    firstTest(doc, 'basic_read')['configured_catalog_path'] = 'integration_tests/configured_catalog.json';
    expect(rejection(doc)).toContain("you can't set a custom configured catalog on the basic read test when strictness level is high");
    doc['test_strictness_level'] = 'low';
    expect(parseAcceptanceConfig(stringify(doc)).basic_read[0]?.configured_catalog_path).toBe('integration_tests/configured_catalog.json');
  });

  test.each(['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental'])(
    'a missing %s section at high strictness (a bypass_reason skips it)',
    (section) => {
      const doc = projectDoc();
      Reflect.deleteProperty(doc.acceptance_tests, section);
      expect(rejection(doc)).toContain(`acceptance_tests -> ${section}: it was not configured but must be`);
      doc.acceptance_tests[section] = { bypass_reason: 'not applicable to this connector' };
      expect(() => parseAcceptanceConfig(stringify(doc))).not.toThrow();
    },
  );

  test('a section with both tests and a bypass_reason', () => {
    const doc = projectDoc();
    (doc.acceptance_tests['connection'] as Record<string, unknown>)['bypass_reason'] = 'flaky';
    expect(rejection(doc)).toContain("You can't set a bypass_reason if tests are set.");
  });

  test('basic_read without expect_records at high strictness; a bypass_reason alone is accepted', () => {
    const doc = projectDoc();
    delete firstTest(doc, 'basic_read')['expect_records'];
    expect(rejection(doc)).toContain('expect_records must be configured for the basic_read test');
    firstTest(doc, 'basic_read')['expect_records'] = { bypass_reason: 'a live account has no fixed records' };
    expect(parseAcceptanceConfig(stringify(doc)).basic_read[0]?.expect_records?.bypass_reason).toBe('a live account has no fixed records');
  });

  test.each([
    ['both a path and a bypass_reason', { path: 'x.jsonl', bypass_reason: 'why' }, "You can't set a bypass_reason if a path is set"],
    ['neither a path nor a bypass_reason', { exact_order: true }, 'A path or a bypass_reason must be set'],
  ])('expect_records with %s', (_label, expectRecords, message) => {
    const doc = projectDoc();
    firstTest(doc, 'basic_read')['expect_records'] = expectRecords;
    expect(rejection(doc)).toContain(message);
  });

  test('an empty stream without a bypass_reason at high strictness', () => {
    const doc = projectDoc();
    firstTest(doc, 'basic_read')['empty_streams'] = [{ name: 'audit_logs' }];
    expect(rejection(doc)).toContain('A bypass_reason must be filled in for all empty streams');
  });

  test('incremental without future_state at high strictness; a bypass_reason alone is accepted', () => {
    const doc = projectDoc();
    delete firstTest(doc, 'incremental')['future_state'];
    expect(rejection(doc)).toContain('a future state configuration must be provided in high test strictness level');
    firstTest(doc, 'incremental')['future_state'] = { bypass_reason: 'no cursor' };
    expect(() => parseAcceptanceConfig(stringify(doc))).not.toThrow();
  });

  test('a future_state missing stream without a bypass_reason at high strictness', () => {
    const doc = projectDoc();
    (firstTest(doc, 'incremental')['future_state'] as Record<string, unknown>)['missing_streams'] = [{ name: 'audit_logs' }];
    expect(rejection(doc)).toContain('all missing_streams must have a bypass reason specified');
  });

  test.each([
    [
      'a connection status CAT does not know',
      (doc: Doc) => void (firstTest(doc, 'connection')['status'] = 'success'),
      'status: value is not a valid enumeration member',
    ],
    [
      'a version that is not semantic',
      (doc: Doc) => void (firstTest(doc, 'spec')['backward_compatibility_tests_config'] = { disable_for_version: 'v1' }),
      'disable_for_version: must be a semantic version',
    ],
    [
      'a negative timeout',
      (doc: Doc) => void (firstTest(doc, 'discovery')['timeout_seconds'] = -1),
      'timeout_seconds: ensure this value is an integer greater than or equal to 0',
    ],
    [
      'an unknown strictness level',
      (doc: Doc) => void (doc['test_strictness_level'] = 'strict'),
      'test_strictness_level: value is not a valid enumeration member',
    ],
    ['no connector_image', (doc: Doc) => void Reflect.deleteProperty(doc, 'connector_image'), 'connector_image: field required'],
  ])('%s', (_label, change, message) => {
    const doc = projectDoc();
    change(doc);
    expect(rejection(doc)).toContain(message);
  });

  test('every problem is reported at once', () => {
    const doc = projectDoc();
    delete firstTest(doc, 'incremental')['future_state'];
    firstTest(doc, 'basic_read')['configured_catalog_path'] = 'c.json';
    const message = rejection(doc);
    expect(message).toContain('configured_catalog_path');
    expect(message).toContain('future_state');
  });
});

describe('YAML 1.1 booleans, as PyYAML reads them', () => {
  test.each([
    ['no', false],
    ['yes', true],
    ['off', false],
    ['on', true],
  ])('exact_order: %s is %p', (word, value) => {
    const text = PROJECT_CONFIG.replace('exact_order: no', `exact_order: ${word}`);
    expect(parseAcceptanceConfig(text).basic_read[0]?.expect_records?.exact_order).toBe(value);
  });

  test('a quoted "no" is false as pydantic reads it (not a truthy string); a word pydantic does not know is refused', () => {
    expect(
      parseAcceptanceConfig(PROJECT_CONFIG.replace('exact_order: no', 'exact_order: "no"')).basic_read[0]?.expect_records?.exact_order,
    ).toBe(false);
    expect(rejection(PROJECT_CONFIG.replace('exact_order: no', 'exact_order: "nope"'))).toContain(
      'exact_order: value could not be parsed to a boolean',
    );
  });
});

describe('rules CAT applies once the catalog is known', () => {
  const stream = (name: string, modes: string[]): DiscoveredStreamShape => ({
    name,
    json_schema: {},
    supported_sync_modes: modes,
    default_cursor_field: ['created_at'],
    source_defined_primary_key: [['id']],
  });

  test('basic_read reads every discovered stream but the empty ones, in its first sync mode, appended', () => {
    const catalog = catalogFromDiscovered(
      [stream('audit_logs', ['full_refresh', 'incremental']), stream('other', ['incremental'])],
      ['other'],
    );
    expect(catalog.streams.map((s) => [s.stream.name, s.sync_mode, s.destination_sync_mode, s.cursor_field, s.primary_key])).toEqual([
      ['audit_logs', 'full_refresh', 'append', ['created_at'], [['id']]],
    ]);
  });

  test('a stream with no expected record and not declared empty is reported', () => {
    const catalog = catalogFromDiscovered([stream('audit_logs', ['full_refresh']), stream('users', ['full_refresh'])]);
    const lines = [{ stream: 'audit_logs', data: {}, emitted_at: 0 }];
    expect(streamsWithoutExpectedRecords(catalog, [], lines)).toEqual(['users']);
    expect(streamsWithoutExpectedRecords(catalog, [{ name: 'users', bypass_reason: 'no users in the sandbox' }], lines)).toEqual([]);
  });

  test('an incremental stream without a future state and not declared missing is reported', () => {
    const catalog = catalogFromDiscovered([stream('audit_logs', ['full_refresh', 'incremental']), stream('users', ['full_refresh'])]);
    expect(streamsWithoutFutureState(catalog, [], [])).toEqual(['audit_logs']);
    const states = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'audit_logs' }, stream_state: {} } }];
    expect(streamsWithoutFutureState(catalog, states, [])).toEqual([]);
    expect(streamsWithoutFutureState(catalog, [], [{ name: 'audit_logs', bypass_reason: 'why' }])).toEqual([]);
  });
});
