import { configError } from '../errors.js';
import { readJsonFile } from '../json-file.js';
import { compileSchema, describeErrors } from '../validation.js';
import { compareInstants, formatInstant, parseInstant, type Instant } from './instant.js';

/** A place in a stream: everything before `instant` delivered, and these ids at it. */
export interface Position {
  instant: Instant;
  ids: readonly string[];
}

/** A stretch [start, end) beyond the frontier that a concurrent sync had read up to `position`. */
export interface AheadRange {
  start: Instant;
  end: Instant;
  position: Position;
}

/** What a saved state says was delivered: all up to `position`, and each range ahead up to its own. */
export interface SavedState {
  position: Position;
  ahead: readonly AheadRange[];
}

/**
 * The state's JSON form, plain JSON that a person can read and edit, and the only place it is
 * written: every record created before `created_at` has been delivered, and so have the records
 * created at exactly `created_at` whose ids are listed. A resumed sync reads from `created_at`
 * inclusive and skips those ids: nothing is lost at the boundary and nothing is repeated. Ranges in
 * `ahead` say the same of a stretch beyond it; one with `created_at` equal to `end` is complete.
 */
export interface StateJson {
  created_at: string;
  ids_at_created_at: string[];
  ahead?: Array<{ start: string; end: string; created_at: string; ids_at_created_at: string[] }>;
}

/** The JSON form of a state, instants in canonical UTC with full precision. */
export function stateJson(state: SavedState): StateJson {
  const ahead = state.ahead.map((range) => ({
    start: formatInstant(range.start),
    end: formatInstant(range.end),
    created_at: formatInstant(range.position.instant),
    ids_at_created_at: [...range.position.ids],
  }));
  return {
    created_at: formatInstant(state.position.instant),
    ids_at_created_at: [...state.position.ids],
    ...(ahead.length > 0 ? { ahead } : {}),
  };
}

const IDS_SCHEMA = { type: 'array', items: { type: ['string', 'integer'] } };

const STREAM_STATE_SCHEMA = {
  type: 'object',
  required: ['created_at'],
  properties: {
    created_at: { type: 'string' },
    ids_at_created_at: IDS_SCHEMA,
    ahead: {
      type: 'array',
      items: {
        type: 'object',
        required: ['start', 'end', 'created_at'],
        properties: { start: { type: 'string' }, end: { type: 'string' }, created_at: { type: 'string' }, ids_at_created_at: IDS_SCHEMA },
      },
    },
  },
};

type StateInput = Record<string, unknown>;
const isObject = (value: unknown): value is StateInput => typeof value === 'object' && value !== null && !Array.isArray(value);

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

type RawIds = Array<string | number>;
const validateStreamState = compileSchema<{
  created_at: string;
  ids_at_created_at?: RawIds;
  ahead?: Array<{ start: string; end: string; created_at: string; ids_at_created_at?: RawIds }>;
}>(STREAM_STATE_SCHEMA);

/** Checks one stream's saved state; a malformed one is a config_error naming the problem. */
export function parseStreamState(raw: unknown, stream: string): SavedState | undefined {
  if (raw === undefined || (isObject(raw) && Object.keys(raw).length === 0)) return undefined;
  if (!validateStreamState(raw)) {
    throw configError(
      `The state of stream '${stream}' is invalid: ${describeErrors(validateStreamState.errors, 'The state')}. Expected {"created_at": "<ISO-8601 date-time>", "ids_at_created_at": ["<id>", ...]}.`,
    );
  }
  const instant = (text: string, field: string): Instant => {
    const parsed = parseInstant(text);
    if (!parsed) {
      throw configError(
        `The state of stream '${stream}' has a ${field} that is not an ISO-8601 date-time with a time zone: ${JSON.stringify(text)}.`,
      );
    }
    return parsed;
  };
  const position = { instant: instant(raw.created_at, 'created_at'), ids: (raw.ids_at_created_at ?? []).map(String) };
  let previousEnd = position.instant;
  const ahead = (raw.ahead ?? []).map((range, index): AheadRange => {
    const where = `ahead[${index}]`;
    const [start, at, end] = [
      instant(range.start, `${where}.start`),
      instant(range.created_at, `${where}.created_at`),
      instant(range.end, `${where}.end`),
    ];
    if (compareInstants(start, previousEnd) < 0 || compareInstants(start, at) > 0 || compareInstants(at, end) > 0) {
      throw configError(
        `The state of stream '${stream}' has ${where} out of order: ranges must follow created_at and each other, with start <= created_at <= end.`,
      );
    }
    previousEnd = end;
    return { start, end, position: { instant: at, ids: (range.ids_at_created_at ?? []).map(String) } };
  });
  return { position, ahead };
}
