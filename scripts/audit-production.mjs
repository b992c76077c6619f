// Fails when npm audit finds a high or critical advisory in the production dependencies (what the
// image ships). Where the registry's audit service cannot be reached, it says so and does not
// pretend the audit passed or failed: the image checks in the acceptance suite still run.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`audit: npm audit gave no JSON (exit ${run.status}); the audit service could not be asked.`);
  process.exit(0);
}
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  console.error(
    `audit: the registry's audit service is unavailable here (${report.statusCode ?? ''} ${report.message ?? report.error?.summary ?? 'no report'}); production dependencies were not audited.`,
  );
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.error(
  `audit: production dependencies: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low advisories.`,
);
if (serious > 0) {
  for (const [name, entry] of Object.entries(report.vulnerabilities ?? {})) {
    if (entry.severity === 'high' || entry.severity === 'critical') console.error(`audit: ${entry.severity}: ${name} ${entry.range ?? ''}`);
  }
  process.exit(1);
}
