/**
 * Checks a parsed acceptance-test-config.yml the way Airbyte's CAT loads it: every key against the
 * models of cat-config-model.ts, the models' own validators, and the rules CAT enforces at
 * `test_strictness_level: high` (plugin.py, conftest.py, tests/test_core.py, tests/test_incremental.py).
 * Locations are written as pydantic writes them: `acceptance_tests -> basic_read -> tests -> 0 -> ...`.
 */
import { CAT_MODELS, MANDATORY_AT_HIGH, pydanticBool, SECTION_TEST_MODELS, type FieldType, type ModelName } from './cat-config-model.js';
import { isObject } from './project.js';

type Path = ReadonlyArray<string | number>;

const at = (path: Path): string => (path.length === 0 ? '__root__' : path.join(' -> '));

class Problems {
  readonly list: string[] = [];

  add(path: Path, message: string): void {
    this.list.push(`${at(path)}: ${message}`);
  }
}

/** Every problem CAT would report for this document (an empty list when CAT accepts it). */
export function catConfigProblems(document: unknown): string[] {
  const problems = new Problems();
  if (!isObject(document)) {
    problems.add([], 'the file must hold a mapping');
    return problems.list;
  }
  if ('tests' in document && !('acceptance_tests' in document)) {
    problems.add(['tests'], 'the legacy format (tests at the top level) is not read here; move them under acceptance_tests');
  }
  checkModel(document, 'Config', [], problems);
  checkValidators(document, problems);
  if (document['test_strictness_level'] === 'high') checkHighStrictness(document, problems);
  return problems.list;
}

function checkModel(value: Record<string, unknown>, name: ModelName, path: Path, problems: Problems, section?: string): void {
  const model = CAT_MODELS[name];
  for (const [key, field] of Object.entries(model.fields)) {
    if (field.required && (value[key] === undefined || value[key] === null)) problems.add([...path, key], 'field required');
  }
  for (const [key, item] of Object.entries(value)) {
    const field = model.fields[key];
    if (!field) {
      const ignored = model.extra === 'ignore' ? ' (CAT would silently ignore it)' : '';
      problems.add([...path, key], `extra fields not permitted${ignored}`);
      continue;
    }
    if (item === undefined || item === null) continue;
    const type: FieldType =
      name === 'Section' && key === 'tests' ? { kind: 'list', model: SECTION_TEST_MODELS[section ?? ''] ?? 'Section' } : field.type;
    checkValue(item, type, [...path, key], problems, key);
  }
}

function checkValue(value: unknown, type: FieldType, path: Path, problems: Problems, key: string): void {
  switch (type.kind) {
    case 'string':
      if (typeof value !== 'string') problems.add(path, 'str type expected');
      return;
    case 'boolean':
      // YAML 1.1 (PyYAML) already turned bare yes/no/on/off into booleans; pydantic reads quoted ones too.
      if (pydanticBool(value) === undefined) problems.add(path, 'value could not be parsed to a boolean');
      return;
    case 'mapping':
      if (!isObject(value)) problems.add(path, 'value is not a valid dict');
      return;
    case 'string-list':
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) problems.add(path, 'value is not a list of strings');
      return;
    case 'non-negative-integer':
      if (!Number.isInteger(value) || (value as number) < 0)
        problems.add(path, 'ensure this value is an integer greater than or equal to 0');
      return;
    case 'enum':
      if (typeof value !== 'string' || !type.values.includes(value))
        problems.add(path, `value is not a valid enumeration member; permitted: ${type.values.join(', ')}`);
      return;
    case 'regex':
      if (typeof value !== 'string' || !type.pattern.test(value)) problems.add(path, `must be ${type.meaning}`);
      return;
    default:
      checkNested(value, type, path, problems, key);
  }
}

function checkNested(value: unknown, type: Extract<FieldType, { model: ModelName }>, path: Path, problems: Problems, key: string): void {
  if (type.kind === 'model') {
    if (isObject(value)) checkModel(value, type.model, path, problems, key);
    else problems.add(path, 'value is not a valid dict');
    return;
  }
  const lists: Array<[Path, unknown]> =
    type.kind === 'list' ? [[path, value]] : isObject(value) ? Object.entries(value).map(([k, v]) => [[...path, k], v]) : [];
  if (type.kind === 'map-of-lists' && !isObject(value)) problems.add(path, 'value is not a valid dict');
  for (const [listPath, list] of lists) {
    if (!Array.isArray(list)) {
      problems.add(listPath, 'value is not a valid list');
      continue;
    }
    list.forEach((entry, index) => {
      if (isObject(entry)) checkModel(entry, type.model, [...listPath, index], problems);
      else problems.add([...listPath, index], 'value is not a valid dict');
    });
  }
}

/** The `tests` entries of a section that are mappings, with their paths. */
function sectionTests(document: Record<string, unknown>, section: string): Array<[Path, Record<string, unknown>]> {
  const sections = document['acceptance_tests'];
  const value = isObject(sections) ? sections[section] : undefined;
  const tests = isObject(value) ? value['tests'] : undefined;
  if (!Array.isArray(tests)) return [];
  return tests.flatMap((entry, index): Array<[Path, Record<string, unknown>]> =>
    isObject(entry) ? [[['acceptance_tests', section, 'tests', index], entry]] : [],
  );
}

const present = (value: unknown): boolean => value !== undefined && value !== null;
const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

/** The validators the models of config.py declare, applied at every strictness level. */
function checkValidators(document: Record<string, unknown>, problems: Problems): void {
  const sections = document['acceptance_tests'];
  for (const [section, value] of Object.entries(isObject(sections) ? sections : {})) {
    if (isObject(value) && Array.isArray(value['tests']) && value['tests'].length > 0 && present(value['bypass_reason'])) {
      problems.add(['acceptance_tests', section, 'tests'], "You can't set a bypass_reason if tests are set.");
    }
  }
  for (const [path, test] of sectionTests(document, 'basic_read')) {
    const expect = test['expect_records'];
    if (isObject(expect)) {
      if (present(expect['path']) && nonEmpty(expect['bypass_reason']))
        problems.add([...path, 'expect_records', 'path'], "You can't set a bypass_reason if a path is set");
      if (!present(expect['path']) && !nonEmpty(expect['bypass_reason']))
        problems.add([...path, 'expect_records', 'path'], 'A path or a bypass_reason must be set');
    }
    const files = test['file_types'];
    if (isObject(files)) {
      if (pydanticBool(files['skip_test']) === true && present(files['unsupported_types']))
        problems.add([...path, 'file_types'], "You can't set 'unsupported_types' if the test is skipped.");
      if (pydanticBool(files['skip_test']) !== true && present(files['bypass_reason']))
        problems.add([...path, 'file_types'], "You can't set 'bypass_reason' if the test is not skipped.");
    }
  }
  for (const [path, test] of sectionTests(document, 'spec')) {
    const auth = test['auth_default_method'];
    if (isObject(auth) && pydanticBool(auth['oauth']) === false && !nonEmpty(auth['bypass_reason'])) {
      problems.add([...path, 'auth_default_method', 'oauth'], 'Please provide a bypass reason for Auth default method');
    }
  }
}

/** Names listed without a bypass_reason. */
const withoutReason = (list: unknown): unknown[] =>
  (Array.isArray(list) ? list : [])
    .filter((entry) => !isObject(entry) || !nonEmpty(entry['bypass_reason']))
    .map((entry) => (isObject(entry) ? entry['name'] : entry));

function checkHighStrictness(document: Record<string, unknown>, problems: Problems): void {
  const sections = isObject(document['acceptance_tests']) ? document['acceptance_tests'] : {};
  for (const section of MANDATORY_AT_HIGH) {
    const value = sections[section];
    if (!isObject(value) || (!Array.isArray(value['tests']) && !nonEmpty(value['bypass_reason']))) {
      problems.add(
        ['acceptance_tests', section],
        'it was not configured but must be according to the current high test strictness level (give it tests, or a bypass_reason)',
      );
    }
  }
  for (const [path, test] of sectionTests(document, 'basic_read')) {
    if (present(test['configured_catalog_path'])) {
      problems.add(
        [...path, 'configured_catalog_path'],
        "High strictness level error: you can't set a custom configured catalog on the basic read test when strictness level is high.",
      );
    }
    if (!present(test['expect_records']))
      problems.add([...path, 'expect_records'], 'High strictness level error: expect_records must be configured for the basic_read test.');
    const unexplained = withoutReason(test['empty_streams']);
    if (unexplained.length > 0)
      problems.add(
        [...path, 'empty_streams'],
        `A bypass_reason must be filled in for all empty streams when test_strictness_level is set to high (${unexplained.join(', ')}).`,
      );
  }
  for (const [path, test] of sectionTests(document, 'full_refresh')) {
    const ignored = isObject(test['ignored_fields']) ? Object.values(test['ignored_fields']).flatMap((list) => withoutReason(list)) : [];
    if (ignored.length > 0)
      problems.add(
        [...path, 'ignored_fields'],
        'A bypass_reason must be filled in for all ignored fields when test_strictness_level is set to high.',
      );
  }
  for (const [path, test] of sectionTests(document, 'incremental')) {
    const future = test['future_state'];
    if (!isObject(future) || (!nonEmpty(future['future_state_path']) && !present(future['bypass_reason']))) {
      problems.add(
        [...path, 'future_state'],
        'High test strictness level error: a future state configuration must be provided in high test strictness level or a bypass reason should be filled.',
      );
    } else if (withoutReason(future['missing_streams']).length > 0) {
      problems.add(
        [...path, 'future_state', 'missing_streams'],
        'High test strictness level error: all missing_streams must have a bypass reason specified.',
      );
    }
  }
}
