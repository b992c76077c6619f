import { createRequire } from 'node:module';
import type { JsonObject } from './protocol/messages.js';

const require = createRequire(import.meta.url);

export interface ConnectorSpec extends JsonObject {
  connectionSpecification: JsonObject & { properties: Record<string, JsonObject> };
}

/** spec.json, shipped beside dist/: the one description of the config. */
export function loadSpec(): ConnectorSpec {
  return require('../spec.json') as ConnectorSpec;
}
