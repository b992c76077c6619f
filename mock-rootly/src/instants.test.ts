import { describe, expect, it } from '@jest/globals';
import { compareInstants, formatWithOffset, parseInstant, type Instant } from './instants.js';

const parse = (text: string): Instant => {
  const instant = parseInstant(text);
  if (!instant) throw new Error(`unparsable ${text}`);
  return instant;
};

describe('instants', () => {
  it('reads offsets as the same instant', () => {
    expect(parse('2025-04-02T13:38:10.476-07:00')).toEqual(parse('2025-04-02T20:38:10.476Z'));
    expect(parse('2025-04-02T20:38:10.476Z').ms).toBe(Date.parse('2025-04-02T20:38:10.476Z'));
    expect(parse('2025-04-03T02:08:10+05:30')).toEqual(parse('2025-04-02T20:38:10Z'));
    expect(parse('2025-04-02T20:38:10.476+0000')).toEqual(parse('2025-04-02T20:38:10.476Z'));
  });

  it('keeps precision past the millisecond', () => {
    expect(compareInstants(parse('2025-01-01T00:00:00.000001Z'), parse('2025-01-01T00:00:00Z'))).toBeGreaterThan(0);
    expect(compareInstants(parse('2025-01-01T00:00:00.1234567Z'), parse('2025-01-01T00:00:00.12345Z'))).toBeGreaterThan(0);
    expect(compareInstants(parse('2025-01-01T00:00:00.500000Z'), parse('2025-01-01T00:00:00.5Z'))).toBe(0);
    expect(compareInstants(parse('2025-01-01T00:00:00.9Z'), parse('2025-01-01T00:00:01Z'))).toBeLessThan(0);
  });

  it('rejects what is not an ISO-8601 timestamp', () => {
    for (const text of ['', 'yesterday', '2025-02-30T00:00:00Z', '2025-01-01T00:00:00 02:00', '2025-01-01T25:00:00Z', '1735689600']) {
      expect(parseInstant(text)).toBeUndefined();
    }
  });

  it('formats with milliseconds in any offset, round-tripping', () => {
    const ms = Date.parse('2024-02-29T23:59:59.007Z');
    expect(formatWithOffset(ms, 0)).toBe('2024-02-29T23:59:59.007Z');
    expect(formatWithOffset(ms, -420)).toBe('2024-02-29T16:59:59.007-07:00');
    expect(formatWithOffset(ms, 330)).toBe('2024-03-01T05:29:59.007+05:30');
    expect(parse(formatWithOffset(ms, -420)).ms).toBe(ms);
  });
});
