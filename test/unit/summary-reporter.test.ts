import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../fixtures/reporter/', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

// CI reads only this line, so a bed that fails to start must show up in it as failures.
it('counts tests under a failed hook and a file that fails to load as failed, not skipped', async () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'iw-reporter-'));
  const run = await promisify(execFile)(process.execPath, [vitest, 'run', '--root', fixture, '--config', path.join(fixture, 'vitest.config.ts')], {
    cwd,
    env: { ...process.env, CI: 'true' },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  expect(run.code).toBe(1);
  expect(run.stdout.trim().split('\n').at(-1)).toBe('1 passed, 4 failed, 2 skipped');
  expect(readFileSync(path.join(cwd, 'test-results', 'summary.txt'), 'utf8')).toBe('1 passed, 4 failed, 2 skipped\n');
}, 60_000);
