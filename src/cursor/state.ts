import { configError } from '../errors.js';
import { readJsonFile } from '../json-file.js';
import { createAjv, describeErrors } from '../validation.js';
import { parseInstant } from './instant.js';

/**
 * The audit stream's saved position, plain JSON that a person can read and edit:
 * every record created before `created_at` has been delivered, and so have the records created at
 * exactly `created_at` whose ids are listed. A resumed sync reads from `created_at` inclusive and
 * skips those ids: nothing is lost at the boundary and nothing is repeated.
 */
export interface AuditStreamState {
  created_at: string;
  ids_at_created_at: string[];
}

const STREAM_STATE_SCHEMA = {
  type: 'object',
  required: ['created_at'],
  properties: {
    created_at: { type: 'string' },
    ids_at_created_at: { type: 'array', items: { type: ['string', 'integer'] } },
  },
};

type StateInput = Record<string, unknown>;
const isObject = (value: unknown): value is StateInput =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function loadStates(path: string): Promise<Map<string, unknown>> {
  return extractStreamStates(await readJsonFile(path, 'state'));
}

/**
 * Accepts Airbyte's forms: an array of state messages, one state message, a legacy
 * `{stream: state}` map (bare or under `data`), or a bare per-stream state object.
 * Returns the raw per-stream states by stream name; '' keys a bare state of unknown stream.
 */
export function extractStreamStates(raw: unknown): Map<string, unknown> {
  const states = new Map<string, unknown>();
  const messages = Array.isArray(raw) ? raw : [raw];
  for (const message of messages) {
    if (!isObject(message)) {
      throw configError(`The state must be a JSON array of state messages or a state object; found ${describeJsonType(message)}.`);
    }
    if (message['type'] === 'STREAM' || isObject(message['stream'])) {
      const stream = message['stream'];
      const name = isObject(stream) && isObject(stream['stream_descriptor']) ? stream['stream_descriptor']['name'] : undefined;
      if (typeof name !== 'string') throw configError('A STREAM state message has no stream.stream_descriptor.name.');
      if (isObject(stream) && stream['stream_state'] !== undefined && stream['stream_state'] !== null) {
        states.set(name, stream['stream_state']);
      }
    } else if (message['type'] === 'GLOBAL') {
      const global = message['global'];
      const streamStates = isObject(global) && Array.isArray(global['stream_states']) ? global['stream_states'] : [];
      for (const entry of streamStates) {
        if (isObject(entry) && isObject(entry['stream_descriptor']) && typeof entry['stream_descriptor']['name'] === 'string') {
          states.set(entry['stream_descriptor']['name'], entry['stream_state']);
        }
      }
    } else if (message['type'] === 'LEGACY' || (message['type'] === undefined && isObject(message['data']))) {
      addLegacyMap(states, message['data']);
    } else if (message['type'] !== undefined) {
      throw configError(`The state message type ${JSON.stringify(message['type'])} is unknown; expected STREAM, GLOBAL or LEGACY.`);
    } else if ('created_at' in message || 'ids_at_created_at' in message) {
      states.set('', message);
    } else {
      addLegacyMap(states, message);
    }
  }
  return states;
}

function addLegacyMap(states: Map<string, unknown>, data: unknown): void {
  if (!isObject(data)) throw configError('The legacy state has no per-stream object under "data".');
  for (const [name, value] of Object.entries(data)) states.set(name, value);
}

function describeJsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

const validateStreamState = createAjv({ useDefaults: false }).compile<{
  created_at: string;
  ids_at_created_at?: Array<string | number>;
}>(STREAM_STATE_SCHEMA);

/** Checks one stream's state; a malformed one is a config_error naming the problem. */
export function parseAuditStreamState(raw: unknown, stream: string): AuditStreamState | undefined {
  if (raw === undefined || (isObject(raw) && Object.keys(raw).length === 0)) return undefined;
  if (!validateStreamState(raw)) {
    throw configError(`The state of stream '${stream}' is invalid: ${describeErrors(validateStreamState.errors, 'The state')}. Expected {"created_at": "<ISO-8601 date-time>", "ids_at_created_at": ["<id>", ...]}.`);
  }
  if (!parseInstant(raw.created_at)) {
    throw configError(`The state of stream '${stream}' has a created_at that is not an ISO-8601 date-time with a time zone: ${JSON.stringify(raw.created_at)}.`);
  }
  return { created_at: raw.created_at, ids_at_created_at: (raw.ids_at_created_at ?? []).map(String) };
}
