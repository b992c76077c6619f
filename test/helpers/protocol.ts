import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface AirbyteMessageJson {
  type: string;
  [key: string]: unknown;
}

let validator: ValidateFunction | undefined;

/** Validates one message against the official Airbyte protocol schema (protocol/, MIT). */
export function protocolErrors(message: unknown): string | undefined {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL('../../protocol/airbyte_protocol.schema.json', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(schema, 'airbyte_protocol');
    validator = ajv.compile({ $ref: 'airbyte_protocol#/definitions/AirbyteMessage' });
  }
  return validator(message) ? undefined : JSON.stringify(validator.errors);
}

/** Parses stdout: every line must be one valid Airbyte message. Throws naming the bad line. */
export function parseMessages(stdout: string): AirbyteMessageJson[] {
  const lines = stdout.split('\n').filter((line) => line.length > 0);
  return lines.map((line, index) => {
    let message: AirbyteMessageJson;
    try {
      message = JSON.parse(line) as AirbyteMessageJson;
    } catch {
      throw new Error(`stdout line ${index + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    const errors = protocolErrors(message);
    if (errors) throw new Error(`stdout line ${index + 1} is not a valid Airbyte message (${errors}): ${line.slice(0, 300)}`);
    return message;
  });
}
