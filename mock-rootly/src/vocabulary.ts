/**
 * Word lists for synthetic audit records. Item types are taken from the enum in Rootly's
 * published spec so generated pages validate against it; weights mimic a busy incident team.
 */
import { pick, randomInt } from './prng.js';

// Math's functions are held locally: in Jest's VM context every global lookup goes through an
// interceptor, which made these hot loops ~30x slower than in plain Node.
const { floor, min } = Math;

export interface ItemKind {
  itemType: string;
  display: string;
  weight: number;
  /** Fields an update on this kind of item typically changes. */
  fields: readonly string[];
}

export const ITEM_KINDS: readonly ItemKind[] = [
  { itemType: 'Incident', display: 'Incident', weight: 30, fields: ['status', 'severity_id', 'title', 'summary'] },
  { itemType: 'IncidentActionItem', display: 'Action Item', weight: 8, fields: ['status', 'assigned_to_user_id'] },
  { itemType: 'Schedule', display: 'Schedule', weight: 10, fields: ['name', 'description'] },
  { itemType: 'Alerts::Source', display: 'Alert Source', weight: 8, fields: ['name', 'status'] },
  { itemType: 'Membership', display: 'User', weight: 8, fields: ['role', 'email'] },
  { itemType: 'Group', display: 'Team', weight: 7, fields: ['name', 'slack_channels'] },
  { itemType: 'Service', display: 'Service', weight: 8, fields: ['name', 'owner_group_ids'] },
  { itemType: 'GeniusWorkflow', display: 'Workflow', weight: 7, fields: ['enabled', 'triggers', 'name'] },
  { itemType: 'EscalationPolicy', display: 'Escalation Policy', weight: 4, fields: ['name', 'repeat_count'] },
  { itemType: 'ApiKey', display: 'API Key', weight: 2, fields: ['name', 'expires_at'] },
  { itemType: 'Severity', display: 'Severity', weight: 2, fields: ['name', 'color'] },
  { itemType: 'StatusPage', display: 'Status Page', weight: 3, fields: ['title', 'public'] },
  { itemType: 'Role', display: 'Role', weight: 3, fields: ['name', 'audits_permissions'] },
];

const TOTAL_WEIGHT = ITEM_KINDS.reduce((sum, kind) => sum + kind.weight, 0);

export function pickItemKind(random: () => number): ItemKind {
  let roll = random() * TOTAL_WEIGHT;
  for (const kind of ITEM_KINDS) {
    roll -= kind.weight;
    if (roll < 0) return kind;
  }
  return ITEM_KINDS[0] as ItemKind;
}

export const EVENTS = ['create', 'update', 'update', 'update', 'destroy'] as const;

export const SOURCES = ['web', 'web', 'web', 'api', 'slack', 'mobile', 'scim', 'oauth'] as const;

export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Slackbot 1.0 (+https://api.slack.com/robots)',
  'rootly-cli/0.9.2',
  'terraform-provider-rootly/2.18.0',
  'Rootly/4.12 (iPhone; iOS 17.4)',
] as const;

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia', 'Edsger', 'Hedy'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Turing', 'Perlman'];
const WORDS = ['payments', 'checkout', 'search', 'api-gateway', 'billing', 'auth', 'edge', 'db-primary', 'queue', 'mobile'];

export function itemName(random: () => number): string {
  return `${pick(random, WORDS)}-${pick(random, WORDS)}-${randomInt(random, 100)}`;
}

export function personName(random: () => number): string {
  return `${pick(random, FIRST)} ${pick(random, LAST)}`;
}

// Strings are assembled in one scratch buffer: building them by concatenation leaves rope
// strings and garbage behind, which made a million records cost seconds of GC and ~1 GB.
const scratch = Buffer.allocUnsafe(64);
const HEX = Buffer.from('0123456789abcdef', 'latin1');

export function hex(random: () => number, length: number): string {
  fillHex(random, 0, length);
  return scratch.toString('latin1', 0, length);
}

/** A version-4-shaped UUID (8-4-4-4-12 lower-case hex). */
export function uuid(random: () => number): string {
  fillHex(random, 0, 36);
  for (const dash of [8, 13, 18, 23]) scratch[dash] = 0x2d;
  scratch[14] = 0x34;
  scratch[19] = 0x61;
  return scratch.toString('latin1', 0, 36);
}

function fillHex(random: () => number, from: number, to: number): void {
  for (let i = from; i < to; i += 8) {
    let word = floor(random() * 0x100000000);
    for (let j = i; j < min(i + 8, to); j++) {
      scratch[j] = HEX[word & 15] as number;
      word >>>= 4;
    }
  }
}
