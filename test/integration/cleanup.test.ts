// Old images cleaned over three successive refreshes on the bed: the image before is kept for a
// rollback, older ones are removed once unused (an untagged leftover included, with the space
// freed reported), an image an unrelated container still runs is kept and said, and with
// `"cleanup": false` nothing is removed.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RefreshResult } from '../../shared/dto.js';
import { docker, inspect, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('old images after a refresh', () => {
  const b = bed!;
  const id = uid();
  afterAll(() => removeContainers(b, `name=clean-${id}`));

  const exists = async (image: string): Promise<boolean> =>
    await docker(b, ['image', 'inspect', image]).then(
      () => true,
      () => false,
    );

  it('keeps the one before, removes older unused ones with the space freed, and leaves one still in use', async () => {
    const dir = tempDir();
    const image = `${b.registries.open}/clean/app-${id}:latest`;
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost, startGraceSeconds: 1 });
    const refresh = async (): Promise<RefreshResult> => {
      const run = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state.json')]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as RefreshResult;
    };
    const v1 = await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `clean-${id}`, image]);
    // An unrelated container on v1's image, by ID: v1 must never be removed under it.
    await docker(b, ['run', '-d', '--name', `clean-${id}-other`, v1.id]);

    const v2 = await publish(b, image, { version: 'v2' });
    const first = await refresh();
    expect(first.details.app!.cleanup).toMatchObject({ removed: [], previous: [v1.id] });

    const v3 = await publish(b, image, { version: 'v3' });
    const second = await refresh();
    expect(second.details.app!.cleanup).toMatchObject({ removed: [], previous: [v2.id, v1.id] });
    expect(second.details.app!.cleanup!.skipped).toEqual([{ image: v1.id, reason: `used by clean-${id}-other` }]);
    expect(await exists(v2.id)).toBe(true);

    await publish(b, image, { version: 'v4' });
    const third = await refresh();
    const cleanup = third.details.app!.cleanup!;
    // v2, left untagged by the pulls, is removed; v3 stays for a rollback; v1 is still in use.
    expect(cleanup.removed).toEqual([v2.id]);
    expect(cleanup.freedBytes).toBeGreaterThan(0);
    expect(cleanup.previous).toEqual([v3.id, v1.id]);
    expect(await exists(v2.id)).toBe(false);
    expect(await exists(v3.id)).toBe(true);
    expect(await exists(v1.id)).toBe(true);
    expect((await inspect(b, `clean-${id}-other`)).State.Running).toBe(true);
  });

  it('with "cleanup": false removes nothing, and an image another tag names is never removed', async () => {
    const dir = tempDir();
    const image = `${b.registries.open}/clean/keep-${id}:latest`;
    const v1 = await publish(b, image, { version: 'k1' });
    // Another tag names v1: it is the user's, whatever happens to :latest.
    await docker(b, ['tag', v1.id, `${b.registries.open}/clean/keep-${id}:pinned-by-me`]);
    await docker(b, ['run', '-d', '--name', `clean-${id}-keep`, image]);
    const refresh = async (cleanup: boolean): Promise<RefreshResult> => {
      const config = writeConfig(dir, { runtimes: [{ name: 'app', image, keepPrevious: 0 }], dockerHost: b.dockerHost, startGraceSeconds: 1, cleanup });
      const run = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state.json')]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as RefreshResult;
    };
    const v2 = await publish(b, image, { version: 'k2' });
    expect((await refresh(false)).details.app!.cleanup).toMatchObject({ removed: [], previous: [v1.id] });
    expect(await exists(v1.id)).toBe(true);
    await publish(b, image, { version: 'k3' });
    const kept = (await refresh(true)).details.app!.cleanup!;
    expect(kept.removed).toEqual([v2.id]);
    expect(kept.skipped).toEqual([{ image: v1.id, reason: `another tag names it (${b.registries.open}/clean/keep-${id}:pinned-by-me)` }]);
    expect(await exists(v1.id)).toBe(true);
  });
});
