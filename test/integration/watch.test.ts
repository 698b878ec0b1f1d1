// `imagewatch watch` as a long-running process: the origin's log lines, a refresh when the
// tag moves, and SIGTERM in the middle of a replacement finishing that replacement first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, docker, inspect, publish, readState, removeContainers, requireBed, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('imagewatch watch', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/watch/app-${id}:latest`;
  const name = `wwatch-${id}`;
  let child: ChildProcess | null = null;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await removeContainers(b, `name=${id}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs the origin lines, refreshes on a move, and finishes a replacement it is stopped in', async () => {
    // A process that takes 2s to stop makes the replacement long enough to be interrupted.
    const slowStop = "trap 'sleep 2; exit 0' TERM; while :; do sleep 1; done";
    await publish(b, image, { version: 'v1', script: slowStop });
    await docker(b, ['run', '-d', '--name', name, image]);
    const statePath = path.join(dir, 'state.json');
    const config = writeConfig(dir, {
      runtimes: [{ name: 'app', image, match: { namePrefix: 'wwatch-' } }],
      intervalSeconds: 5,
      autoRefresh: true,
      dockerHost: b.dockerHost,
      startGraceSeconds: 0.5,
    });
    const proc = spawn(process.execPath, [CLI, 'watch', '--config', config, '--state', statePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let log = '';
    proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

    await until('start line', () => log.includes('image-auto-refresh: started (interval=5s, runtimes=1)'));
    expect(log).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} image-auto-refresh: started/);
    await until('seeded state', () => existsSync(statePath) && readFileSync(statePath, 'utf8').includes('"seenDigest": "sha256:'));

    const v2 = await publish(b, image, { version: 'v2', script: slowStop });
    await until('refresh of v2', () => log.includes(`image-auto-refresh: app pulled=[app] recreated=[${name}] failed=[]`), 90_000);
    expect(log).toMatch(/app digest moved sha256:[a-f0-9]{12} → sha256:[a-f0-9]{12}, refreshing/);
    expect((await inspect(b, name)).Image).toBe(v2.id);

    // v3: stop the watcher once the replacement container exists, i.e. mid-replace.
    const v3 = await publish(b, image, { version: 'v3', script: slowStop });
    await until(
      'replacement in progress',
      async () => (await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch-new`])) !== '' || undefined,
      90_000,
    );
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = null;

    const lines = log.trim().split('\n');
    expect(lines.at(-1)).toMatch(/image-auto-refresh: stopping \(signal SIGTERM\)$/);
    expect(log).toContain(`image-auto-refresh: app pulled=[app] recreated=[${name}] failed=[]`);
    const after = await inspect(b, name);
    expect(after.Image).toBe(v3.id);
    expect(after.State.Running).toBe(true);
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=imagewatch'])).toBe('');
    const state = await readState(statePath);
    expect(state.get('app').appliedDigest).toBe(v3.digest);
  });
});
