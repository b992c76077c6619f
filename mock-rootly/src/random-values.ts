/**
 * Random values for the mock's audit records: item kinds drawn by weight from the shared Rootly
 * vocabulary, item names, and ids in Rootly's formats.
 */
import { ITEM_KINDS, type ItemKind } from 'rootly-vocabulary';
import { pick, randomInt } from './prng.js';

// Math's functions are held locally: in Jest's VM context every global lookup goes through an
// interceptor, which made these hot loops ~30x slower than in plain Node.
const { floor, min } = Math;

const TOTAL_WEIGHT = ITEM_KINDS.reduce((sum, kind) => sum + kind.weight, 0);

export function pickItemKind(random: () => number): ItemKind {
  let roll = random() * TOTAL_WEIGHT;
  for (const kind of ITEM_KINDS) {
    roll -= kind.weight;
    if (roll < 0) return kind;
  }
  return ITEM_KINDS[0] as ItemKind;
}

const WORDS = ['payments', 'checkout', 'search', 'api-gateway', 'billing', 'auth', 'edge', 'db-primary', 'queue', 'mobile'];

export function itemName(random: () => number): string {
  return `${pick(random, WORDS)}-${pick(random, WORDS)}-${randomInt(random, 100)}`;
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
