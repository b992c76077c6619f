// Writes integration_tests/expected_records.jsonl: the synthetic records of a fixed time range at
// the start of sample_config.json's backfill, so the acceptance suite's expectation never drifts.
// Usage: npm run build && node scripts/expected-records.mjs
import { writeFileSync } from 'node:fs';
import { SyntheticPageSource } from '../dist/synthetic/synthetic-page-source.js';
import { toRecordData } from '../dist/stream/records.js';

export const EXPECTED_RANGE = { start: '2026-11-20T00:00:00Z', end: '2026-11-20T16:00:00Z' };

export async function expectedRecordLines() {
  const page = await new SyntheticPageSource().fetchPage({ range: EXPECTED_RANGE, pageSize: 100_000 });
  return page.resources.map((resource) => JSON.stringify({ stream: 'audit_logs', data: toRecordData(resource), emitted_at: 0 }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = await expectedRecordLines();
  writeFileSync(new URL('../integration_tests/expected_records.jsonl', import.meta.url), `${lines.join('\n')}\n`);
  console.error(`wrote ${lines.length} expected records`);
}
