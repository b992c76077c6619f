/**
 * A validator for the audits list response built straight from Rootly's published OpenAPI
 * extract, so the mock (and anything else answering like Rootly) is checked against the
 * contract itself rather than a hand-copied schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const SPEC_URL = new URL('../../protocol/rootly-audits-openapi.json', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Validates one 200 body of GET /v1/audits (the `audits_list` schema). */
export function loadAuditsListValidator(specPath: string | URL = SPEC_URL): ValidateFunction {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { components: { schemas: Record<string, Json> } };
  const definitions = toJsonSchema(spec.components.schemas);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile({ $ref: '#/definitions/audits_list', definitions });
}

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type, component refs become definitions. */
export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/components/schemas/', '#/definitions/');
    else out[key] = toJsonSchema(value);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}
