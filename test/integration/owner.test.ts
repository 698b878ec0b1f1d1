// Two imagewatch processes meeting on one engine. One owner per state directory: a `check`
// or `refresh` started while another process owns the directory hands its work to that
// owner, so it never runs recovery on a live replacement, never races it, and never
// overwrites state the owner keeps. Across state directories, the labels on imagewatch's
// temporary containers keep a second imagewatch from touching a replacement in progress.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, RefreshResult, RuntimeState } from '../../shared/dto.js';
import { docker, inspect, publish, removeContainers, requireBed, runCli, startServe, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

function history(statePath: string, runtime: string): HistoryEntry[] {
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { runtimes: Record<string, RuntimeState> };
  return state.runtimes[runtime]?.history ?? [];
}

describe.skipIf(bed === null)('one owner per state directory', () => {
  const b = bed!;
  const id = uid();
  const dirs: string[] = [];
  const dir = (): string => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  // Stopping takes 2s, so a replacement is long enough for a second process to meet it.
  const slowStop = "trap 'sleep 2; exit 0' TERM; while :; do sleep 1; done";

  afterAll(async () => {
    await removeContainers(b, `name=${id}`);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A container `<kind>-<id>` running v1 of its own tag, v2 pushed, and a config that watches it. */
  async function moved(
    kind: string,
    startGraceSeconds: number,
  ): Promise<{ image: string; name: string; v2: { id: string }; dir: string; statePath: string; config: string }> {
    const image = `${b.registries.open}/owner/${kind}-${id}:latest`;
    const name = `${kind}-${id}`;
    await publish(b, image, { version: 'v1', script: slowStop });
    await docker(b, ['run', '-d', '--name', name, image]);
    const v2 = await publish(b, image, { version: 'v2', script: slowStop });
    const d = dir();
    const config = writeConfig(d, { runtimes: [{ name: 'app', image, match: { namePrefix: name } }], dockerHost: b.dockerHost, startGraceSeconds });
    return { image, name, v2, dir: d, statePath: path.join(d, 'state.json'), config };
  }

  it('a check during a live replacement hands off to the owner and leaves the replacement alone', async () => {
    const { name, v2, dir: d, statePath, config } = await moved('live', 2);

    const first = runCli(['refresh', '--config', config, '--state', statePath]);
    await until(
      'the replacement to begin',
      async () => (await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch-new`])) !== '',
    );

    // Same state directory: the check is handed to the refreshing process.
    const check = await runCli(['check', '--config', config, '--state', statePath]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('handing this check to the running imagewatch refresh');
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect((JSON.parse(done.stdout) as RefreshResult).recreated).toEqual([name]);
    const final = await inspect(b, name);
    expect(final.Image).toBe(v2.id);
    expect(final.State.Running).toBe(true);
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch`])).toBe('');
    expect(readFileSync(path.join(d, 'replace-journal.json'), 'utf8').trim()).toBe('[]');
    // Whoever owned the directory is gone and has let go of it.
    expect(existsSync(path.join(d, 'owner.json'))).toBe(false);
  });

  it('a refresh from another state directory mid-replacement reports it and leaves it alone', async () => {
    const { image, name, v2, dir: d, config } = await moved('foreign', 3);
    const other = dir();
    const otherConfig = writeConfig(other, { runtimes: [{ name: 'app', image, match: { namePrefix: name } }], dockerHost: b.dockerHost, startGraceSeconds: 1 });
    // The other side pulls first, so its refresh reaches the container while ours is replacing it.
    await runCli(['refresh', '--no-recreate', '--config', otherConfig, '--state', path.join(other, 'state.json')]);

    const first = runCli(['refresh', '--config', config, '--state', path.join(d, 'state.json')]);
    await until(
      'the replacement to begin',
      async () => (await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch-new`])) !== '',
    );
    const foreign = await runCli(['refresh', '--config', otherConfig, '--state', path.join(other, 'state.json')]);
    expect(foreign.code).toBe(1);
    const reason = (JSON.parse(foreign.stdout) as RefreshResult).details.app!.containers[0]!.reason;
    expect(reason).toMatch(/being replaced by another imagewatch \(imagewatch pid \d+/);

    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    const final = await inspect(b, name);
    expect(final.Image).toBe(v2.id);
    expect(final.State.Running).toBe(true);
  });

  it('two refreshes at once end in exactly one replacement, both reporting the same truth', async () => {
    const { name, v2, statePath, config } = await moved('twice', 1);

    const [a, c] = await Promise.all([
      runCli(['refresh', '--config', config, '--state', statePath]),
      runCli(['refresh', '--config', config, '--state', statePath]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    const final = await inspect(b, name);
    expect(final.Image).toBe(v2.id);
    expect(final.State.Running).toBe(true);
    const outcomes = [a, c].map((r) => (JSON.parse(r.stdout) as RefreshResult).details.app!.containers.find((x) => x.name === name)!);
    for (const o of outcomes) {
      expect(o.action === 'replaced' ? o.newId : o.action).toBe(o.action === 'replaced' ? final.Id : 'skipped');
    }
    expect(outcomes.filter((o) => o.action === 'replaced').length).toBeGreaterThanOrEqual(1);
    expect(history(statePath, 'app').filter((h) => h.kind === 'refreshed' && h.containers?.includes(name))).toHaveLength(1);
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch`])).toBe('');
  });

  it('CLI and daemon writing in turn lose no history', async () => {
    const image = `${b.registries.open}/owner/hist-${id}:latest`;
    const name = `hist-${id}`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', name, image]);
    const d = dir();
    const statePath = path.join(d, 'state.json');
    const config = writeConfig(d, {
      runtimes: [{ name: 'app', image, match: { namePrefix: name } }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 0.5,
      intervalSeconds: 3600,
    });
    const server = await startServe(config, statePath);
    try {
      await publish(b, image, { version: 'v2' });
      const viaCli = await runCli(['refresh', '--config', config, '--state', statePath]);
      expect(viaCli.code, viaCli.stderr).toBe(0);
      expect(viaCli.stderr).toContain('handing this refresh to the running imagewatch serve');
      await publish(b, image, { version: 'v3' });
      const again = await runCli(['check', '--auto-refresh', '--config', config, '--state', statePath]);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
    // The daemon wrote last, from memory; both of the CLI's refreshes are in what it wrote.
    const refreshed = history(statePath, 'app').filter((h) => h.kind === 'refreshed' && h.containers?.includes(name));
    expect(refreshed).toHaveLength(2);
    const after = await runCli(['refresh', '--config', config, '--state', statePath]);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).not.toContain('handing');
    expect(history(statePath, 'app').filter((h) => h.kind === 'refreshed')).toHaveLength(3);
  });
});
