// Discovery mode on the bed's engine: the images of the containers there become runtimes;
// local builds and digest-pinned images are listed and never looked up; containers opted out
// with imagewatch's, Watchtower's or What's Up Docker's label are listed and never touched.
// The bed's engine is shared, so every assertion looks only at this file's containers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { CheckRun, RefreshResult, UnwatchedImage } from '../../shared/dto.js';
import { docker, inspect, makeImage, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('discovery mode', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const state = path.join(dir, 'state.json');
  const web = `${b.registries.open}/disc/web-${id}:latest`;
  const db = `${b.registries.open}/disc/db-${id}:7`;
  const picked = `${b.registries.open}/disc/picked-${id}:latest`;
  const local = `local/built-${id}:dev`;
  let webDigest = '';

  const run = async (name: string, image: string, labels: Record<string, string> = {}): Promise<void> => {
    const flags = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    await docker(b, ['run', '-d', '--name', name, ...flags, image]);
  };
  const check = async (discover: boolean | 'opt-in'): Promise<CheckRun> => {
    const config = writeConfig(dir, { discover, dockerHost: b.dockerHost });
    const result = await runCli(['check', '--json', '--config', config, '--state', state]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as CheckRun;
  };
  const mine = (list: UnwatchedImage[] | undefined): UnwatchedImage[] => (list ?? []).filter((u) => u.containers.some((c) => c.endsWith(id)));

  beforeAll(async () => {
    webDigest = (await publish(b, web, { version: 'v1' })).digest;
    await publish(b, db, { version: 'v1' });
    await publish(b, picked, { version: 'v1' });
    await makeImage(b, local, { version: 'local' });
    await run(`web-${id}`, web);
    await run(`web-off-${id}`, web, { 'imagewatch.enable': 'false' });
    await run(`web-wt-${id}`, web, { 'com.centurylinklabs.watchtower.enable': 'False' });
    await run(`db-${id}`, db, { 'wud.watch': 'false' });
    await run(`built-${id}`, local);
    await run(`pinned-${id}`, `${web.replace(/:latest$/, '')}@${webDigest}`);
    await run(`picked-${id}`, picked, { 'imagewatch.enable': 'true' });
  });

  afterAll(() => removeContainers(b, `name=${id}`));

  it('watches the tags containers use, and lists what it does not watch with the reason', async () => {
    const result = await check(true);
    const names = result.runtimes.map((r) => r.name);
    // Named after the repository; a tag other than latest is part of the name.
    expect(names).toContain(`web-${id}`);
    expect(names).toContain(`picked-${id}`);
    // db's only container opted out with What's Up Docker's label; the origin's eight are not the default here.
    expect(names).not.toContain(`db-${id}-7`);
    expect(names.some((n) => n.startsWith('workspace-template'))).toBe(false);
    const webReport = result.runtimes.find((r) => r.name === `web-${id}`)!;
    expect(webReport).toMatchObject({ image: web, outcome: 'seeded', remoteDigest: webDigest, updateAvailable: false });

    const byReason = Object.fromEntries(mine(result.unwatched).map((u) => [`${u.reason} ${u.containers.sort().join(',')}`, u]));
    expect(byReason[`local-build built-${id}`]).toMatchObject({ image: local, detail: expect.stringMatching(/local build, not checked/) });
    expect(byReason[`pinned pinned-${id}`]?.detail).toMatch(/pinned to a digest/);
    expect(byReason[`opted-out web-off-${id}`]?.detail).toBe('opted out with imagewatch.enable=false');
    expect(byReason[`opted-out web-wt-${id}`]?.detail).toBe('opted out with com.centurylinklabs.watchtower.enable=False');
    expect(byReason[`opted-out db-${id}`]?.detail).toBe('opted out with wud.watch=false');
    expect(Object.keys(byReason)).toHaveLength(5);
    // The local build was never looked up: no runtime, no error for it.
    expect(result.runtimes.some((r) => r.image === local)).toBe(false);
  });

  it('refreshes a discovered runtime and leaves opted-out and pinned containers alone', async () => {
    const before = await Promise.all([`web-off-${id}`, `web-wt-${id}`, `pinned-${id}`].map((n) => inspect(b, n)));
    await publish(b, web, { version: 'v2' });
    const config = writeConfig(dir, { discover: true, dockerHost: b.dockerHost });
    const result = await runCli(['refresh', '--runtime', `web-${id}`, '--config', config, '--state', state]);
    expect(result.code, result.stderr).toBe(0);
    const detail = (JSON.parse(result.stdout) as RefreshResult).details[`web-${id}`]!;
    const outcomes = Object.fromEntries(detail.containers.map((c) => [c.name, c]));
    expect(outcomes[`web-${id}`]).toMatchObject({ action: 'replaced' });
    expect(outcomes[`web-off-${id}`]).toMatchObject({ action: 'skipped', reason: 'left alone: opted out with the label imagewatch.enable=false' });
    expect(outcomes[`web-wt-${id}`]).toMatchObject({ action: 'skipped' });
    expect(outcomes[`pinned-${id}`]).toBeUndefined();
    const after = await Promise.all(before.map((c) => inspect(b, c.Name.slice(1))));
    after.forEach((c, i) => {
      expect(c.Id).toBe(before[i]!.Id);
      expect(c.Image).toBe(before[i]!.Image);
    });
    expect((await docker(b, ['exec', `web-${id}`, 'cat', '/version'])).trim()).toBe('v2');
  });

  it('in opt-in mode watches only containers labelled imagewatch.enable=true', async () => {
    const result = await check('opt-in');
    const names = result.runtimes.map((r) => r.name);
    expect(names).toContain(`picked-${id}`);
    expect(names).not.toContain(`web-${id}`);
    const notOptedIn = mine(result.unwatched).find((u) => u.reason === 'not-opted-in' && u.containers.includes(`web-${id}`));
    expect(notOptedIn?.detail).toMatch(/label it imagewatch\.enable=true/);
  });
});
