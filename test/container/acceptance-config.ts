/**
 * acceptance-test-config.yml, parsed and checked. Parsed as YAML 1.1, as Airbyte's Python runner
 * (PyYAML) reads it, so that `exact_order: no` is the boolean false.
 *
 * `secrets/config.json` is git-ignored and holds a real Rootly key when present. Without it the
 * runner uses integration_tests/sample_config.json (synthetic data) in its place.
 */
import { parse } from 'yaml';
import { isObject, projectFileExists, readProjectJson, readProjectText } from './project.js';

export interface SpecTest { spec_path: string }
export interface ConnectionTest { config_path: string; status: 'succeed' | 'failed' | 'exception' }
export interface DiscoveryTest { config_path: string }
export interface ExpectRecords { path: string; exact_order: boolean; extra_records: boolean }
export interface BasicReadTest {
  config_path: string;
  configured_catalog_path: string;
  expect_records?: ExpectRecords;
  empty_streams: string[];
}
export interface FullRefreshTest { config_path: string; configured_catalog_path: string }
export interface IncrementalTest { config_path: string; configured_catalog_path: string; future_state_path?: string }

export interface AcceptanceConfig {
  connector_image: string;
  test_strictness_level?: string;
  spec: SpecTest[];
  connection: ConnectionTest[];
  discovery: DiscoveryTest[];
  basic_read: BasicReadTest[];
  full_refresh: FullRefreshTest[];
  incremental: IncrementalTest[];
}

export const SECRET_CONFIG_PATH = 'secrets/config.json';
export const SYNTHETIC_CONFIG_PATH = 'integration_tests/sample_config.json';
const DEFAULT_CATALOG_PATH = 'integration_tests/configured_catalog.json';

function fail(where: string, message: string): never {
  throw new Error(`acceptance-test-config.yml: ${where}: ${message}`);
}

function str(entry: Record<string, unknown>, key: string, where: string): string {
  const value = entry[key];
  if (typeof value !== 'string' || value.length === 0) fail(where, `'${key}' must be a non-empty string`);
  return value;
}

function optionalStr(entry: Record<string, unknown>, key: string, where: string): string | undefined {
  return entry[key] === undefined ? undefined : str(entry, key, where);
}

function bool(value: unknown, fallback: boolean, where: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(where, `expected a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/** The `tests` list of one section (an absent section has none). */
function sectionTests(tests: Record<string, unknown>, section: string): Array<Record<string, unknown>> {
  const value = tests[section];
  if (value === undefined || value === null) return [];
  if (!isObject(value)) fail(section, 'must be a mapping with a `tests` list');
  if (value['bypass_reason'] !== undefined) return [];
  const list = value['tests'];
  if (!Array.isArray(list)) fail(section, '`tests` must be a list');
  return list.map((entry, index) => {
    if (!isObject(entry)) fail(`${section}.tests[${index}]`, 'must be a mapping');
    return entry;
  });
}

export function parseAcceptanceConfig(text: string): AcceptanceConfig {
  const document = parse(text, { version: '1.1' }) as unknown;
  if (!isObject(document)) fail('top level', 'must be a mapping');
  const tests = document['acceptance_tests'];
  if (!isObject(tests)) fail('acceptance_tests', 'must be a mapping');
  const level = document['test_strictness_level'];
  return {
    connector_image: str(document, 'connector_image', 'top level'),
    test_strictness_level: typeof level === 'string' ? level : undefined,
    spec: sectionTests(tests, 'spec').map((entry, i) => ({ spec_path: str(entry, 'spec_path', `spec.tests[${i}]`) })),
    connection: sectionTests(tests, 'connection').map((entry, i) => {
      const where = `connection.tests[${i}]`;
      const status = str(entry, 'status', where);
      if (status !== 'succeed' && status !== 'failed' && status !== 'exception') fail(where, `unknown status '${status}'`);
      return { config_path: str(entry, 'config_path', where), status };
    }),
    discovery: sectionTests(tests, 'discovery').map((entry, i) => ({ config_path: str(entry, 'config_path', `discovery.tests[${i}]`) })),
    basic_read: sectionTests(tests, 'basic_read').map((entry, i) => {
      const where = `basic_read.tests[${i}]`;
      const expect = entry['expect_records'];
      let expectRecords: ExpectRecords | undefined;
      if (expect !== undefined) {
        if (!isObject(expect)) fail(`${where}.expect_records`, 'must be a mapping');
        expectRecords = {
          path: str(expect, 'path', `${where}.expect_records`),
          exact_order: bool(expect['exact_order'], false, `${where}.expect_records.exact_order`),
          extra_records: bool(expect['extra_records'], true, `${where}.expect_records.extra_records`),
        };
      }
      const empty = entry['empty_streams'] ?? [];
      if (!Array.isArray(empty)) fail(where, '`empty_streams` must be a list');
      return {
        config_path: str(entry, 'config_path', where),
        configured_catalog_path: optionalStr(entry, 'configured_catalog_path', where) ?? DEFAULT_CATALOG_PATH,
        expect_records: expectRecords,
        empty_streams: empty.map((stream) => (isObject(stream) && typeof stream['name'] === 'string' ? stream['name'] : String(stream))),
      };
    }),
    full_refresh: sectionTests(tests, 'full_refresh').map((entry, i) => {
      const where = `full_refresh.tests[${i}]`;
      return {
        config_path: str(entry, 'config_path', where),
        configured_catalog_path: optionalStr(entry, 'configured_catalog_path', where) ?? DEFAULT_CATALOG_PATH,
      };
    }),
    incremental: sectionTests(tests, 'incremental').map((entry, i) => {
      const where = `incremental.tests[${i}]`;
      const future = entry['future_state'];
      if (future !== undefined && !isObject(future)) fail(`${where}.future_state`, 'must be a mapping');
      return {
        config_path: str(entry, 'config_path', where),
        configured_catalog_path: optionalStr(entry, 'configured_catalog_path', where) ?? DEFAULT_CATALOG_PATH,
        future_state_path: future === undefined ? undefined : optionalStr(future, 'future_state_path', `${where}.future_state`),
      };
    }),
  };
}

export function loadAcceptanceConfig(): AcceptanceConfig {
  return parseAcceptanceConfig(readProjectText('acceptance-test-config.yml'));
}

let announced = false;

/**
 * The project file a config_path of the yml is read from: secrets/config.json when it exists,
 * else integration_tests/sample_config.json (synthetic mode). Says once which one is used.
 */
export function resolveConfigPath(configPath: string): string {
  if (configPath !== SECRET_CONFIG_PATH) return configPath;
  const resolved = projectFileExists(SECRET_CONFIG_PATH) ? SECRET_CONFIG_PATH : SYNTHETIC_CONFIG_PATH;
  if (!announced) {
    announced = true;
    const mode = resolved === SECRET_CONFIG_PATH ? 'live mode: the real Rootly API' : 'synthetic mode: no secrets/config.json';
    process.stdout.write(`[acceptance] ${SECRET_CONFIG_PATH} -> ${resolved} (${mode})\n`);
  }
  return resolved;
}

/** True when the tests run against generated data rather than a real Rootly account. */
export const isSyntheticMode = (): boolean => !projectFileExists(SECRET_CONFIG_PATH);

/** The JSON content of a config_path of the yml, after the secrets → sample mapping. */
export const readConfig = (configPath: string): unknown => readProjectJson(resolveConfigPath(configPath));
