import { loadConfig } from '../config.js';
import type { Emitter } from '../protocol/emitter.js';
import { AUDIT_LOG_STREAM } from '../rootly/audits.js';

export async function runDiscover(configPath: string, emitter: Emitter): Promise<void> {
  await loadConfig(configPath);
  await emitter.emit({ type: 'CATALOG', catalog: { streams: [AUDIT_LOG_STREAM] } });
}
