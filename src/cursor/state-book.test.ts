import { describe, expect, test } from '@jest/globals';
import { formatInstant, parseInstant, type Instant } from './instant.js';
import { StateBook } from './state-book.js';
import { parseStreamState, stateJson, type Position, type SavedState, type StateJson } from './state.js';

/** A book over [start, end) with the ranges ahead as a saved state spells them. */
function bookOf(start: Position, ahead: StateJson['ahead'], end: Instant): StateBook {
  const saved = parseStreamState({ created_at: formatInstant(start.instant), ids_at_created_at: [...start.ids], ahead }, 'audit_logs');
  if (!saved) throw new Error('no state');
  return new StateBook(saved, end);
}

/** The state the book would save now, in its JSON form. */
const composed = (book: StateBook): StateJson | undefined => {
  const state = book.compose();
  return state && stateJson(state);
};

const at = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(text);
  return instant;
};
const T = (hour: number): string => `2026-03-01T${String(hour).padStart(2, '0')}:00:00Z`;

/** Plans consecutive one-hour windows from the book's first unplanned stretch. */
function planHours(book: StateBook, count: number) {
  return Array.from({ length: count }, () => {
    const next = book.nextUnplanned();
    if (!next) throw new Error('nothing left to plan');
    const end = new Date(next.position.instant.epochSeconds * 1000 + 3_600_000).toISOString();
    return book.planWindow(next, at(end));
  });
}

describe('StateBook', () => {
  test('a state read back composes to itself, ranges ahead included', () => {
    const ahead = [
      { start: T(3), end: T(5), created_at: T(5), ids_at_created_at: [] },
      { start: T(6), end: T(7), created_at: '2026-03-01T06:30:00Z', ids_at_created_at: ['x'] },
    ];
    const book = bookOf({ instant: at(T(1)), ids: ['a'] }, ahead, at(T(9)));
    expect(composed(book)).toEqual({ created_at: T(1), ids_at_created_at: ['a'], ahead });
  });

  test('windows completing out of order: the frontier stays, finished windows travel ahead, then merge in', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(4)));
    const [w1, w2, w3] = planHours(book, 3);
    book.complete(w2!);
    book.complete(w3!);
    expect(composed(book)).toEqual({
      created_at: T(0),
      ids_at_created_at: [],
      ahead: [{ start: T(1), end: T(3), created_at: T(3), ids_at_created_at: [] }],
    });
    book.advance(w1!, { instant: at('2026-03-01T00:20:00Z'), ids: ['p'] });
    expect(composed(book)?.created_at).toBe('2026-03-01T00:20:00Z');
    book.complete(w1!);
    expect(composed(book)).toEqual({ created_at: T(3), ids_at_created_at: [] });
  });

  test('a window that emitted records past its safe position blocks every state until it completes', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(3)));
    const [w1, w2] = planHours(book, 2);
    book.markDirty(w2!);
    book.complete(w1!);
    expect(composed(book)).toBeUndefined();
    book.complete(w2!);
    expect(composed(book)).toEqual({ created_at: T(2), ids_at_created_at: [] });
  });

  test('the stretch after the planned windows is never skipped, even past a finished range ahead', () => {
    const ahead = [{ start: T(5), end: T(6), created_at: T(6), ids_at_created_at: [] }];
    const book = bookOf({ instant: at(T(0)), ids: [] }, ahead, at(T(8)));
    const [w1] = planHours(book, 1);
    book.complete(w1!);
    expect(composed(book)).toEqual({ created_at: T(1), ids_at_created_at: [], ahead });
  });

  test('a window split ahead of its position keeps what it delivered; the part split off resumes whole', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(4)));
    const [w1] = planHours(book, 1);
    book.advance(w1!, { instant: at('2026-03-01T00:10:00Z'), ids: ['p'] });
    const part = book.splitAhead(w1!, at('2026-03-01T00:30:00Z'));
    expect(book.nextUnplanned()?.origin).toEqual(at(T(1)));
    book.advance(part, { instant: at('2026-03-01T00:40:00Z'), ids: ['q'] });
    expect(composed(book)).toEqual({
      created_at: '2026-03-01T00:10:00Z',
      ids_at_created_at: ['p'],
      ahead: [{ start: '2026-03-01T00:30:00Z', end: T(1), created_at: '2026-03-01T00:40:00Z', ids_at_created_at: ['q'] }],
    });
    book.complete(w1!);
    book.complete(part);
    expect(composed(book)).toEqual({ created_at: T(1), ids_at_created_at: [] });
    expect(() => book.splitAhead(book.planWindow(book.nextUnplanned()!, at(T(2))), at(T(1)))).toThrow();
  });

  test('a window split behind hands its start, with the ids delivered there, to the part split off', () => {
    const book = bookOf({ instant: at(T(0)), ids: ['s'] }, [], at(T(2)));
    const [w1] = planHours(book, 1);
    book.markDirty(w1!);
    const part = book.splitBehind(w1!, at('2026-03-01T00:30:00Z'));
    expect(part.position).toEqual({ instant: at(T(0)), ids: ['s'] });
    expect(w1!.origin).toEqual(at('2026-03-01T00:30:00Z'));
    book.complete(part);
    // The window that emitted records past its position still blocks every state.
    expect(composed(book)).toBeUndefined();
    book.complete(w1!);
    expect(composed(book)).toEqual({ created_at: T(1), ids_at_created_at: [] });
  });

  test('a part split off ahead that delivered nothing is read whole after a resume, finished or not', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(4)));
    const [w1] = planHours(book, 1);
    book.advance(w1!, { instant: at('2026-03-01T00:10:00Z'), ids: ['p'] });
    const part = book.splitAhead(w1!, at('2026-03-01T00:30:00Z'));
    // No id at its start was delivered: a state naming one would make a resume skip that record.
    expect(composed(book)).toEqual({ created_at: '2026-03-01T00:10:00Z', ids_at_created_at: ['p'] });
    book.complete(part);
    expect(composed(book)).toEqual({
      created_at: '2026-03-01T00:10:00Z',
      ids_at_created_at: ['p'],
      ahead: [{ start: '2026-03-01T00:30:00Z', end: T(1), created_at: T(1), ids_at_created_at: [] }],
    });
  });

  test('a window split behind before it emitted anything resumes from its new start, skipping no record there', () => {
    const book = bookOf({ instant: at(T(0)), ids: ['s'] }, [], at(T(2)));
    const [w1] = planHours(book, 1);
    const part = book.splitBehind(w1!, at('2026-03-01T00:30:00Z'));
    book.complete(part);
    expect(composed(book)).toEqual({ created_at: '2026-03-01T00:30:00Z', ids_at_created_at: [] });
  });

  test('a finished window does not swallow the unread rest of a partly delivered one just before it', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(4)));
    const [, w2, w3] = planHours(book, 3);
    book.advance(w2!, { instant: at('2026-03-01T01:30:00Z'), ids: ['a'] });
    book.complete(w3!);
    expect(readAfterResume(book.compose(), T(4))).toEqual([
      [T(0), T(1)],
      ['2026-03-01T01:30:00Z', T(2)],
      [T(3), T(4)],
    ]);
  });

  test('refuses a split ahead that leaves an empty or inverted window', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(4)));
    const [w1] = planHours(book, 1);
    book.advance(w1!, { instant: at('2026-03-01T00:10:00Z'), ids: ['p'] });
    for (const where of ['2026-03-01T00:10:00Z', '2026-03-01T00:05:00Z', T(1), T(2)]) {
      expect(() => book.splitAhead(w1!, at(where))).toThrow('a window splits ahead only between its position and its end');
    }
    expect(composed(book)).toEqual({ created_at: '2026-03-01T00:10:00Z', ids_at_created_at: ['p'] });
    expect(book.nextUnplanned()?.origin).toEqual(at(T(1)));
  });

  test('refuses a split behind outside its bounds, or once it has confirmed a position: its records would be read again', () => {
    const book = bookOf({ instant: at(T(0)), ids: ['s'] }, [], at(T(4)));
    const [, w2] = planHours(book, 2);
    for (const where of ['2026-03-01T00:30:00Z', T(1), T(2), T(3)]) {
      expect(() => book.splitBehind(w2!, at(where))).toThrow('a window splits behind only at its unconfirmed start');
    }
    book.advance(w2!, { instant: at('2026-03-01T01:10:00Z'), ids: ['q'] });
    expect(() => book.splitBehind(w2!, at('2026-03-01T01:30:00Z'))).toThrow('a window splits behind only at its unconfirmed start');
    expect(readAfterResume(book.compose(), T(4))).toEqual([
      [T(0), T(1)],
      ['2026-03-01T01:10:00Z', T(2)],
      [T(2), T(4)],
    ]);
  });

  test('composeIfChanged hands out each distinct state once', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(1)));
    expect(book.composeIfChanged()).toBeDefined();
    expect(book.composeIfChanged()).toBeUndefined();
  });
});

/** The stretches a sync resumed from `state` would read, as [from, to) texts: what it does not take as delivered. */
function readAfterResume(state: SavedState | undefined, end: string): Array<[string, string]> {
  if (!state) throw new Error('no state to resume from');
  // Through the JSON form, as a resumed sync reads it.
  const saved = parseStreamState(stateJson(state), 'audit_logs');
  if (!saved) throw new Error('no state');
  const book = new StateBook(saved, at(end));
  const stretches: Array<[string, string]> = [];
  for (let next = book.nextUnplanned(); next; next = book.nextUnplanned()) {
    stretches.push([formatInstant(next.position.instant), formatInstant(next.end)]);
    book.planWindow(next, next.end);
  }
  return stretches;
}

describe('StateBook: what a resume reads again', () => {
  test('an unread window between two finished ones ahead is read again after a resume', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(4)));
    const [, w2, , w4] = planHours(book, 4);
    book.complete(w2!);
    book.complete(w4!);
    // [02:00, 03:00) is still being read and has emitted nothing: a resume must read it.
    expect(readAfterResume(book.compose(), T(4))).toEqual([
      [T(0), T(1)],
      [T(2), T(3)],
    ]);
  });

  test('finished windows side by side ahead travel as one range, and nothing between them is read again', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(4)));
    const [, w2, w3] = planHours(book, 3);
    book.complete(w2!);
    book.complete(w3!);
    expect(book.compose()?.ahead).toHaveLength(1);
    expect(readAfterResume(book.compose(), T(4))).toEqual([
      [T(0), T(1)],
      [T(3), T(4)],
    ]);
  });

  test('no state while a window ahead has emitted records past its safe position: a resume would repeat them', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(3)));
    const [w1, w2] = planHours(book, 2);
    book.advance(w1!, { instant: at('2026-03-01T00:30:00Z'), ids: ['a'] });
    book.markDirty(w2!);
    expect(book.compose()).toBeUndefined();
    book.complete(w2!);
    // Once it completes, a resume reads only what was not delivered: the rest of w1, and what follows w2.
    expect(readAfterResume(book.compose(), T(3))).toEqual([
      ['2026-03-01T00:30:00Z', T(1)],
      [T(2), T(3)],
    ]);
  });

  test('a window shrunk because it is dense still starts where it did: a state taken then loses nothing before its new end', () => {
    const book = bookOf({ instant: at(T(0)), ids: [] }, [], at(T(8)));
    const grown = book.planWindow(book.nextUnplanned()!, at(T(8)));
    book.shrinkWindow(grown, at(T(1)));
    expect(readAfterResume(book.compose(), T(8))).toEqual([[T(0), T(8)]]);
    expect(book.nextUnplanned()?.origin).toEqual(at(T(1)));
    book.complete(grown);
    expect(readAfterResume(book.compose(), T(8))).toEqual([[T(1), T(8)]]);
  });

  test('ranges ahead partly delivered are kept when read back, with or without ids at their position', () => {
    const ahead = [
      { start: T(3), end: T(4), created_at: '2026-03-01T03:30:00Z', ids_at_created_at: [] },
      { start: T(5), end: T(6), created_at: T(5), ids_at_created_at: ['x'] },
    ];
    const book = bookOf({ instant: at(T(1)), ids: [] }, ahead, at(T(8)));
    expect(composed(book)?.ahead).toEqual(ahead);
    expect(readAfterResume(book.compose(), T(8))).toEqual([
      [T(1), T(3)],
      ['2026-03-01T03:30:00Z', T(4)],
      [T(4), T(5)],
      [T(5), T(6)],
      [T(6), T(8)],
    ]);
  });
});
