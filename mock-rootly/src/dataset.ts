/**
 * Deterministic synthetic audit records. One seed always yields the same records, so tests and
 * benchmarks can compare runs; clusters of records share one millisecond because a single Rails
 * request often writes several audit rows, which is exactly what breaks naive timestamp cursors.
 */
import { AUTOMATION_USER_AGENT, EVENTS, SOURCES, USER_AGENTS, USERS, WORKFLOW_USER_AGENT, type ItemKind } from 'rootly-vocabulary';
import { formatWithOffset } from './instants.js';
import { mulberry32, pick, randomInt } from './prng.js';
import { hex, itemName, pickItemKind, uuid } from './random-values.js';
import type { AuditResource } from './resource.js';

// Math's functions are held locally: in Jest's VM context every global lookup goes through an
// interceptor, which made these hot loops ~30x slower than in plain Node.
const { floor, min } = Math;

export interface DatasetOptions {
  count: number;
  /** Inclusive lower bound of created_at. */
  start: Date;
  /** Exclusive upper bound of created_at. */
  end: Date;
  seed: number;
  /** Probability that a record opens a cluster of 2-6 records sharing one millisecond; default 0.05. */
  sameMillisecondClusterRate?: number;
}

interface Actor {
  userId: number | null;
  name: string | null;
  email: string | null;
  /** An automation account: it calls the API, never the web app. */
  automation: boolean;
  ips: string[];
  sessions: string[];
  userAgent: string;
}

interface Item {
  kind: ItemKind;
  id: string;
  name: string;
}

/** What one simulated HTTP request shares across the audit rows it writes. */
interface RequestContext {
  actor: Actor;
  requestId: string;
  ip: string | null;
  session: string | null;
  source: string;
}

// Mostly UTC, but Rootly renders other resources in the account's zone, so mix offsets in.
const OFFSETS_MINUTES = [0, 0, 0, -420, -420, -240, 330];
const FIRST_ID = 1_000_000;

export function generateDataset(options: DatasetOptions): AuditResource[] {
  const { count, seed } = options;
  const startMs = options.start.getTime();
  const endMs = options.end.getTime();
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (!(endMs > startMs)) throw new Error('end must be after start');

  const random = mulberry32(seed);
  const times = sortedTimes(random, count, startMs, endMs);
  const joined = clusterTimes(random, times, options.sameMillisecondClusterRate ?? 0.05);
  const ids = assignIds(random, times);
  const actors = buildActors(random);
  const items = Array.from({ length: 500 }, () => buildItem(random));

  const resources = new Array<AuditResource>(count);
  let context = newContext(random, actors);
  for (let i = 0; i < count; i++) {
    if (joined[i] === 0) context = newContext(random, actors);
    const createdAt = formatWithOffset(times[i] as number, pick(random, OFFSETS_MINUTES));
    resources[i] = buildResource(random, ids[i] as number, createdAt, pick(random, items), context);
  }
  return resources;
}

function sortedTimes(random: () => number, count: number, startMs: number, endMs: number): Float64Array {
  const span = endMs - startMs;
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = startMs + floor(random() * span);
  return times.sort();
}

/** Pulls followers onto their leader's millisecond; order is kept since followers were later. */
function clusterTimes(random: () => number, times: Float64Array, rate: number): Uint8Array {
  const joined = new Uint8Array(times.length);
  for (let i = 0; i < times.length;) {
    const size = random() < rate ? 2 + randomInt(random, 5) : 1;
    const leader = times[i] as number;
    for (let j = i + 1; j < min(i + size, times.length); j++) {
      times[j] = leader;
      joined[j] = 1;
    }
    i += size;
  }
  return joined;
}

/**
 * Ids grow with time but with gaps and occasional neighbours swapped across different
 * milliseconds (commit order is not creation order), so ids are not a usable cursor.
 * Within one millisecond ids stay ascending, keeping the (created_at, id) order.
 */
function assignIds(random: () => number, times: Float64Array): Float64Array {
  const ids = new Float64Array(times.length);
  let next = FIRST_ID;
  for (let i = 0; i < times.length; i++) {
    ids[i] = next;
    next += 1 + randomInt(random, 3);
    if (i > 0 && times[i] !== times[i - 1] && random() < 0.03) {
      const swap = ids[i] as number;
      ids[i] = ids[i - 1] as number;
      ids[i - 1] = swap;
    }
  }
  return ids;
}

function buildActors(random: () => number): Actor[] {
  const users = USERS.map((user): Actor => ({
    userId: user.id,
    name: user.name,
    email: user.email,
    automation: user.automation === true,
    ips: [`10.${randomInt(random, 256)}.${randomInt(random, 256)}.${randomInt(random, 256)}`, `2001:db8::${hex(random, 4)}`],
    sessions: [hex(random, 64), hex(random, 64), hex(random, 64)],
    userAgent: user.automation ? AUTOMATION_USER_AGENT : pick(random, USER_AGENTS),
  }));
  // Workflows and integrations act without a user: those columns come back null.
  const workflows: Actor = {
    userId: null,
    name: null,
    email: null,
    automation: true,
    ips: [],
    sessions: [],
    userAgent: WORKFLOW_USER_AGENT,
  };
  return [...users, workflows];
}

function buildItem(random: () => number): Item {
  return { kind: pickItemKind(random), id: uuid(random), name: itemName(random) };
}

function newContext(random: () => number, actors: Actor[]): RequestContext {
  const actor = random() < 0.05 ? (actors[actors.length - 1] as Actor) : pick(random, actors.slice(0, -1));
  const person = !actor.automation;
  return {
    actor,
    requestId: uuid(random),
    ip: actor.ips.length > 0 ? pick(random, actor.ips) : null,
    session: person && random() < 0.8 ? pick(random, actor.sessions) : null,
    source: person ? pick(random, SOURCES) : 'api',
  };
}

function buildResource(random: () => number, id: number, createdAt: string, item: Item, context: RequestContext): AuditResource {
  const event = pick(random, EVENTS);
  const field = pick(random, item.kind.fields);
  const before = fieldValue(random, field);
  let object: Record<string, unknown> | null = null;
  let changes: Record<string, unknown[]> | null = null;
  // Properties are added one by one: computed keys in literals took V8's slow path (~2 s per million).
  if (event === 'create') changes = { id: [null, item.id], name: [null, item.name] };
  else {
    object = { id: item.id, name: item.name };
    object[field] = before;
    if (event === 'update') {
      changes = {};
      changes[field] = [before, fieldValue(random, field)];
    }
  }
  return {
    id: String(id),
    type: 'audits',
    attributes: {
      event,
      item_type: item.kind.itemType,
      item_type_display: item.kind.display,
      item_id: item.id,
      object,
      object_changes: changes,
      user_id: context.actor.userId,
      user_name: context.actor.name,
      user_email: context.actor.email,
      ip_address: context.ip,
      user_agent: context.actor.userAgent,
      request_id: context.requestId,
      session_id: context.session,
      // Not in the spec, but Rootly's own tooling reads it: consumers must pass it through.
      source: context.source,
      created_at: createdAt,
      id,
    },
  };
}

const WORDS = ['started', 'mitigated', 'resolved', 'sev0', 'sev1', 'sev2', 'admin', 'observer', 'on-call'];

function fieldValue(random: () => number, field: string): unknown {
  if (field.endsWith('_id') || field.endsWith('_count')) return 1 + randomInt(random, 500);
  if (field.endsWith('_ids') || field.endsWith('_channels')) return [1 + randomInt(random, 50)];
  if (field === 'enabled' || field === 'public') return random() < 0.5;
  return pick(random, WORDS);
}
