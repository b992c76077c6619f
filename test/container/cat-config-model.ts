/**
 * The keys Airbyte's Connector Acceptance Test (CAT) accepts in acceptance-test-config.yml, as data.
 *
 * Source: airbytehq/airbyte, airbyte-integrations/bases/connector-acceptance-test/
 * connector_acceptance_test/config.py at commit 71b99465 (pydantic v1 models). Every model there
 * derives from BaseConfig (`extra = "forbid"`: an unknown key fails the whole config before any test
 * runs), except the per-section GenericTestConfig, which silently ignores unknown keys; this runner
 * rejects those too, since a key CAT ignores is a test its author believes configured.
 * Defaults are CAT's. When CAT changes, change this table (and its commit) only.
 */

export const CAT_CONFIG_SOURCE =
  'airbytehq/airbyte@71b99465 airbyte-integrations/bases/connector-acceptance-test/connector_acceptance_test/config.py';

/** Pydantic's SEMVER_REGEX of config.py, anchored as pydantic v1 `regex=` fields are matched. */
export const SEMVER = /^(0|(?:[1-9]\d*))(?:\.(0|(?:[1-9]\d*))(?:\.(0|(?:[1-9]\d*)))?(?:-([\w][\w.\-_]*))?)?$/;

const PYDANTIC_TRUE = ['1', 'on', 't', 'true', 'y', 'yes'];
const PYDANTIC_FALSE = ['0', 'off', 'f', 'false', 'n', 'no'];

/**
 * A boolean field's value as pydantic v1 reads it: a boolean, 0 or 1, or one of its words in any
 * case (a quoted "no" is false, where a JavaScript truthiness test would take it as true);
 * undefined when pydantic would refuse it.
 */
export function pydanticBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return PYDANTIC_TRUE.includes(word) ? true : PYDANTIC_FALSE.includes(word) ? false : undefined;
}

export type ModelName =
  | 'Config'
  | 'AcceptanceTestConfigurations'
  | 'Section'
  | 'SpecTestConfig'
  | 'ConnectionTestConfig'
  | 'DiscoveryTestConfig'
  | 'BasicReadTestConfig'
  | 'FullRefreshConfig'
  | 'IncrementalConfig'
  | 'ConnectorAttributesConfig'
  | 'TestConnectorDocumentationConfig'
  | 'BackwardCompatibilityTestsConfig'
  | 'OAuthTestConfig'
  | 'ExpectedRecordsConfig'
  | 'EmptyStreamConfiguration'
  | 'IgnoredFieldsConfiguration'
  | 'NoPrimaryKeyConfiguration'
  | 'BypassOnly'
  | 'FileTypesConfig'
  | 'UnsupportedFileTypeConfig'
  | 'ClientContainerConfig'
  | 'FutureStateConfig'
  | 'FutureStateCursorFormatConfiguration'
  | 'FutureStateCursorFormatStreamConfiguration';

/** What a key's value must be. */
export type FieldType =
  | { kind: 'string' | 'boolean' | 'mapping' | 'string-list' }
  | { kind: 'non-negative-integer' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'regex'; pattern: RegExp; meaning: string }
  | { kind: 'model'; model: ModelName }
  | { kind: 'list'; model: ModelName }
  /** A mapping of names to lists of a model (full_refresh `ignored_fields`). */
  | { kind: 'map-of-lists'; model: ModelName };

export interface FieldDefinition {
  type: FieldType;
  required?: boolean;
  default?: string | boolean;
}

export interface ModelDefinition {
  /** The pydantic class of config.py. */
  pythonClass: string;
  /** 'ignore' where pydantic silently drops unknown keys (GenericTestConfig). */
  extra: 'forbid' | 'ignore';
  fields: Record<string, FieldDefinition>;
}

const t = {
  string: { type: { kind: 'string' } },
  boolean: { type: { kind: 'boolean' } },
  timeout: { type: { kind: 'non-negative-integer' } },
  deploymentMode: { type: { kind: 'regex', pattern: /^(cloud|oss)$/, meaning: 'cloud or oss' } },
  configPath: { type: { kind: 'string' }, default: 'secrets/config.json' },
  catalogPath: { type: { kind: 'string' } },
  bypassReason: { type: { kind: 'string' } },
  semver: { type: { kind: 'regex', pattern: SEMVER, meaning: 'a semantic version such as "0.1.0", quoted' } },
  model: (model: ModelName): FieldDefinition => ({ type: { kind: 'model', model } }),
  list: (model: ModelName): FieldDefinition => ({ type: { kind: 'list', model } }),
} satisfies Record<string, FieldDefinition | ((model: ModelName) => FieldDefinition)>;

const named = (pythonClass: string): ModelDefinition => ({
  pythonClass,
  extra: 'forbid',
  fields: { name: { type: { kind: 'string' }, required: true }, bypass_reason: t.bypassReason },
});
const bypassOnly: ModelDefinition = {
  pythonClass: 'AllowedHostsConfiguration / SuggestedStreamsConfiguration',
  extra: 'forbid',
  fields: { bypass_reason: t.bypassReason },
};

export const CAT_MODELS: Record<ModelName, ModelDefinition> = {
  Config: {
    pythonClass: 'Config',
    extra: 'forbid',
    fields: {
      connector_image: { type: { kind: 'string' }, required: true },
      acceptance_tests: { ...t.model('AcceptanceTestConfigurations'), required: true },
      base_path: t.string,
      test_strictness_level: { type: { kind: 'enum', values: ['high', 'low'] }, default: 'low' },
      custom_environment_variables: { type: { kind: 'mapping' } },
    },
  },
  AcceptanceTestConfigurations: {
    pythonClass: 'AcceptanceTestConfigurations',
    extra: 'forbid',
    fields: {
      spec: t.model('Section'),
      connection: t.model('Section'),
      discovery: t.model('Section'),
      basic_read: t.model('Section'),
      full_refresh: t.model('Section'),
      incremental: t.model('Section'),
      connector_attributes: t.model('Section'),
      connector_documentation: t.model('Section'),
      client_container_config: t.model('ClientContainerConfig'),
    },
  },
  // GenericTestConfig[T]: `tests` is a list of the section's own model (SECTION_TEST_MODELS below).
  Section: {
    pythonClass: 'GenericTestConfig',
    extra: 'ignore',
    fields: { bypass_reason: t.bypassReason, tests: { type: { kind: 'list', model: 'Section' } } },
  },
  SpecTestConfig: {
    pythonClass: 'SpecTestConfig',
    extra: 'forbid',
    fields: {
      spec_path: { type: { kind: 'string' }, default: 'secrets/spec.json' },
      config_path: t.configPath,
      timeout_seconds: t.timeout,
      deployment_mode: t.deploymentMode,
      backward_compatibility_tests_config: t.model('BackwardCompatibilityTestsConfig'),
      auth_default_method: t.model('OAuthTestConfig'),
    },
  },
  ConnectionTestConfig: {
    pythonClass: 'ConnectionTestConfig',
    extra: 'forbid',
    fields: {
      config_path: t.configPath,
      status: { type: { kind: 'enum', values: ['succeed', 'failed', 'exception'] }, default: 'succeed' },
      timeout_seconds: t.timeout,
      deployment_mode: t.deploymentMode,
    },
  },
  DiscoveryTestConfig: {
    pythonClass: 'DiscoveryTestConfig',
    extra: 'forbid',
    fields: {
      config_path: t.configPath,
      timeout_seconds: t.timeout,
      deployment_mode: t.deploymentMode,
      backward_compatibility_tests_config: t.model('BackwardCompatibilityTestsConfig'),
      validate_primary_keys_data_type: { ...t.boolean, default: true },
    },
  },
  BasicReadTestConfig: {
    pythonClass: 'BasicReadTestConfig',
    extra: 'forbid',
    fields: {
      config_path: t.configPath,
      deployment_mode: t.deploymentMode,
      configured_catalog_path: t.catalogPath,
      empty_streams: t.list('EmptyStreamConfiguration'),
      expect_records: t.model('ExpectedRecordsConfig'),
      validate_schema: { ...t.boolean, default: true },
      validate_stream_statuses: t.boolean,
      validate_state_messages: { ...t.boolean, default: true },
      validate_primary_keys_data_type: { ...t.boolean, default: true },
      fail_on_extra_columns: { ...t.boolean, default: true },
      validate_data_points: { ...t.boolean, default: false },
      expect_trace_message_on_failure: { ...t.boolean, default: true },
      timeout_seconds: t.timeout,
      file_types: t.model('FileTypesConfig'),
      client_container_config: t.model('ClientContainerConfig'),
    },
  },
  FullRefreshConfig: {
    pythonClass: 'FullRefreshConfig',
    extra: 'forbid',
    fields: {
      config_path: t.configPath,
      configured_catalog_path: t.catalogPath,
      timeout_seconds: t.timeout,
      deployment_mode: t.deploymentMode,
      ignored_fields: { type: { kind: 'map-of-lists', model: 'IgnoredFieldsConfiguration' } },
      client_container_config: t.model('ClientContainerConfig'),
    },
  },
  IncrementalConfig: {
    pythonClass: 'IncrementalConfig',
    extra: 'forbid',
    fields: {
      config_path: t.configPath,
      configured_catalog_path: t.catalogPath,
      future_state: t.model('FutureStateConfig'),
      timeout_seconds: t.timeout,
      deployment_mode: t.deploymentMode,
      skip_comprehensive_incremental_tests: { ...t.boolean, default: false },
      client_container_config: t.model('ClientContainerConfig'),
    },
  },
  ConnectorAttributesConfig: {
    pythonClass: 'ConnectorAttributesConfig',
    extra: 'forbid',
    fields: {
      timeout_seconds: t.timeout,
      config_path: t.configPath,
      streams_without_primary_key: t.list('NoPrimaryKeyConfiguration'),
      allowed_hosts: t.model('BypassOnly'),
      suggested_streams: t.model('BypassOnly'),
    },
  },
  TestConnectorDocumentationConfig: {
    pythonClass: 'TestConnectorDocumentationConfig',
    extra: 'forbid',
    fields: { timeout_seconds: t.timeout, config_path: t.configPath },
  },
  BackwardCompatibilityTestsConfig: {
    pythonClass: 'BackwardCompatibilityTestsConfig',
    extra: 'forbid',
    fields: { previous_connector_version: { ...t.semver, default: 'latest' }, disable_for_version: t.semver },
  },
  OAuthTestConfig: {
    pythonClass: 'OAuthTestConfig',
    extra: 'forbid',
    fields: { oauth: { ...t.boolean, default: true }, bypass_reason: t.bypassReason },
  },
  ExpectedRecordsConfig: {
    pythonClass: 'ExpectedRecordsConfig',
    extra: 'forbid',
    fields: { bypass_reason: t.bypassReason, path: t.string, exact_order: { ...t.boolean, default: false } },
  },
  EmptyStreamConfiguration: named('EmptyStreamConfiguration'),
  IgnoredFieldsConfiguration: named('IgnoredFieldsConfiguration'),
  NoPrimaryKeyConfiguration: named('NoPrimaryKeyConfiguration'),
  BypassOnly: bypassOnly,
  FileTypesConfig: {
    pythonClass: 'FileTypesConfig',
    extra: 'forbid',
    fields: {
      bypass_reason: t.bypassReason,
      unsupported_types: t.list('UnsupportedFileTypeConfig'),
      skip_test: { ...t.boolean, default: false },
    },
  },
  UnsupportedFileTypeConfig: {
    pythonClass: 'UnsupportedFileTypeConfig',
    extra: 'forbid',
    fields: {
      extension: { type: { kind: 'regex', pattern: /^\..+$/, meaning: "a file extension such as '.csv'" }, required: true },
      bypass_reason: t.bypassReason,
    },
  },
  ClientContainerConfig: {
    pythonClass: 'ClientContainerConfig',
    extra: 'forbid',
    fields: {
      secrets_path: t.string,
      client_container_dockerfile_path: t.string,
      setup_command: { type: { kind: 'string-list' } },
      teardown_command: { type: { kind: 'string-list' } },
      between_syncs_command: { type: { kind: 'string-list' } },
      final_teardown_command: { type: { kind: 'string-list' } },
    },
  },
  FutureStateConfig: {
    pythonClass: 'FutureStateConfig',
    extra: 'forbid',
    fields: {
      future_state_path: t.string,
      missing_streams: t.list('EmptyStreamConfiguration'),
      bypass_reason: t.bypassReason,
      cursor_format: t.model('FutureStateCursorFormatConfiguration'),
    },
  },
  FutureStateCursorFormatConfiguration: {
    pythonClass: 'FutureStateCursorFormatConfiguration',
    extra: 'forbid',
    fields: { format: t.string, streams: t.list('FutureStateCursorFormatStreamConfiguration') },
  },
  FutureStateCursorFormatStreamConfiguration: {
    pythonClass: 'FutureStateCursorFormatStreamConfiguration',
    extra: 'forbid',
    fields: { name: { type: { kind: 'string' }, required: true }, format: t.string },
  },
};

/** The model of each entry of a section's `tests` list. */
export const SECTION_TEST_MODELS: Record<string, ModelName> = {
  spec: 'SpecTestConfig',
  connection: 'ConnectionTestConfig',
  discovery: 'DiscoveryTestConfig',
  basic_read: 'BasicReadTestConfig',
  full_refresh: 'FullRefreshConfig',
  incremental: 'IncrementalConfig',
  connector_attributes: 'ConnectorAttributesConfig',
  connector_documentation: 'TestConnectorDocumentationConfig',
};

/**
 * Sections every config at `test_strictness_level: high` must have (with tests, or skipped with a
 * `bypass_reason`): every CAT test class is mandatory at high (base.py) except TestConnectorAttributes
 * and TestConnectorDocumentation (tests/test_core.py).
 */
export const MANDATORY_AT_HIGH = ['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental'] as const;
