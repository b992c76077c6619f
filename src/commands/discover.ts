import { loadConfig } from '../config.js';
import type { Emitter } from '../protocol/emitter.js';
import type { AirbyteStream } from '../protocol/messages.js';
import { AUDIT_STREAM } from '../stream/records.js';
import { AUDIT_LOG_SCHEMA } from '../stream/schema.js';

export const AUDIT_LOG_STREAM: AirbyteStream = {
  name: AUDIT_STREAM,
  json_schema: AUDIT_LOG_SCHEMA,
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['created_at'],
  source_defined_primary_key: [['id']],
};

export async function runDiscover(configPath: string, emitter: Emitter): Promise<void> {
  await loadConfig(configPath);
  await emitter.emit({ type: 'CATALOG', catalog: { streams: [AUDIT_LOG_STREAM] } });
}
