// Validates every GitHub Actions workflow of .github/workflows offline, against the workflow
// schema, with @action-validator/core (WebAssembly, no network). Usage: npm run lint:workflows
import { readdirSync, readFileSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';

const dir = new URL('../.github/workflows/', import.meta.url);
const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
if (files.length === 0) {
  console.error('lint:workflows: no workflow in .github/workflows');
  process.exit(1);
}
let failed = 0;
for (const name of files) {
  const { errors } = validateWorkflow(readFileSync(new URL(name, dir), 'utf8'));
  if (errors.length === 0) {
    console.log(`lint:workflows: ${name} ok`);
    continue;
  }
  failed += 1;
  console.error(`lint:workflows: ${name} is not a valid workflow:\n${JSON.stringify(errors, null, 2)}`);
}
process.exit(failed === 0 ? 0 : 1);
