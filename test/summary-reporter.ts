// Ends the run with the plain `N passed, N failed, N skipped` line CI reads. A test file that
// fails to load counts as one failure, so a broken file can never look like a green run.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = errors.length;
    let skipped = 0;
    for (const module of modules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    const line = `${passed} passed, ${failed} failed, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
    // .ci/run repeats it as its very last line, after whatever npm prints on the way out.
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/summary.txt', `${line}\n`);
  }
}
