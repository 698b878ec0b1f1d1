// When updates may land, on the bed with real processes and real time: a `watch` whose update
// window opens about a minute from now holds a move (the row's state says so) and applies it once
// the window opens; a cooling-off time holds a move across process restarts (`check` runs, the
// first-seen time kept in state) and applies it once the digest has stood long enough.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckRun } from '../../shared/dto.js';
import { CLI, docker, publish, removeContainers, requireBed, runCli, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

const hhmm = (at: Date): string => `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;

describe.skipIf(bed === null)('update windows and cooling-off', () => {
  const b = bed!;
  const id = uid();
  afterAll(() => removeContainers(b, `name=when-${id}`));

  it('holds a move until the window opens, then applies it', async () => {
    const dir = tempDir();
    const image = `${b.registries.open}/when/window-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `when-${id}-w`, image]);
    // The window opens at the next whole minute that is at least 20 s away, for 10 minutes.
    const opens = new Date(Date.now() + 20_000);
    opens.setSeconds(0, 0);
    opens.setMinutes(opens.getMinutes() + 1);
    const closes = new Date(opens.getTime() + 10 * 60_000);
    const statePath = path.join(dir, 'state.json');
    const config = writeConfig(dir, {
      runtimes: [{ name: 'app', image }],
      dockerHost: b.dockerHost,
      autoRefresh: true,
      intervalSeconds: 5,
      startGraceSeconds: 1,
      window: `${hhmm(opens)}-${hhmm(closes)}`,
    });
    const proc = spawn(process.execPath, [CLI, 'watch', '--config', config, '--state', statePath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    try {
      await until('seeded state', () => existsSync(statePath) && readFileSync(statePath, 'utf8').includes('"seenDigest": "sha256:'), 30_000);
      await publish(b, image, { version: 'v2' });
      await until('the move held', () => /digest moved .* waiting for the update window \(opens /.test(log), 30_000);
      // The log says so as the check decides; the state is saved when the check ends.
      const waitingSaved = (): { until: string; reason: string } | undefined => {
        const held = JSON.parse(readFileSync(statePath, 'utf8')) as {
          runtimes: { app: { engines: Record<string, { waiting?: { until: string; reason: string } }> } };
        };
        return Object.values(held.runtimes.app.engines)[0]!.waiting;
      };
      await until('the wait saved', () => waitingSaved() !== undefined, 30_000);
      expect(waitingSaved()).toMatchObject({ reason: 'window', until: opens.toISOString() });
      expect((await docker(b, ['exec', `when-${id}-w`, 'cat', '/version'])).trim()).toBe('v1');
      await until(
        'the refresh in the window',
        async () => (await docker(b, ['exec', `when-${id}-w`, 'cat', '/version']).catch(() => '')).trim() === 'v2',
        120_000,
      );
      expect(Date.now()).toBeGreaterThanOrEqual(opens.getTime());
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  }, 200_000);

  it('holds a move for its cooling-off time across restarts, then applies it', async () => {
    const dir = tempDir();
    const image = `${b.registries.open}/when/cool-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `when-${id}-c`, image]);
    const statePath = path.join(dir, 'state.json');
    const config = writeConfig(dir, {
      runtimes: [{ name: 'app', image }],
      dockerHost: b.dockerHost,
      autoRefresh: true,
      startGraceSeconds: 1,
      minAgeMinutes: 1,
    });
    const check = async (): Promise<CheckRun['runtimes'][number]> => {
      const run = await runCli(['check', '--json', '--config', config, '--state', statePath]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as CheckRun).runtimes[0]!;
    };
    await check();
    await publish(b, image, { version: 'v2' });
    const seenAt = Date.now();
    expect(await check()).toMatchObject({ outcome: 'moved', waiting: { reason: 'min-age' } });
    expect(await check()).toMatchObject({ outcome: 'unchanged', waiting: { reason: 'min-age' } });
    expect((await docker(b, ['exec', `when-${id}-c`, 'cat', '/version'])).trim()).toBe('v1');
    await new Promise((r) => setTimeout(r, Math.max(0, seenAt + 61_000 - Date.now())));
    const applied = await check();
    expect(applied.refresh?.recreated).toEqual([`when-${id}-c`]);
    expect(applied.waiting).toBeUndefined();
    expect((await docker(b, ['exec', `when-${id}-c`, 'cat', '/version'])).trim()).toBe('v2');
  }, 200_000);
});
