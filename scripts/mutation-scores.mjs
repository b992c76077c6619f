#!/usr/bin/env node
/**
 * The mutation score of every file of the last `npm run test:mutation` (reports/mutation/mutation.json),
 * with the survivors listed in stryker-equivalent-mutants.md left out, as the README's table gives
 * them. Fails when a file scores below the break threshold of stryker.config.json (Stryker itself
 * only checks the score of all files together), and names every listed entry that no longer matches
 * a survivor, so that the list stays true as the code moves.
 *
 * A survivor is listed when its file's section has a row with its line and its Stryker mutator.
 */
import { readFileSync } from 'node:fs';
import { calculateMetrics } from 'mutation-testing-metrics';

const REPORT = 'reports/mutation/mutation.json';
const LIST = 'stryker-equivalent-mutants.md';
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** The rows of the list: per file, each row's lines and mutators. */
function listedRows(markdown) {
  const rows = [];
  let file;
  for (const line of markdown.split('\n')) {
    const heading = /^## (\S+)/.exec(line);
    if (heading) file = heading[1];
    const cells = line.split('|').map((cell) => cell.trim());
    if (!file || cells.length < 5 || !/^\d/.test(cells[1] ?? '')) continue;
    const lines = new Set(
      cells[1].split(',').flatMap((part) => {
        const [from, to = from] = part.split('-').map((n) => Number(n.trim()));
        return Array.from({ length: to - from + 1 }, (_, i) => from + i);
      }),
    );
    const mutators = new Set(cells[2].split(',').map((name) => name.trim()));
    rows.push({ file, lines, mutators, text: `${file}:${cells[1]} ${cells[2]}`, used: false });
  }
  return rows;
}

const report = JSON.parse(readFileSync(REPORT, 'utf8'));
const rows = listedRows(readFileSync(LIST, 'utf8'));
const { thresholds } = JSON.parse(readFileSync('stryker.config.json', 'utf8'));

const results = Object.entries(report.files).map(([name, file]) => {
  let listed = 0;
  const mutants = file.mutants.map((mutant) => {
    if (!UNDETECTED.has(mutant.status)) return mutant;
    const row = rows.find((r) => r.file === name && r.lines.has(mutant.location.start.line) && r.mutators.has(mutant.mutatorName));
    if (!row) return mutant;
    row.used = true;
    listed += 1;
    // Ignored mutants count in no score, as Stryker's own `// Stryker disable` does.
    return { ...mutant, status: 'Ignored' };
  });
  const { metrics } = calculateMetrics({ [name]: { ...file, mutants } });
  const all = calculateMetrics({ [name]: file }).metrics;
  return { name, metrics, all, listed };
});

const percent = (score) => (Number.isNaN(score) ? 'n/a' : `${score.toFixed(1)} %`);
console.log('| file | mutants | survivors listed | others | Stryker score | score without the listed |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const { name, metrics, all, listed } of results.sort((a, b) => a.name.localeCompare(b.name))) {
  const file = name.replace(/^src\//, '');
  console.log(
    `| ${file} | ${all.totalValid} | ${listed} | ${metrics.totalUndetected} | ${percent(all.mutationScore)} | ${percent(metrics.mutationScore)} |`,
  );
}

const low = results.filter(({ metrics }) => metrics.mutationScore < thresholds.break);
const stale = rows.filter((row) => !row.used && report.files[row.file] !== undefined);
for (const { name, metrics } of low) console.error(`${name}: ${metrics.mutationScore.toFixed(1)} % is below ${thresholds.break} %.`);
for (const row of stale) console.error(`${LIST} lists ${row.text}, which is no survivor of this run: remove it, or fix its line.`);
process.exit(low.length > 0 || stale.length > 0 ? 1 : 0);
