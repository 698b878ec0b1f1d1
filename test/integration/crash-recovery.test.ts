// imagewatch killed with SIGKILL in the middle of a replacement: the next run must put the
// old container back (name, running state, data) before doing anything else.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RefreshResult } from '../../shared/dto.js';
import { CLI, docker, inspect, crashDuringStop, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

function tempDirIn(parent: string, name: string): string {
  const d = path.join(parent, name);
  mkdirSync(d, { recursive: true });
  return d;
}

const bed = requireBed();

describe.skipIf(bed === null)('recovery after a crash mid-replace', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const name = `crash-${id}`;

  afterAll(async () => {
    await removeContainers(b, `name=${id}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rolls an interrupted replacement back on the next run, then refreshes normally', async () => {
    const image = `${b.registries.open}/crash/app-${id}:latest`;
    const slowStop = "trap 'sleep 2; exit 0' TERM; while :; do sleep 1; done";
    await publish(b, image, { version: 'v1', script: slowStop });
    await docker(b, ['run', '-d', '--name', name, '-v', `crashvol-${id}:/data`, '--restart', 'unless-stopped', image]);
    await docker(b, ['exec', name, 'sh', '-c', 'echo precious > /data/f']);
    const original = await inspect(b, name);
    const v2 = await publish(b, image, { version: 'v2', script: slowStop });

    const statePath = path.join(dir, 'state.json');
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost, startGraceSeconds: 5 });
    const child = spawn(process.execPath, [CLI, 'refresh', '--config', config, '--state', statePath], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 60_000;
    while ((await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch-old`])) === '') {
      if (Date.now() > deadline) throw new Error('never reached the middle of the replacement');
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    // The crash left the old container parked under its temporary name.
    expect((await inspect(b, `${name}.imagewatch-old`)).Id).toBe(original.Id);
    const journal = path.join(dir, 'replace-journal.json');
    expect(JSON.parse(readFileSync(journal, 'utf8'))).toEqual([expect.objectContaining({ name, oldId: original.Id, wasRunning: true })]);

    const next = await runCli(['check', '--config', config, '--state', statePath]);
    expect(next.stderr).toContain(`imagewatch: restored ${name} after a replacement interrupted at`);
    const restored = await inspect(b, name);
    expect(restored.Id).toBe(original.Id);
    expect(restored.State.Running).toBe(true);
    expect(await docker(b, ['exec', name, 'cat', '/data/f'])).toBe('precious');
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=imagewatch'])).toBe('');
    expect(JSON.parse(readFileSync(journal, 'utf8'))).toEqual([]);

    const refresh = await runCli(['refresh', '--config', config, '--state', statePath]);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect((JSON.parse(refresh.stdout) as RefreshResult).recreated).toEqual([name]);
    expect((await inspect(b, name)).Image).toBe(v2.id);
    expect(await docker(b, ['exec', name, 'cat', '/data/f'])).toBe('precious');
  });

  it("a kill during the old container's stop, then an immediate restart, waits out the stop and leaves it running", async () => {
    const image = `${b.registries.open}/crash/stop-${id}:latest`;
    const slow = `stop-${id}`;
    // The engine takes 8s to stop it: longer than a restarted imagewatch takes to get going.
    const slowStop = "trap 'sleep 8; exit 0' TERM; while :; do sleep 1; done";
    await publish(b, image, { version: 'v1', script: slowStop });
    await docker(b, ['run', '-d', '--name', slow, '--stop-timeout', '30', '-v', `stopvol-${id}:/data`, image]);
    await docker(b, ['exec', slow, 'sh', '-c', 'echo precious > /data/f']);
    const original = await inspect(b, slow);
    const v2 = await publish(b, image, { version: 'v2' });

    const stateDir = tempDirIn(dir, 'stop');
    const statePath = path.join(stateDir, 'state.json');
    const config = writeConfig(stateDir, { runtimes: [{ name: 'app', image, match: { namePrefix: slow } }], dockerHost: b.dockerHost, startGraceSeconds: 1 });
    const { restarted, after } = await crashDuringStop(b, config, statePath, slow, 8_000);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stderr).toContain(`imagewatch: restored ${slow} after a replacement interrupted at`);
    expect(after.Id).toBe(original.Id);
    expect(after.State.Running).toBe(true);
    expect(await docker(b, ['exec', slow, 'cat', '/data/f'])).toBe('precious');
    expect(JSON.parse(readFileSync(path.join(stateDir, 'replace-journal.json'), 'utf8'))).toEqual([]);

    // The refresh is tried again and lands, data intact.
    const retried = await runCli(['refresh', '--config', config, '--state', statePath]);
    expect(retried.code, retried.stderr).toBe(0);
    const final = await inspect(b, slow);
    expect(final.Image).toBe(v2.id);
    expect(final.State.Running).toBe(true);
    expect(await docker(b, ['exec', slow, 'cat', '/data/f'])).toBe('precious');
  });
});
