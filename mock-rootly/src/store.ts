/**
 * The mock's table of audits: kept sorted by (instant of created_at, numeric id) so a
 * created_at filter is two binary searches and any page is index arithmetic, which keeps a
 * million records cheap to page through in every order.
 */
import type { AuditResource } from './resource.js';
import { compareInstants, parseInstant, type Instant } from './instants.js';
import { permutation } from './prng.js';

export interface CreatedAtBounds {
  gt?: Instant;
  gte?: Instant;
  lt?: Instant;
  lte?: Instant;
}

export type SelectionOrder = 'asc' | 'desc' | 'shuffled';

/** The filtered records in serving order, addressed by position. */
export interface Selection {
  length: number;
  resourceAt(position: number): AuditResource;
}

const NUMERIC = /^\d+$/;

/** Numeric ids compare as numbers (by length first, so any size works); others as strings. */
export function compareIds(a: string, b: string): number {
  if (NUMERIC.test(a) && NUMERIC.test(b) && a.length !== b.length) return a.length - b.length;
  return a === b ? 0 : a < b ? -1 : 1;
}

export class AuditStore {
  private resources: AuditResource[] = [];
  // Instants are split into a typed array plus a sparse map (sub-millisecond digits are rare)
  // so a million records do not cost a million extra objects.
  private ms = new Float64Array(0);
  private sub = new Map<number, string>();
  /** Positions of records invisible until an epoch ms. */
  private hidden: Array<{ index: number; until: number }> = [];
  private version = 0;
  private shuffleCache = new Map<string, Uint32Array>();

  get size(): number {
    return this.resources.length;
  }

  load(resources: readonly AuditResource[], hiddenUntil?: ReadonlyMap<string, number>): void {
    const count = resources.length;
    const ms = new Float64Array(count);
    const sub = new Map<number, string>();
    resources.forEach((resource, index) => {
      const instant = parseInstant(resource.attributes.created_at);
      if (!instant) throw new Error(`record ${resource.id} has an unparsable created_at: ${resource.attributes.created_at}`);
      ms[index] = instant.ms;
      if (instant.sub !== '') sub.set(index, instant.sub);
    });
    // Milliseconds first, without building Instant objects: this runs a million times on load.
    const compare = (a: number, b: number): number =>
      (ms[a] as number) - (ms[b] as number) ||
      compareInstants({ ms: 0, sub: sub.get(a) ?? '' }, { ms: 0, sub: sub.get(b) ?? '' }) ||
      compareIds((resources[a] as AuditResource).id, (resources[b] as AuditResource).id);
    let sorted = true;
    for (let i = 1; i < count && sorted; i++) sorted = compare(i - 1, i) <= 0;
    if (sorted) {
      // generateDataset output is already in order: skip the index shuffle entirely.
      this.resources = [...resources];
      this.ms = ms;
      this.sub = sub;
    } else {
      const order = Array.from({ length: count }, (_, index) => index).sort(compare);
      this.resources = order.map((index) => resources[index] as AuditResource);
      this.ms = Float64Array.from(order, (index) => ms[index] as number);
      this.sub = new Map();
      order.forEach((index, position) => {
        const digits = sub.get(index);
        if (digits !== undefined) this.sub.set(position, digits);
      });
    }
    this.hidden = [];
    if (hiddenUntil && hiddenUntil.size > 0) {
      this.resources.forEach((resource, index) => {
        const until = hiddenUntil.get(resource.id);
        if (until !== undefined) this.hidden.push({ index, until });
      });
    }
    this.version++;
    this.shuffleCache.clear();
  }

  select(bounds: CreatedAtBounds, order: SelectionOrder, now: number, seed: number): Selection {
    const [lo, hi] = this.range(bounds);
    const visible = this.visibleIndices(lo, hi, now);
    const count = visible ? visible.length : hi - lo;
    const indexAt = visible ? (k: number) => visible[k] as number : (k: number) => lo + k;
    const resourceAt = (index: number) => this.resources[index] as AuditResource;
    if (order === 'asc') return { length: count, resourceAt: (p) => resourceAt(indexAt(p)) };
    if (order === 'desc') return { length: count, resourceAt: (p) => resourceAt(indexAt(count - 1 - p)) };
    const shuffle = this.shuffle(count, `${lo}:${hi}`, seed, visible === undefined);
    return { length: count, resourceAt: (p) => resourceAt(indexAt(shuffle[p] as number)) };
  }

  /** [lo, hi) positions satisfying every bound; all bounds are ANDed like Rails scopes. */
  private range(bounds: CreatedAtBounds): [number, number] {
    let lo = 0;
    let hi = this.ms.length;
    if (bounds.gte)
      lo = Math.max(
        lo,
        this.firstIndex((c) => c >= 0, bounds.gte),
      );
    if (bounds.gt)
      lo = Math.max(
        lo,
        this.firstIndex((c) => c > 0, bounds.gt),
      );
    if (bounds.lt)
      hi = Math.min(
        hi,
        this.firstIndex((c) => c >= 0, bounds.lt),
      );
    if (bounds.lte)
      hi = Math.min(
        hi,
        this.firstIndex((c) => c > 0, bounds.lte),
      );
    return [lo, Math.max(lo, hi)];
  }

  /** First position whose comparison with bound satisfies ok (ok is monotone over the sorted array). */
  private firstIndex(ok: (comparison: number) => boolean, bound: Instant): number {
    let lo = 0;
    let hi = this.ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ok(compareInstants({ ms: this.ms[mid] as number, sub: this.sub.get(mid) ?? '' }, bound))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private visibleIndices(lo: number, hi: number, now: number): Uint32Array | undefined {
    const hiddenNow = new Set(this.hidden.filter((h) => h.index >= lo && h.index < hi && h.until > now).map((h) => h.index));
    if (hiddenNow.size === 0) return undefined;
    const visible = new Uint32Array(hi - lo - hiddenNow.size);
    let k = 0;
    for (let i = lo; i < hi; i++) if (!hiddenNow.has(i)) visible[k++] = i;
    return visible;
  }

  /** The same filter always shuffles the same way, so page N+1 continues page N. */
  private shuffle(count: number, key: string, seed: number, cacheable: boolean): Uint32Array {
    const cacheKey = `${this.version}:${seed}:${key}`;
    const cached = this.shuffleCache.get(cacheKey);
    if (cached) return cached;
    const order = permutation(count, seed ^ 0x5eed);
    if (cacheable) {
      if (this.shuffleCache.size >= 16) this.shuffleCache.clear();
      this.shuffleCache.set(cacheKey, order);
    }
    return order;
  }
}
