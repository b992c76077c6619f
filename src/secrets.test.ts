import { describe, expect, test } from '@jest/globals';
import { maskedExcerpt, maskSecrets, registerSecret, secretProblem } from './secrets.js';

const KEY = 'rk-live-Q8zT"w\\e/+=%é_7Yx';
registerSecret(KEY);

/** A line as the emitter writes it: one JSON message. */
const line = (text: string): string => JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: text } });

/** Every way the key may be spelt in a text, for the assertions. */
function spellingsOf(key: string): string[] {
  const json = JSON.stringify(key).slice(1, -1);
  const base64 = (prefix: string): string => Buffer.from(`${prefix}${key}`, 'latin1').toString('base64');
  return [
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(key),
    new URLSearchParams({ k: key }).toString().slice(2),
    base64(''),
    base64('Bearer '),
    base64('u:'),
  ];
}

describe('maskSecrets', () => {
  test.each([
    ['raw in a message', (key: string) => key],
    ['JSON-escaped by a server quoting it', (key: string) => JSON.stringify(key)],
    ['double-escaped', (key: string) => JSON.stringify(JSON.stringify(key))],
    ['in a text that quotes a JSON document holding it', (key: string) => JSON.stringify({ title: JSON.stringify({ token: key }) })],
    ['percent-encoded in a link', (key: string) => `https://api.example/v1/audits?token=${encodeURIComponent(key)}`],
    ['form-encoded in a link', (key: string) => `https://api.example/v1/audits?${new URLSearchParams({ token: key }).toString()}`],
    ['lower-case percent escapes', (key: string) => encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['base64 on its own', (key: string) => Buffer.from(key, 'latin1').toString('base64')],
    ['base64 of a Bearer header', (key: string) => Buffer.from(`Bearer ${key}`, 'latin1').toString('base64')],
    ['base64 of Basic credentials', (key: string) => Buffer.from(`user:${key}`, 'latin1').toString('base64')],
    ['base64url', (key: string) => Buffer.from(`ab${key}`, 'latin1').toString('base64url')],
  ])('hides the key %s, and the line stays one valid JSON message', (_label, spell) => {
    const text = `before ${spell(KEY)} after`;
    const masked = maskSecrets(line(text));
    expect(() => JSON.parse(masked) as unknown).not.toThrow();
    for (const form of spellingsOf(KEY)) expect(masked).not.toContain(form);
    expect(masked).toContain('**********');
  });

  test('a key echoed at the edge of a long text is hidden before it is cut', () => {
    const title = `${'x'.repeat(290)}${KEY}${'y'.repeat(50)}`;
    const excerpt = maskedExcerpt(title, 300);
    expect(excerpt.length).toBeLessThanOrEqual(301);
    for (let size = 8; size <= KEY.length; size += 1) expect(excerpt).not.toContain(KEY.slice(0, size));
  });

  test('text without a key is left as it is', () => {
    const text = line('nothing secret here: {"a":[1,2e5,true,null]}');
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('a mask never breaks a JSON line, whatever surrounds the key', () => {
  // Keys chosen to collide with JSON escapes: starting with an escape letter, ending in a
  // backslash, holding quotes and \u-looking text.
  const hostileKeys = ['nkey-abc-123', 'u00e9-key-456', 'key-ending-in\\', '"quoted"-key-7', 'rk\\"x\\\\y-89', 'bfnrt-key/0'];
  for (const key of hostileKeys) registerSecret(key);
  const fragments = (key: string): string[] => [
    key,
    '\n',
    '\r',
    '\\',
    '"',
    'é',
    '\u0001',
    'u00e9',
    key.slice(0, 4),
    key.slice(3),
    JSON.stringify(key),
    'plain',
  ];

  test.each(hostileKeys)('key %j among escapes, quotes and pieces of itself', (key) => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let round = 0; round < 400; round += 1) {
      const parts = Array.from({ length: 1 + random(8) }, () => fragments(key)[random(fragments(key).length)] ?? '');
      const message = {
        type: 'RECORD',
        record: { stream: 's', data: { [parts.join('')]: parts.reverse().join(''), n: round }, emitted_at: 1 },
      };
      const masked = maskSecrets(JSON.stringify(message));
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(masked))).not.toThrow();
      // Whatever the mask replaced, the decoded text no longer holds the key.
      expect(JSON.stringify(parsed)).not.toContain(JSON.stringify(key).slice(1, -1));
    }
  });
});

describe('secretProblem', () => {
  test.each([
    ['a single common letter', 'e'],
    ['a quote', '"'],
    ['seven characters', 'abcdefg'],
    ['a NUL', 'abcdefgh\u0000'],
    ['a newline', 'abcdefgh\n'],
    ['a space', 'abcd efgh'],
    ['a euro sign (not Latin-1)', 'abcdefgh€'],
    ['digits only', '1234567890'],
    ['JSON punctuation and literals only', 'true,false:null'],
  ])('refuses %s', (_label, key) => {
    expect(secretProblem(key)).toEqual(expect.any(String));
  });

  test.each(['rootly_0123456789abcdef', 'rk-live-LEAKCANARY-7f3a9c2e51', 'k"ey/+=%\\x', 'clé-secrète'])('accepts %j', (key) => {
    expect(secretProblem(key)).toBeUndefined();
  });
});
