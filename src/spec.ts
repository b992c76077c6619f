import { existsSync, readFileSync } from 'node:fs';
import type { JsonObject } from './protocol/messages.js';

export interface ConnectorSpec extends JsonObject {
  connectionSpecification: JsonObject & { properties: Record<string, JsonObject> };
}

/**
 * spec.json ships beside the code that reads it: next to the bundle in the image, at the project
 * root above dist/ (or src/) in a checkout.
 */
const LOCATIONS = ['./spec.json', '../spec.json'];
let spec: ConnectorSpec | undefined;

/** spec.json: the one description of the config. */
export function loadSpec(): ConnectorSpec {
  if (!spec) {
    const location = LOCATIONS.map((path) => new URL(path, import.meta.url)).find((url) => existsSync(url));
    if (!location) throw new Error(`spec.json is missing beside ${new URL('.', import.meta.url).pathname}; reinstall the connector.`);
    spec = JSON.parse(readFileSync(location, 'utf8')) as ConnectorSpec;
  }
  return spec;
}
