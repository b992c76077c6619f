import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const metadata = parse(readFileSync(new URL('../metadata.yaml', import.meta.url), 'utf8')) as { data: Record<string, string> };
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('Dockerfile and metadata', () => {
  test('the base image is an official node LTS slim image pinned by its full version', () => {
    const base = /^ARG BASE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    const match = /^node:(\d+)\.(\d+)\.(\d+)-(bookworm|trixie)-slim$/.exec(base ?? '');
    expect(match).not.toBeNull();
    expect(Number(match?.[1]) % 2).toBe(0); // even majors are the LTS lines
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(22);
    for (const from of dockerfile.match(/^FROM .*/gm) ?? []) expect(from).toMatch(/^FROM \$\{BASE_IMAGE\}/);
  });

  test('labels, metadata and package.json agree on name and version', () => {
    expect(dockerfile).toContain(`LABEL io.airbyte.name=${metadata.data['dockerRepository']}`);
    expect(dockerfile).toContain(`LABEL io.airbyte.version=${metadata.data['dockerImageTag']}`);
    expect(metadata.data['dockerImageTag']).toBe(pkg.version);
  });

  test('AIRBYTE_ENTRYPOINT equals the absolute ENTRYPOINT joined with spaces', () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(entrypoint[0]).toMatch(/^\/.*\/node$/);
    expect(entrypoint.at(-1)).toMatch(/^\/.*\/main\.mjs$/);
    expect(dockerfile).toContain(`ENV AIRBYTE_ENTRYPOINT="${entrypoint.join(' ')}"`);
  });
});
