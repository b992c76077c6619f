/**
 * metadata.yaml conforms to Airbyte's connector metadata schema and claims nothing that is not the
 * project's: its image is outside Airbyte's own namespace and its documentation URL is not in
 * Airbyte's GitHub organisation.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * ConnectorMetadataDefinitionV0 (Airbyte's metadata service models, `extra = "forbid"` on `data`):
 * the required fields and the enumerations this file uses.
 */
const REQUIRED_DATA_FIELDS = [
  'name',
  'definitionId',
  'connectorType',
  'dockerRepository',
  'dockerImageTag',
  'license',
  'documentationUrl',
  'githubIssueLabel',
  'connectorSubtype',
  'releaseStage',
];
const KNOWN_DATA_FIELDS = new Set([
  ...REQUIRED_DATA_FIELDS,
  'icon',
  'connectorBuildOptions',
  'connectorTestSuitesOptions',
  'supportsDbt',
  'supportsNormalization',
  'externalDocumentationUrls',
  'maxSecondsBetweenMessages',
  'releaseDate',
  'protocolVersion',
  'erdUrl',
  'supportLevel',
  'tags',
  'registryOverrides',
  'allowedHosts',
  'releases',
  'normalizationConfig',
  'suggestedStreams',
  'resourceRequirements',
  'ab_internal',
  'remoteRegistries',
  'supportsRefreshes',
  'generated',
  'supportsFileTransfer',
  'supportsDataActivation',
  'connectorIPCOptions',
]);
const ENUMS: Record<string, string[]> = {
  connectorType: ['destination', 'source'],
  connectorSubtype: ['api', 'database', 'datalake', 'file', 'custom', 'message_queue', 'unknown', 'vectorstore'],
  releaseStage: ['alpha', 'beta', 'generally_available', 'custom'],
  supportLevel: ['community', 'certified', 'archived'],
};
const TEST_SUITES = ['unitTests', 'integrationTests', 'acceptanceTests', 'liveTests'];

const metadata = parse(readFileSync(new URL('../metadata.yaml', import.meta.url), 'utf8')) as {
  metadataSpecVersion: unknown;
  data: Record<string, unknown>;
};
const spec = JSON.parse(readFileSync(new URL('../spec.json', import.meta.url), 'utf8')) as { documentationUrl: string };
const { data } = metadata;

describe('metadata.yaml', () => {
  test('has every required field, as strings, and no field the schema does not know', () => {
    expect(Object.keys(metadata).sort()).toEqual(['data', 'metadataSpecVersion']);
    expect(typeof metadata.metadataSpecVersion).toBe('string');
    expect(REQUIRED_DATA_FIELDS.filter((field) => typeof data[field] !== 'string')).toEqual([]);
    expect(Object.keys(data).filter((field) => !KNOWN_DATA_FIELDS.has(field))).toEqual([]);
  });

  test('uses the schema enumerations, a UUID definitionId and known test suites', () => {
    for (const [field, values] of Object.entries(ENUMS)) if (data[field] !== undefined) expect(values).toContain(data[field]);
    expect(data['definitionId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const suites = (data['connectorTestSuitesOptions'] ?? []) as Array<{ suite: string }>;
    expect(suites.filter((s) => !TEST_SUITES.includes(s.suite))).toEqual([]);
  });

  test("names an image outside Airbyte's namespace and documentation outside Airbyte's organisation, the same as spec.json", () => {
    expect(String(data['dockerRepository'])).not.toMatch(/^(docker\.io\/)?airbyte\//);
    const url = new URL(String(data['documentationUrl']));
    expect(url.protocol).toBe('https:');
    expect(url.href).not.toMatch(/github\.com\/airbytehq\//);
    expect(spec.documentationUrl).toBe(data['documentationUrl']);
  });
});
