// Ends the run with the plain `N passed, N failed, N skipped` line CI reads. Nothing that broke
// may look skipped: a test file that fails to load counts as one failure, and a test that never
// ran because a hook of its suite threw (a test bed that would not build) counts as failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

function underFailedSuite(test: TestCase): boolean {
  // errors() holds what threw outside a test: collection, and the suite's own hooks.
  for (let parent = test.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return true;
    if (parent.type === 'module') return false;
  }
}

function countResults(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): { passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = errors.length;
  let skipped = 0;
  for (const module of modules) {
    const tests = [...module.children.allTests()];
    if (module.state() === 'failed' && tests.length === 0) failed++;
    for (const test of tests) {
      const state = test.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed' || (test.options.mode === 'run' && underFailedSuite(test))) failed++;
      else skipped++;
    }
  }
  return { passed, failed, skipped };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    const { passed, failed, skipped } = countResults(modules, errors);
    const line = `${passed} passed, ${failed} failed, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
    // .ci/run repeats it as its very last line, after whatever npm prints on the way out.
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/summary.txt', `${line}\n`);
  }
}
