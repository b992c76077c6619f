/**
 * Exactly once whatever the clocks say. The mock's clock runs ahead of or behind the connector's
 * (which is the connector's clock behind or ahead of Rootly's) while records are written, stamped
 * by the server's clock, during and between syncs: every record created before the last saved
 * cursor is delivered exactly once, and none after it.
 */
import { generateDataset, type MockRootly } from '../../mock-rootly/src/index.js';
import type { AuditResource } from '../../src/rootly/audits.js';
import { lastState, logMessages, records, runRead } from '../helpers/connector.js';
import { dataset, duplicates, liveWriter, mockConfig, mockRootly } from '../helpers/fixtures.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Ids of the records written while the syncs run. */
const FIRST_LIVE_ID = 900_000_000;

let mock: MockRootly | undefined;
afterEach(async () => mock?.close());

describe("exactly once against a live server whose clock differs from the connector's", () => {
  test.each([
    // Rootly's Date is on a whole second: the skew seen is within a second of the true one.
    ['the connector 90 s ahead of Rootly', -90_000, /\b(90|91) s ahead of Rootly's/],
    ['the connector 10 min ahead of Rootly', -600_000, /\b(600|601) s ahead of Rootly's/],
    ['the connector 90 s behind Rootly', 90_000, /\b(89|90) s behind Rootly's/],
  ])('%s', async (_label, offsetMs, warning) => {
    // Records up to the server's now, some of them in the last 90 s of its clock.
    const serverNow = Date.now() + offsetMs;
    const written: AuditResource[] = generateDataset({
      count: 150,
      start: new Date(serverNow - 6 * 3_600_000),
      end: new Date(serverNow - 1_000),
      seed: 11,
    });
    mock = await mockRootly({ dataset: written, clockOffsetMs: offsetMs, maxPageSize: 50 });
    const config = mockConfig(mock, { backfill_start_time: new Date(Date.now() - 7 * 3_600_000).toISOString(), window_size_hours: 2 });
    // One record every 15 ms, stamped by the server's clock.
    const stop = liveWriter(mock, written, {
      firstId: FIRST_LIVE_ID,
      everyMs: 15,
      createdAt: () => new Date(Date.now() + offsetMs).toISOString(),
    });
    const delivered: string[] = [];
    const clockLogs: string[] = [];
    let state: unknown;
    try {
      for (let sync = 0; sync < 3; sync += 1) {
        const result = await runRead(config, { state });
        expect({ exit: result.exitCode, stderr: result.stderr }).toEqual({ exit: 0, stderr: '' });
        clockLogs.push(...logMessages(result).filter((message) => /clock/.test(message)));
        delivered.push(...records(result).map((r) => r.id));
        state = lastState(result);
        await sleep(200);
      }
    } finally {
      stop();
    }
    const final = await runRead(config, { state });
    delivered.push(...records(final).map((r) => r.id));
    const cursor = Date.parse(lastState(final)?.created_at ?? '');
    const expected = written.filter((r) => Date.parse(r.attributes.created_at) < cursor).map((r) => r.id);
    const missing = expected.filter((id) => !delivered.includes(id));
    const unexpected = delivered.filter((id) => !expected.includes(id));
    expect({ missing, unexpected, duplicated: duplicates(delivered) }).toEqual({ missing: [], unexpected: [], duplicated: [] });
    // The syncs that asked Rootly said how far apart the clocks are (one with nothing to read asks nothing).
    expect(clockLogs.length).toBeGreaterThan(0);
    expect(clockLogs).toEqual(clockLogs.map(() => expect.stringMatching(warning)));
    // The syncs did read records written while they ran when Rootly's clock bounded them (the
    // connector's is ahead); behind, the local clock keeps Rootly's last 90 s for a later sync.
    const live = written.filter((r) => Number(r.id) > FIRST_LIVE_ID).length;
    const liveDelivered = delivered.filter((id) => Number(id) > FIRST_LIVE_ID).length;
    console.log(
      `${_label}: ${written.length} records written (${live} while syncing), ${delivered.length} delivered (${liveDelivered} of those written while syncing), cursor ${lastState(final)?.created_at}`,
    );
    expect({ liveDelivered: liveDelivered > 0 }).toEqual({ liveDelivered: offsetMs < 0 });
  });

  test('an answer without a Date header: the local clock bounds the sync, which says so', async () => {
    const data = dataset(60);
    mock = await mockRootly({ dataset: data, omitDateHeader: true });
    const result = await runRead(mockConfig(mock));
    expect(result.exitCode).toBe(0);
    expect(records(result)).toHaveLength(60);
    expect(logMessages(result)).toContain("Rootly's answer carries no Date header: this sync is bounded by the local clock only.");
  });
});
