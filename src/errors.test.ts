import { describe, expect, test } from '@jest/globals';
import { asConnectorError, systemError } from './errors.js';

describe('ConnectorError.fullStack', () => {
  test('names each cause down the chain', () => {
    const root = new Error('socket hang up');
    const failure = systemError('Rootly could not be reached.', { cause: new Error('request failed', { cause: root }) });
    expect(failure.fullStack).toMatch(
      /^ConnectorError: Rootly could not be reached\.[\s\S]*Caused by: Error: request failed[\s\S]*Caused by: Error: socket hang up/,
    );
  });

  const circular: Record<string, unknown> = { code: 'LOOP' };
  circular['self'] = circular;
  test.each([
    ['a plain object', { code: 'E42' }, '{"code":"E42"}'],
    ['a string', 'went wrong', '"went wrong"'],
    ['a BigInt', 10n, '10'],
    ['a circular object', circular, '[object Object]'],
    ['an object without a prototype', Object.create(null) as unknown, '{}'],
    ['a symbol', Symbol('odd'), 'Symbol(odd)'],
  ])('a thrown value that is no Error, %s, is described instead of breaking the failure report', (_label, thrown, described) => {
    const failure = asConnectorError(thrown);
    expect(failure.failureType).toBe('system_error');
    expect(failure.fullStack.split('\nCaused by: ').at(-1)).toBe(described);
  });
});
