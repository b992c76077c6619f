import { compareInstants, parseInstant, type Instant } from '../cursor/instant.js';
import { SortTrust, WindowCursor } from '../cursor/window-cursor.js';
import { AUDIT_KEYS, type AuditResource } from '../rootly/audits.js';
import type { Page, PageRequest, PageSource } from './page-source.js';
import { readWindow, type WindowCounters, type WindowEvent, type WindowReadOptions } from './window-reader.js';

/*
 * One window read from a scripted in-memory source. Each reading of the window (a request without a
 * link) serves the next script in the list, the last one again once the list runs out. The oracle:
 * every record exactly once, and no position handed out before every record it covers was emitted.
 */

export const at = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(`bad instant ${text}`);
  return instant;
};
export const minute = (m: number): string => `2025-04-02T20:${String(m).padStart(2, '0')}:00Z`;
export const audit = (id: string, m: number): AuditResource => ({
  id,
  type: 'audits',
  attributes: { event: 'update', created_at: minute(m) },
});

export const WINDOW = { start: at('2025-04-02T20:00:00Z'), end: at('2025-04-02T21:00:00Z') };
export const [A, B, X, C, D] = [audit('a', 10), audit('b', 20), audit('x', 25), audit('c', 30), audit('d', 40)];
export const ALL = [A, B, X, C, D] as AuditResource[];

export interface Script {
  pages: AuditResource[][];
  /** meta.total_count of the reading; absent when the server sends no meta. */
  total?: number;
  /** The last page still links on (to an empty page that ends the walk). */
  emptyTail?: boolean;
  /** Every page links on, past the list serving its last page again: a walk that would never end. */
  endless?: boolean;
}

/** A source that keeps answering a runaway walk is cut off here, so that a test fails instead of hanging. */
const RUNAWAY_REQUESTS = 200;

export class ScriptedSource implements PageSource<AuditResource> {
  readonly requests: PageRequest[] = [];
  onRequest: (count: number) => void = () => undefined;
  private reading = -1;

  constructor(private readonly scripts: readonly Script[]) {}

  async fetchPage(request: PageRequest): Promise<Page<AuditResource>> {
    this.requests.push(request);
    this.onRequest(this.requests.length);
    if (this.requests.length > RUNAWAY_REQUESTS) throw new Error('the walk never ended');
    if (request.link === undefined) this.reading += 1;
    const script = this.scripts[Math.min(this.reading, this.scripts.length - 1)] as Script;
    const index = request.link === undefined ? 0 : Number(new URL(request.link).searchParams.get('page'));
    const link = (page: number): string => `https://rootly.test/v1/audits?reading=${this.reading}&page=${page}`;
    const last = script.endless ? Infinity : script.pages.length - 1 + (script.emptyTail ? 1 : 0);
    const resources = script.pages[index] ?? (script.endless ? script.pages.at(-1) : undefined) ?? [];
    return {
      resources: [...resources],
      nextLink: index < last ? link(index + 1) : null,
      selfLink: link(index),
      ...(script.total !== undefined ? { totalCount: script.total } : {}),
    };
  }
}

export const trusted = (): SortTrust => {
  const trust = new SortTrust();
  trust.recordAscendingWindow(20);
  return trust;
};

/** A reading of the window that serves four of its five records: the server reported 5. */
export const SHORT: Script = {
  pages: [
    [A, B],
    [C, D],
  ],
  total: 5,
};
/** A reading of the window that serves all five records it reported. */
export const FULL: Script = { pages: [[A, B], [X, C], [D]], total: 5 };

export const newCounters = (): WindowCounters => ({ pages: 0, pagesLargerThanAsked: 0, skippedOutsideWindow: 0, skippedDuplicates: 0 });

/** readWindow's options as these tests read a window (audits, pages of two, the total reported); `overrides` replace any. */
export const windowOptions = (
  pages: PageSource<AuditResource>,
  overrides: Partial<WindowReadOptions<AuditResource, AuditResource[]>> = {},
): WindowReadOptions<AuditResource, AuditResource[]> => ({
  pages,
  keys: AUDIT_KEYS,
  reportsEstimate: true,
  progress: { morePages: true },
  render: (resources) => resources,
  pageSize: 2,
  mayBeDense: false,
  warn: () => undefined,
  signal: new AbortController().signal,
  emit: async () => undefined,
  ...overrides,
});

export interface WindowRun {
  events: Array<WindowEvent<AuditResource[]>>;
  emitted: string[];
  /** Records a saved position claimed delivered before they were emitted: lost after a crash there. */
  claimedBeforeEmitted: string[];
  warnings: string[];
  counters: WindowCounters;
  source: ScriptedSource;
  /** What readWindow threw, if it did. */
  failure?: unknown;
}

export interface ReadOptions {
  trust?: SortTrust;
  /** The window was grown over empty history. */
  mayBeDense?: boolean;
  /** Ids an earlier sync delivered at the window's start. */
  deliveredAtStart?: string[];
  /** The sync is stopped once this many pages were fetched. */
  stopAfterPages?: number;
}

export async function read(scripts: Script[], options: ReadOptions = {}): Promise<WindowRun> {
  const source = new ScriptedSource(scripts);
  // The sync stops (another window failed) once this many pages were asked for.
  const stop = new AbortController();
  if (options.stopAfterPages !== undefined)
    source.onRequest = (count) => {
      if (count >= (options.stopAfterPages ?? Infinity)) stop.abort();
    };
  const run: WindowRun = {
    events: [],
    emitted: [],
    claimedBeforeEmitted: [],
    warnings: [],
    counters: newCounters(),
    source,
  };
  const cursor = new WindowCursor(WINDOW, options.deliveredAtStart ?? [], options.trust ?? trusted());
  const reading = readWindow(
    cursor,
    run.counters,
    windowOptions(source, {
      mayBeDense: options.mayBeDense ?? false,
      warn: (message) => run.warnings.push(message),
      signal: stop.signal,
      emit: async (event) => {
        run.events.push(event);
        if (event.kind !== 'records') return;
        run.emitted.push(...event.records.map((r) => r.id));
        const position = event.position;
        if (!position) return;
        const covered = ALL.filter((r) => {
          const vs = compareInstants(at(r.attributes.created_at), position.instant);
          return vs < 0 || (vs === 0 && position.ids.includes(r.id));
        });
        run.claimedBeforeEmitted.push(...covered.map((r) => r.id).filter((id) => !run.emitted.includes(id)));
      },
    }),
  );
  await reading.catch((error: unknown) => (run.failure = error));
  return run;
}

export const sorted = (ids: readonly string[]): string[] => [...ids].sort();
export const completions = (run: WindowRun): number => run.events.filter((e) => e.kind === 'complete').length;
