import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let shared: Ajv | undefined;

/**
 * Compiles a schema on the one ajv instance of the process: its meta-schema and formats are set up
 * once, which is most of what validation costs a short command's start-up. It reports every
 * problem of an input (allErrors) and fills in the spec's defaults; Airbyte's spec keywords are
 * known, not errors.
 */
export function compileSchema<T>(schema: object): ValidateFunction<T> {
  if (!shared) {
    shared = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
    addFormats(shared);
    shared.addKeyword('airbyte_secret').addKeyword('order').addKeyword('pattern_descriptor');
  }
  return shared.compile<T>(schema);
}

/** ajv's errors in words that name the field, e.g. "'page_size' must be >= 1". */
export function describeErrors(errors: ErrorObject[] | null | undefined, root: string): string {
  return (errors ?? [])
    .map((error) => {
      const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
      if (error.keyword === 'required') {
        const missing = (error.params as { missingProperty: string }).missingProperty;
        return `${root} is missing the required field '${path ? `${path}.` : ''}${missing}'`;
      }
      if (error.keyword === 'format' && (error.params as { format: string }).format === 'date-time') {
        return `'${path}' must be an ISO-8601 date-time with a time zone, such as 2025-01-01T00:00:00Z`;
      }
      return path ? `'${path}' ${error.message ?? 'is invalid'}` : `${root} ${error.message ?? 'is invalid'}`;
    })
    .join('; ');
}

export type { ValidateFunction };
