/** The JSON-schema rules Airbyte's Connector Acceptance Tests apply to a spec and to stream schemas. */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isObject } from './project.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

/** A draft-07 validator with ajv-formats; Airbyte's own keywords (airbyte_secret, order, ...) are allowed. */
export function createDraft07Ajv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/** Keywords whose value is one subschema. */
const SCHEMA_KEYWORDS = ['additionalProperties', 'additionalItems', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'items'];
/** Keywords whose value maps names to subschemas. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];

/** Calls `visit` on every subschema (with its JSON pointer), never mistaking a property name for a keyword. */
export function walkSchema(schema: unknown, visit: (node: Record<string, unknown>, pointer: string) => void, pointer = ''): void {
  if (!isObject(schema)) return;
  visit(schema, pointer);
  for (const keyword of SCHEMA_KEYWORDS) {
    if (isObject(schema[keyword])) walkSchema(schema[keyword], visit, `${pointer}/${keyword}`);
  }
  for (const keyword of SCHEMA_LIST_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((sub, i) => walkSchema(sub, visit, `${pointer}/${keyword}/${i}`));
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = schema[keyword];
    if (isObject(map)) for (const [name, sub] of Object.entries(map)) walkSchema(sub, visit, `${pointer}/${keyword}/${name}`);
  }
}

/** Pointers of every use of the given keywords. */
export function keywordUses(schema: unknown, keywords: readonly string[]): string[] {
  const found: string[] = [];
  walkSchema(schema, (node, pointer) => {
    for (const keyword of keywords) if (keyword in node) found.push(`${pointer}/${keyword}`);
  });
  return found;
}

/** Properties marked airbyte_secret whose type is not "string". */
export function nonStringSecrets(schema: unknown): string[] {
  const found: string[] = [];
  walkSchema(schema, (node, pointer) => {
    if ('airbyte_secret' in node && node['type'] !== 'string') found.push(`${pointer} (type ${JSON.stringify(node['type'])})`);
  });
  return found;
}

/** `order` values used more than once among the properties of one object. */
export function duplicateOrders(schema: unknown): string[] {
  const found: string[] = [];
  walkSchema(schema, (node, pointer) => {
    const properties = node['properties'];
    if (!isObject(properties)) return;
    const seen = new Map<unknown, string>();
    for (const [name, property] of Object.entries(properties)) {
      if (!isObject(property) || property['order'] === undefined) continue;
      const order = property['order'];
      const previous = seen.get(order);
      if (previous !== undefined) found.push(`${pointer}/properties: order ${JSON.stringify(order)} of '${name}' and '${previous}'`);
      else seen.set(order, name);
    }
  });
  return found;
}

/** Pointers of every `additionalProperties` that is present but not `true`. */
export function closedAdditionalProperties(schema: unknown): string[] {
  const found: string[] = [];
  walkSchema(schema, (node, pointer) => {
    if ('additionalProperties' in node && node['additionalProperties'] !== true) found.push(`${pointer}/additionalProperties`);
  });
  return found;
}

/** Whether a field path (e.g. ['attributes', 'created_at']) is declared through nested `properties`. */
export function schemaHasPath(schema: unknown, path: readonly string[]): boolean {
  let node: unknown = schema;
  for (const key of path) {
    const properties = isObject(node) ? node['properties'] : undefined;
    if (!isObject(properties) || !(key in properties)) return false;
    node = properties[key];
  }
  return path.length > 0;
}
