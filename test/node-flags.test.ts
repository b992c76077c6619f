import { readFileSync } from 'node:fs';

/*
 * Memory stays flat only with the image's Node flags; the npm bin (src/main.ts by its shebang) and
 * `npm run sync:synthetic` must start Node with the same ones, and the README must say them.
 */
const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
/** The options given to node itself: those between `node` and the script it runs. */
const flagsIn = (text: string): string[] => {
  const parts = text.split(/\s+/);
  const after = parts.slice(parts.indexOf('node') + 1);
  const script = after.findIndex((part) => !part.startsWith('--'));
  return script === -1 ? after : after.slice(0, script);
};

const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))?.[1] ?? '[]') as string[];
const imageFlags = entrypoint.filter((part) => part.startsWith('--'));

describe("every way of starting the connector uses the image's Node flags", () => {
  test('the image has flags to keep to', () => {
    expect(imageFlags.length).toBeGreaterThan(0);
  });

  test("the bin's shebang passes them to node", () => {
    const shebang = read('src/main.ts').split('\n')[0] ?? '';
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node /);
    expect(flagsIn(shebang)).toEqual(imageFlags);
  });

  test('package.json runs the bin by its shebang where it runs the connector', () => {
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(Object.values(pkg.bin)).toEqual(['dist/main.js']);
    expect(pkg.scripts['sync:synthetic']).toMatch(/&& dist\/main\.js read /);
    expect(pkg.scripts['build:connector']).toContain('chmod +x dist/main.js');
  });

  test('the README shows them for a run from source', () => {
    const line = read('README.md')
      .split('\n')
      .find((text) => text.startsWith('node --') && text.includes('dist/main.js'));
    expect(flagsIn(line ?? '')).toEqual(imageFlags);
  });
});
