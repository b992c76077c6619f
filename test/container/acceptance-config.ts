/**
 * acceptance-test-config.yml, parsed and checked. Parsed as YAML 1.1, as Airbyte's Python runner
 * (PyYAML) reads it, so that `exact_order: no` is the boolean false.
 *
 * `secrets/config.json` is git-ignored and holds a real Rootly key when present. Without it the
 * runner uses integration_tests/sample_config.json (synthetic data) in its place.
 */
import { parse } from 'yaml';
import { catConfigProblems } from './cat-config-check.js';
import { CAT_MODELS, pydanticBool, type ModelName } from './cat-config-model.js';
import { isObject, projectFileExists, readProjectJson, readProjectText } from './project.js';

export interface BackwardCompatibility {
  previous_connector_version: string;
  disable_for_version?: string;
}
export interface SpecTest {
  spec_path: string;
  config_path: string;
  backward_compatibility: BackwardCompatibility;
}
export interface ConnectionTest {
  config_path: string;
  status: 'succeed' | 'failed' | 'exception';
}
export interface DiscoveryTest {
  config_path: string;
  backward_compatibility: BackwardCompatibility;
}
/** CAT's expect_records: a file of records that must all be read (extra records are allowed), or a reason not to. */
export interface ExpectRecords {
  path?: string;
  bypass_reason?: string;
  exact_order: boolean;
}
export interface NamedReason {
  name: string;
  bypass_reason?: string;
}
export interface BasicReadTest {
  config_path: string;
  /** Absent at high strictness: the catalog is then built from discover, as CAT does. */
  configured_catalog_path?: string;
  expect_records?: ExpectRecords;
  empty_streams: NamedReason[];
}
export interface FullRefreshTest {
  config_path: string;
  configured_catalog_path?: string;
}
export interface FutureState {
  future_state_path?: string;
  bypass_reason?: string;
  missing_streams: NamedReason[];
}
export interface IncrementalTest {
  config_path: string;
  configured_catalog_path?: string;
  future_state?: FutureState;
}

export interface AcceptanceConfig {
  connector_image: string;
  test_strictness_level: 'high' | 'low';
  spec: SpecTest[];
  connection: ConnectionTest[];
  discovery: DiscoveryTest[];
  basic_read: BasicReadTest[];
  full_refresh: FullRefreshTest[];
  incremental: IncrementalTest[];
}

export const SECRET_CONFIG_PATH = 'secrets/config.json';
export const SYNTHETIC_CONFIG_PATH = 'integration_tests/sample_config.json';

type Entry = Record<string, unknown>;

/** A field's value, or CAT's default for it (from the model table). */
function valueOf(entry: Entry, model: ModelName, key: string): unknown {
  const value = entry[key];
  return value === undefined || value === null ? CAT_MODELS[model].fields[key]?.default : value;
}

/** A string field (checked by cat-config-check.ts), or CAT's default for it. */
const stringOf = (entry: Entry, model: ModelName, key: string): string => String(valueOf(entry, model, key));

const optional = (entry: Entry, key: string): string | undefined => (typeof entry[key] === 'string' ? entry[key] : undefined);

/** The `tests` entries of one section (none when it is absent or skipped with a bypass_reason). */
function sectionTests(sections: Entry, section: string): Entry[] {
  const value = sections[section];
  const tests = isObject(value) ? value['tests'] : undefined;
  return Array.isArray(tests) ? tests.filter(isObject) : [];
}

function backwardCompatibility(entry: Entry): BackwardCompatibility {
  const config = isObject(entry['backward_compatibility_tests_config']) ? entry['backward_compatibility_tests_config'] : {};
  return {
    previous_connector_version: stringOf(config, 'BackwardCompatibilityTestsConfig', 'previous_connector_version'),
    disable_for_version: optional(config, 'disable_for_version'),
  };
}

const namedReasons = (list: unknown): NamedReason[] =>
  (Array.isArray(list) ? list.filter(isObject) : []).map((item) => ({
    name: String(item['name']),
    bypass_reason: optional(item, 'bypass_reason'),
  }));

function basicRead(entry: Entry): BasicReadTest {
  const expect = entry['expect_records'];
  return {
    config_path: stringOf(entry, 'BasicReadTestConfig', 'config_path'),
    configured_catalog_path: optional(entry, 'configured_catalog_path'),
    expect_records: isObject(expect)
      ? {
          path: optional(expect, 'path'),
          bypass_reason: optional(expect, 'bypass_reason'),
          exact_order: pydanticBool(valueOf(expect, 'ExpectedRecordsConfig', 'exact_order')) === true,
        }
      : undefined,
    empty_streams: namedReasons(entry['empty_streams']),
  };
}

function incremental(entry: Entry): IncrementalTest {
  const future = entry['future_state'];
  return {
    config_path: stringOf(entry, 'IncrementalConfig', 'config_path'),
    configured_catalog_path: optional(entry, 'configured_catalog_path'),
    future_state: isObject(future)
      ? {
          future_state_path: optional(future, 'future_state_path'),
          bypass_reason: optional(future, 'bypass_reason'),
          missing_streams: namedReasons(future['missing_streams']),
        }
      : undefined,
  };
}

/**
 * Parses acceptance-test-config.yml as CAT does: YAML 1.1 (PyYAML, so `exact_order: no` is false),
 * then every key and rule of CAT's config model (cat-config-check.ts); any problem fails the load,
 * listing all of them, before a test runs.
 */
export function parseAcceptanceConfig(text: string): AcceptanceConfig {
  const document = parse(text, { version: '1.1' }) as unknown;
  const problems = catConfigProblems(document);
  if (problems.length > 0 || !isObject(document)) {
    throw new Error(`acceptance-test-config.yml is not a config Airbyte's CAT loads:\n  ${problems.join('\n  ')}`);
  }
  const sections = document['acceptance_tests'] as Entry;
  return {
    connector_image: document['connector_image'] as string,
    test_strictness_level: stringOf(document, 'Config', 'test_strictness_level') as AcceptanceConfig['test_strictness_level'],
    spec: sectionTests(sections, 'spec').map((entry) => ({
      spec_path: stringOf(entry, 'SpecTestConfig', 'spec_path'),
      config_path: stringOf(entry, 'SpecTestConfig', 'config_path'),
      backward_compatibility: backwardCompatibility(entry),
    })),
    connection: sectionTests(sections, 'connection').map((entry) => ({
      config_path: stringOf(entry, 'ConnectionTestConfig', 'config_path'),
      status: stringOf(entry, 'ConnectionTestConfig', 'status') as ConnectionTest['status'],
    })),
    discovery: sectionTests(sections, 'discovery').map((entry) => ({
      config_path: stringOf(entry, 'DiscoveryTestConfig', 'config_path'),
      backward_compatibility: backwardCompatibility(entry),
    })),
    basic_read: sectionTests(sections, 'basic_read').map(basicRead),
    full_refresh: sectionTests(sections, 'full_refresh').map((entry) => ({
      config_path: stringOf(entry, 'FullRefreshConfig', 'config_path'),
      configured_catalog_path: optional(entry, 'configured_catalog_path'),
    })),
    incremental: sectionTests(sections, 'incremental').map(incremental),
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

/** The JSON content of a config_path of the yml, after the secrets → sample mapping. */
export const readConfig = (configPath: string): unknown => readProjectJson(resolveConfigPath(configPath));
