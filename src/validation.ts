import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One ajv instance for the connector's inputs; Airbyte's spec keywords are known, not errors. */
export function createAjv(options: { useDefaults: boolean; allErrors?: boolean }): Ajv {
  // allErrors names every problem of a user's input; a hot path checking Rootly's pages stops at the first.
  const ajv = new Ajv({ allErrors: options.allErrors ?? true, useDefaults: options.useDefaults, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword('airbyte_secret').addKeyword('order');
  return ajv;
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
