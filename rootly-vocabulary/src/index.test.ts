import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ITEM_KINDS, USERS } from './index.js';

interface AuditsSpec {
  components: { schemas: { audit: { properties: { item_type: { enum: string[] } } } } };
}

const spec = JSON.parse(readFileSync(new URL('../../protocol/rootly-audits-openapi.json', import.meta.url), 'utf8')) as AuditsSpec;

describe('the shared vocabulary', () => {
  it('names only item types that Rootly publishes, so generated records pass its contract', () => {
    const published = spec.components.schemas.audit.properties.item_type.enum;
    expect(ITEM_KINDS.map((kind) => kind.itemType).filter((type) => !published.includes(type))).toEqual([]);
  });

  it('never gives two users one id or one email', () => {
    expect(new Set(USERS.map((user) => user.id)).size).toBe(USERS.length);
    expect(new Set(USERS.map((user) => user.email)).size).toBe(USERS.length);
  });
});
