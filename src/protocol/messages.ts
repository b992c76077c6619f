/**
 * The Airbyte protocol messages this connector prints, typed after the official schema
 * (protocol/airbyte_protocol.schema.json). Only the shapes used here are declared.
 */

export type FailureType = 'system_error' | 'config_error' | 'transient_error';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type SyncMode = 'full_refresh' | 'incremental';

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export type JsonObject = { [key: string]: unknown };

export interface RecordMessage {
  type: 'RECORD';
  record: { stream: string; data: JsonObject; emitted_at: number };
}

export interface StateMessage {
  type: 'STATE';
  state: {
    type: 'STREAM';
    stream: { stream_descriptor: StreamDescriptor; stream_state: JsonObject };
    sourceStats: { recordCount: number };
  };
}

export interface LogMessage {
  type: 'LOG';
  log: { level: LogLevel; message: string; stack_trace?: string };
}

export interface StreamStatusReason {
  type: 'RATE_LIMITED';
  rate_limited?: { quota_reset?: number };
}

export type TraceBody =
  | {
      type: 'ERROR';
      error: {
        message: string;
        internal_message?: string;
        stack_trace?: string;
        failure_type: FailureType;
        stream_descriptor?: StreamDescriptor;
      };
    }
  | { type: 'ESTIMATE'; estimate: { name: string; type: 'STREAM'; row_estimate: number } }
  | {
      type: 'STREAM_STATUS';
      stream_status: {
        stream_descriptor: StreamDescriptor;
        status: StreamStatus;
        reasons?: StreamStatusReason[];
      };
    };

export interface TraceMessage {
  type: 'TRACE';
  trace: TraceBody & { emitted_at: number };
}

export interface SpecMessage {
  type: 'SPEC';
  spec: JsonObject;
}

export interface AirbyteStream {
  name: string;
  json_schema: JsonObject;
  supported_sync_modes: SyncMode[];
  source_defined_cursor: boolean;
  default_cursor_field: string[];
  source_defined_primary_key: string[][];
}

export interface CatalogMessage {
  type: 'CATALOG';
  catalog: { streams: AirbyteStream[] };
}

export interface ConnectionStatusMessage {
  type: 'CONNECTION_STATUS';
  connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string };
}

export type AirbyteMessage =
  | RecordMessage
  | StateMessage
  | LogMessage
  | TraceMessage
  | SpecMessage
  | CatalogMessage
  | ConnectionStatusMessage;
