// `npm run mutate`: Stryker over the decision logic (stryker.config.json), timed, then the report
// in docs/mutation.md. Arguments go to Stryker (e.g. `-- --mutate electron/core/image/reference.ts`).
// Incremental: docs/mutation/incremental.json keeps the last run, so only what changed is run again.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const started = Date.now();
// The code as the run found it: Stryker copies it at the start, so later edits are not in the numbers.
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no']).toString().trim() !== '';
// Without the last run's results every mutant is tested: a full run, whose time is the one to quote.
const args = process.argv.slice(2);
const kind = args.includes('--mutate')
  ? 'partial (--mutate)'
  : args.includes('--force') || !existsSync('docs/mutation/incremental.json')
    ? 'full'
    : 'incremental';
const run = spawnSync('npx', ['stryker', 'run', ...args], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const report = spawnSync(
  process.execPath,
  ['scripts/mutation-report.mjs', String((Date.now() - started) / 1000), `${commit}${dirty ? ' (with uncommitted changes)' : ''}`, kind],
  { stdio: 'inherit' },
);
process.exit(report.status ?? 1);
