/** Names each acceptance test `<section>: <name>` and prints one PASS/FAIL line per test plus a summary. */

interface Outcome {
  section: string;
  name: string;
  passed: boolean;
  seconds: number;
}

const outcomes: Outcome[] = [];

const line = (text: string): void => void process.stdout.write(`${text}\n`);

/** A jest test that prints `[acceptance] <section>: <name> ... PASS|FAIL (n s)` when it ends. */
export function acceptanceTest(section: string, name: string, body: () => Promise<void>, timeoutMs?: number): void {
  test(
    `${section}: ${name}`,
    async () => {
      const startedAt = Date.now();
      const finish = (passed: boolean): void => {
        const seconds = (Date.now() - startedAt) / 1000;
        outcomes.push({ section, name, passed, seconds });
        line(`[acceptance] ${section}: ${name} ... ${passed ? 'PASS' : 'FAIL'} (${seconds.toFixed(1)} s)`);
      };
      try {
        await body();
      } catch (error) {
        finish(false);
        throw error;
      }
      finish(true);
    },
    timeoutMs,
  );
}

/** Prints every outcome of the file, grouped by section, and the totals. */
export function printSummary(): void {
  if (outcomes.length === 0) return;
  const failed = outcomes.filter((o) => !o.passed).length;
  const seconds = outcomes.reduce((sum, o) => sum + o.seconds, 0);
  line('[acceptance] ---------------------------------------------------------------- summary');
  for (const o of outcomes) line(`[acceptance] ${o.passed ? 'PASS' : 'FAIL'}  ${o.section}: ${o.name}`);
  line(`[acceptance] ${outcomes.length - failed} passed, ${failed} failed, ${seconds.toFixed(1)} s in tests`);
}
