/** Typed views of the Airbyte messages of one run (beyond those test/helpers/connector.ts has). */
import type { RunResult } from '../helpers/connector.js';
import { isObject } from './project.js';

export interface RecordMessage {
  stream: string;
  data: Record<string, unknown>;
  emitted_at: number;
}

export interface StateMessage {
  /** Index of the message in the run's output. */
  index: number;
  stream: string;
  streamState: Record<string, unknown>;
  recordCount: number | undefined;
  /** The `state` object as emitted, ready to be passed back as a state file entry. */
  raw: Record<string, unknown>;
}

export interface DiscoveredStream {
  name: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes: string[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
}

const field = (value: unknown, key: string): unknown => (isObject(value) ? value[key] : undefined);

export const messagesOfType = (run: RunResult, type: string): Array<Record<string, unknown>> => run.messages.filter((m) => m.type === type);

export function recordMessages(run: RunResult): RecordMessage[] {
  return messagesOfType(run, 'RECORD').map((m) => {
    const record = m['record'];
    return {
      stream: String(field(record, 'stream')),
      data: (field(record, 'data') ?? {}) as Record<string, unknown>,
      emitted_at: Number(field(record, 'emitted_at')),
    };
  });
}

export function stateMessagesOf(run: RunResult): StateMessage[] {
  const result: StateMessage[] = [];
  run.messages.forEach((message, index) => {
    if (message.type !== 'STATE') return;
    const state = message['state'] as Record<string, unknown>;
    const stream = field(state, 'stream');
    const count = field(field(state, 'sourceStats'), 'recordCount');
    result.push({
      index,
      stream: String(field(field(stream, 'stream_descriptor'), 'name')),
      streamState: (field(stream, 'stream_state') ?? {}) as Record<string, unknown>,
      recordCount: typeof count === 'number' ? count : undefined,
      raw: state,
    });
  });
  return result;
}

/** A state file holding one emitted STATE, as the platform would pass it to the next sync. */
export const stateFile = (state: StateMessage): unknown[] => [state.raw];

/** The STREAM_STATUS values of one stream, in order. */
export function streamStatusesOf(run: RunResult, stream: string): string[] {
  return messagesOfType(run, 'TRACE')
    .map((m) => m['trace'])
    .filter((trace) => field(trace, 'type') === 'STREAM_STATUS')
    .map((trace) => field(trace, 'stream_status'))
    .filter((status) => field(field(status, 'stream_descriptor'), 'name') === stream)
    .map((status) => String(field(status, 'status')));
}

export function connectionStatuses(run: RunResult): Array<{ status: string; message?: string }> {
  return messagesOfType(run, 'CONNECTION_STATUS').map((m) => {
    const status = m['connectionStatus'];
    const message = field(status, 'message');
    return { status: String(field(status, 'status')), ...(typeof message === 'string' ? { message } : {}) };
  });
}

export function catalogStreams(run: RunResult): DiscoveredStream[][] {
  return messagesOfType(run, 'CATALOG').map((m) => (field(m['catalog'], 'streams') ?? []) as DiscoveredStream[]);
}

export const specs = (run: RunResult): unknown[] => messagesOfType(run, 'SPEC').map((m) => m['spec']);

/** Parses a timestamp of a record or state (they may carry a UTC offset) to epoch ms. */
export function instantMs(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${JSON.stringify(value)}`);
  return ms;
}

/** The value at a path (e.g. ['created_at']) of a record's data. */
export function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => field(value, key), data);
}

/** A short description of a run for assertion messages: exit code and the tail of its output. */
export function describeRun(run: RunResult): string {
  const tail = (text: string): string =>
    text
      .split('\n')
      .filter(Boolean)
      .slice(-8)
      .map((line) => line.slice(0, 300))
      .join('\n  ');
  return `exit code ${run.exitCode}\n stdout (tail):\n  ${tail(run.stdout)}\n stderr (tail):\n  ${tail(run.stderr)}`;
}
