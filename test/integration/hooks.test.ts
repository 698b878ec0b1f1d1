// Hooks around an update, on the bed through the real CLI: pre-update runs in the old container
// before it stops (it writes into a volume the new one then reads), post-update in the new one;
// Watchtower's lifecycle label counts; exit 75 from pre-update puts the update off (recorded,
// and done once the hook lets it); a failing pre-update touches nothing; a failing post-update
// rolls back; without `"hooks": true` no label runs anything; a stopped container runs none.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RefreshResult, RuntimeRefreshDetail } from '../../shared/dto.js';
import { docker, inspect, publish, readState, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('hooks around an update', () => {
  const b = bed!;
  const id = uid();
  afterAll(async () => {
    await removeContainers(b, `name=hook-${id}`);
    await docker(b, ['volume', 'ls', '-q', '--filter', `name=hook-${id}`]).then((v) =>
      v ? docker(b, ['volume', 'rm', '-f', ...v.split('\n')]).catch(() => undefined) : undefined,
    );
  });

  /** A runtime with one container, labelled as given, on v1; v2 published. Returns how to refresh it. */
  async function setUp(key: string, labels: Record<string, string>, options: { hooks?: boolean; stopped?: boolean } = {}) {
    const dir = tempDir();
    const image = `${b.registries.open}/hooks/${key}-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    const name = `hook-${id}-${key}`;
    const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    await docker(b, [options.stopped ? 'create' : 'run', ...(options.stopped ? [] : ['-d']), '--name', name, '-v', `${name}:/data`, ...labelArgs, image]);
    const before = await inspect(b, name);
    const v2 = await publish(b, image, { version: 'v2' });
    const config = writeConfig(dir, {
      runtimes: [{ name: 'app', image }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 1,
      ...(options.hooks === false ? {} : { hooks: true }),
    });
    const state = path.join(dir, 'state.json');
    /** The refresh's exit code and its detail (a failed refresh exits 1 and still prints it). */
    const attempt = async (): Promise<{ code: number | null; detail: RuntimeRefreshDetail }> => {
      const run = await runCli(['refresh', '--config', config, '--state', state]);
      return { code: run.code, detail: (JSON.parse(run.stdout) as RefreshResult).details.app! };
    };
    const refresh = async (): Promise<RuntimeRefreshDetail> => {
      const { code, detail } = await attempt();
      expect(code, detail.error).toBe(0);
      return detail;
    };
    const read = (file: string): Promise<string> => docker(b, ['exec', name, 'cat', file]).catch(() => '(none)');
    return { name, before, v2, attempt, refresh, read, state };
  }

  it("runs pre-update in the old container before it stops and post-update in the new one (Watchtower's label too)", async () => {
    const t = await setUp('both', {
      'com.centurylinklabs.watchtower.lifecycle.pre-update': 'echo "pre $(cat /version)" >> /data/hooks.log',
      'imagewatch.post-update': 'echo "post $(cat /version)" >> /data/hooks.log',
    });
    const detail = await t.refresh();
    expect(detail.ok).toBe(true);
    expect(detail.containers[0]).toMatchObject({ action: 'replaced' });
    const after = await inspect(b, t.name);
    expect(after.Id).not.toBe(t.before.Id);
    expect(after.Image).toBe(t.v2.id);
    // The old container wrote while it still ran v1; the new one after it was ready on v2.
    expect(await t.read('/data/hooks.log')).toBe('pre v1\npost v2');
  });

  it('puts the update off on exit 75 (recorded, nothing touched), and does it once the hook lets it', async () => {
    const t = await setUp('wait', { 'imagewatch.pre-update': 'test -f /data/go || { echo "backup running"; exit 75; }' });
    const first = await t.refresh();
    expect(first.ok).toBe(true);
    expect(first.containers[0]).toMatchObject({ action: 'skipped', deferred: true });
    expect(first.deferred).toContain('put off by its pre-update hook (exit 75)');
    expect(first.deferred).toContain('backup running');
    const same = await inspect(b, t.name);
    expect(same.Id).toBe(t.before.Id);
    expect(same.State.Running).toBe(true);
    const state = (await readState(t.state)).get('app');
    expect(state.history.at(-1)).toMatchObject({ kind: 'refresh-deferred' });
    expect(state.appliedDigest).not.toBe(t.v2.digest);

    await docker(b, ['exec', t.name, 'touch', '/data/go']);
    const second = await t.refresh();
    expect(second.containers[0]).toMatchObject({ action: 'replaced' });
    expect(second.deferred).toBeUndefined();
    expect((await inspect(b, t.name)).Image).toBe(t.v2.id);
  });

  it('touches nothing when pre-update fails, and rolls back when post-update fails', async () => {
    const pre = await setUp('prefail', { 'imagewatch.pre-update': 'echo "dump failed" >&2; exit 2' });
    const refused = await pre.attempt();
    expect(refused.code).toBe(1);
    expect(refused.detail.containers[0]).toMatchObject({
      action: 'failed',
      restored: true,
      reason: 'not replaced: pre-update hook failed (exit 2); output: dump failed',
    });
    expect((await readState(pre.state)).get('app').lastError?.message).toContain('pre-update hook failed (exit 2)');
    const untouched = await inspect(b, pre.name);
    expect([untouched.Id, untouched.State.Running, untouched.RestartCount]).toEqual([pre.before.Id, true, 0]);

    const post = await setUp('postfail', { 'imagewatch.post-update': 'echo "migration check failed"; exit 1' });
    const { code, detail } = await post.attempt();
    expect(code).toBe(1);
    expect(detail.containers[0]).toMatchObject({ action: 'failed', restored: true });
    expect(detail.containers[0]!.reason).toContain('post-update hook failed (exit 1); output: migration check failed');
    const back = await inspect(b, post.name);
    expect(back.Id).toBe(post.before.Id);
    expect(back.Image).not.toBe(post.v2.id);
    expect(back.State.Running).toBe(true);
  });

  it('runs no hook without "hooks": true, nor in a stopped container, and says so', async () => {
    const off = await setUp('off', { 'imagewatch.pre-update': 'touch /data/ran' }, { hooks: false });
    const detail = await off.refresh();
    expect(detail.containers[0]).toMatchObject({ action: 'replaced' });
    expect(detail.containers[0]!.reason).toContain('hook labels ignored: hooks are off');
    expect(await off.read('/data/ran')).toBe('(none)');

    const stopped = await setUp('stopped', { 'imagewatch.pre-update': 'exit 9' }, { stopped: true });
    const still = await stopped.refresh();
    expect(still.containers[0]).toMatchObject({ action: 'replaced', reason: 'hooks not run: the container was not running' });
    expect((await inspect(b, stopped.name)).State.Running).toBe(false);
  });
});
