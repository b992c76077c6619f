import { AUTOMATION_USER_AGENT, EVENTS, ITEM_KINDS, SOURCES, USER_AGENTS, USERS } from 'rootly-vocabulary';
import type { AuditResource } from '../rootly/audits.js';

/**
 * Deterministic, realistic audit logs: the same minute always holds the same events, so the same
 * time range always yields the same records, and time moving on brings new ones. Each minute's
 * events are derived from a hash of (seed, minute); nothing is stored. The words (item types,
 * users, user agents) are the shared Rootly vocabulary, which the mock Rootly server speaks too.
 */

const MINUTE_MS = 60_000;
const MAX_EVENTS_PER_MINUTE = 6;

/** A small, fast 32-bit hash (murmur3 finaliser) so that every value is a pure function of its inputs. */
function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h = Math.imul(h ^ (value | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + Math.floor(value / 4294967296)) | 0;
  }
  return h >>> 0;
}

const pick = <T>(items: readonly T[], hash: number): T => items[hash % items.length] as T;

function hex(hash: number, length: number): string {
  return hash
    .toString(16)
    .padStart(8, '0')
    .repeat(Math.ceil(length / 8))
    .slice(0, length);
}

/** How many events a minute holds: busier on weekday working hours, as real audit trails are. */
export function eventsInMinute(minute: number, seed: number): number {
  const date = new Date(minute * MINUTE_MS);
  const weekday = date.getUTCDay() % 6 !== 0;
  const hour = date.getUTCHours();
  const busy = weekday && hour >= 13 && hour < 23;
  const roll = mix(seed, minute) % 1000;
  const threshold = busy ? 120 : 25; // ~0.15 / ~0.03 events per minute on average
  if (roll >= threshold) return 0;
  return 1 + (mix(seed, minute, 1) % (busy ? MAX_EVENTS_PER_MINUTE : 2));
}

/** The millisecond offsets of a minute's events, ascending; some events share a millisecond. */
function offsetsInMinute(minute: number, seed: number, count: number): number[] {
  const offsets: number[] = [];
  for (let slot = 0; slot < count; slot += 1) {
    const sharesPrevious = slot > 0 && mix(seed, minute, slot, 7) % 4 === 0;
    offsets.push(sharesPrevious ? (offsets[slot - 1] as number) : mix(seed, minute, slot, 3) % MINUTE_MS);
  }
  return offsets.sort((a, b) => a - b);
}

export interface SyntheticEvent {
  epochMs: number;
  minute: number;
  slot: number;
}

/** The events of [startMs, endMs) in ascending (time, id) order, lazily. */
export function* syntheticEvents(startMs: number, endMs: number, seed: number): Generator<SyntheticEvent> {
  for (let minute = Math.floor(startMs / MINUTE_MS); minute * MINUTE_MS < endMs; minute += 1) {
    const count = eventsInMinute(minute, seed);
    if (count === 0) continue;
    const offsets = offsetsInMinute(minute, seed, count);
    for (let slot = 0; slot < count; slot += 1) {
      const epochMs = minute * MINUTE_MS + (offsets[slot] as number);
      if (epochMs >= startMs && epochMs < endMs) yield { epochMs, minute, slot };
    }
  }
}

/** The full audit resource of one event, in the shape Rootly's API sends. */
export function syntheticResource(event: SyntheticEvent, seed: number): AuditResource {
  const h = (salt: number): number => mix(seed, event.minute, event.slot, salt);
  const numericId = event.minute * 10 + event.slot;
  const user = pick(USERS, h(11));
  const item = pick(ITEM_KINDS, h(12));
  const action = pick(EVENTS, h(13));
  const field = pick(item.fields, h(14));
  const itemId = `${hex(h(15), 8)}-${hex(h(16), 4)}-4${hex(h(17), 3)}-a${hex(h(18), 3)}-${hex(h(19), 12)}`;
  const before = action === 'create' ? null : `${field}-v${h(20) % 9}`;
  const after = action === 'destroy' ? null : `${field}-v${(h(20) % 9) + 1}`;
  const source = user.automation ? 'api' : pick(SOURCES, h(21));
  return {
    id: String(numericId),
    type: 'audits',
    attributes: {
      event: action,
      item_type: item.itemType,
      item_type_display: item.display,
      item_id: itemId,
      object: { id: itemId, [field]: after },
      object_changes: { [field]: [before, after], updated_at: [null, new Date(event.epochMs).toISOString()] },
      user_id: user.id,
      user_name: user.name,
      user_email: user.email,
      ip_address: `203.0.113.${(h(22) % 254) + 1}`,
      user_agent: user.automation ? AUTOMATION_USER_AGENT : pick(USER_AGENTS, h(23)),
      request_id: `${hex(h(24), 8)}-${hex(h(25), 4)}-${hex(h(26), 4)}-${hex(h(27), 4)}-${hex(h(28), 12)}`,
      session_id: source === 'web' ? hex(h(29), 32) : null,
      source,
      created_at: new Date(event.epochMs).toISOString(),
      id: numericId,
    },
  };
}
