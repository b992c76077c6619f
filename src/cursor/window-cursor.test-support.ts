import { instantOf, type AuditResource } from '../rootly/audits.js';
import { parseInstant, type Instant } from './instant.js';
import { stateJson, type StateJson } from './state.js';
import { SortTrust, WindowCursor, type Admission } from './window-cursor.js';

/* Helpers shared by the WindowCursor tests: one window [START, END), fed page by page as the stream does. */

export const at = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(`bad instant ${text}`);
  return instant;
};
export const audit = (id: string, createdAt: string): AuditResource => ({
  id,
  type: 'audits',
  attributes: { event: 'update', created_at: createdAt },
});

export const START = '2025-04-02T20:00:00Z';
export const END = '2025-04-02T21:00:00Z';
export const T1 = '2025-04-02T20:10:00.100Z';
export const T2 = '2025-04-02T20:20:00.200Z';
export const T3 = '2025-04-02T20:30:00.300Z';

/** A sort trust already earned by an earlier window, so that mid-window checkpoints are allowed. */
export function earnedTrust(): SortTrust {
  const trust = new SortTrust();
  trust.recordAscendingWindow(20);
  return trust;
}

export function cursor(deliveredAtStart: string[] = [], trust = earnedTrust()): WindowCursor {
  return new WindowCursor({ start: at(START), end: at(END) }, deliveredAtStart, trust);
}

/** The position the cursor confirms before a page of these instants, as a saved state spells it. */
export function checkpointBefore(c: WindowCursor, instants: readonly Instant[]): StateJson | undefined {
  const position = c.confirmBefore(instants);
  return position && stateJson({ position, ahead: [] });
}

/** Feeds one page the way the stream does: checkpoint first, then admissions. */
export function page(c: WindowCursor, resources: AuditResource[]): { checkpoint: StateJson | undefined; admissions: Admission[] } {
  const instants = resources.map(instantOf);
  const checkpoint = checkpointBefore(c, instants);
  const admissions: Admission[] = resources.map((r, i) => c.admit(r.id, instants[i] as Instant));
  return { checkpoint, admissions };
}

/** The instant `m` minutes after 20:00 (m < 60), inside the window. */
export const minute = (m: number): string => `2025-04-02T20:${String(m).padStart(2, '0')}:00Z`;

/** `count` records one minute apart from 20:10 (ids `${prefix}${i}`), newest first if `descending`. */
export function minutes(prefix: string, count: number, descending = false): AuditResource[] {
  const records = Array.from({ length: count }, (_, i) => audit(`${prefix}${i}`, minute(10 + i)));
  return descending ? records.reverse() : records;
}

/** Feeds `records` as consecutive pages of `size`; returns each page's checkpoint. */
export function pages(c: WindowCursor, records: AuditResource[], size: number): (StateJson | undefined)[] {
  const checkpoints: (StateJson | undefined)[] = [];
  for (let i = 0; i < records.length; i += size) checkpoints.push(page(c, records.slice(i, i + size)).checkpoint);
  return checkpoints;
}

/**
 * A window read newest first through 20:45 down to 20:16 (30 records, pages of 6): the order is
 * proven, so its start may be moved behind; the oldest admitted is 20:16.
 */
export function newestFirstWindow(): { trust: SortTrust; c: WindowCursor } {
  const trust = new SortTrust();
  const c = cursor([], trust);
  pages(c, minutes('d', 36, true).slice(0, 30), 6);
  if (!c.mayStartLater) throw new Error('newest-first order should be proven by now');
  return { trust, c };
}
