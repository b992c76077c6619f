import type { ConnectorError } from '../errors.js';
import type {
  JsonObject,
  RecordMessage,
  StateMessage,
  StreamStatus,
  StreamStatusReason,
  TraceMessage,
} from './messages.js';

export function streamStatus(stream: string, status: StreamStatus, reasons?: StreamStatusReason[]): TraceMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: Date.now(),
      stream_status: { stream_descriptor: { name: stream }, status, ...(reasons ? { reasons } : {}) },
    },
  };
}

export function estimate(stream: string, rowEstimate: number): TraceMessage {
  return { type: 'TRACE', trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate: { name: stream, type: 'STREAM', row_estimate: rowEstimate } } };
}

export function errorTrace(error: ConnectorError): TraceMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message: error.message,
        failure_type: error.failureType,
        ...(error.internalMessage ? { internal_message: error.internalMessage } : {}),
        stack_trace: error.fullStack,
        ...(error.stream ? { stream_descriptor: { name: error.stream } } : {}),
      },
    },
  };
}

export function streamState(stream: string, state: JsonObject, recordCount: number): StateMessage {
  return {
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: stream }, stream_state: state },
      sourceStats: { recordCount },
    },
  };
}

export function recordMessage(stream: string, data: JsonObject, emittedAt: number): RecordMessage {
  return { type: 'RECORD', record: { stream, data, emitted_at: emittedAt } };
}
