// Bundles the compiled connector (dist/main.js and what it imports) into dist/bundle/, beside a
// copy of spec.json: the code the image ships, with no node_modules. A command loads one file and the
// chunks it needs instead of resolving some 300 module files, which is most of its start-up.
// Each command stays a chunk of its own, so `spec` still loads neither got nor ajv.
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist/bundle');
// Chunk names carry content hashes: a stale chunk from an earlier build must not ship.
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  entryPoints: [join(root, 'dist/main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  // CommonJS dependencies (winston, ajv) call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

copyFileSync(join(root, 'spec.json'), join(outdir, 'spec.json'));

// The bundle holds copies of its dependencies' code, so their licence texts ship beside it.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = join(root, 'node_modules', name);
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
  if (!file) throw new Error(`${name} ships no licence file; its notice cannot be included in the bundle`);
  return `${name}@${version} (${license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`;
});
writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), `${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);
console.error(
  `bundle: ${Object.keys(result.metafile.outputs).length} files in dist/bundle, ${packages.size} packages' licences in THIRD-PARTY-LICENSES.txt`,
);
