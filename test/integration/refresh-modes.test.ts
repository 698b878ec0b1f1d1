// Refresh modes and failure paths on the real engine: pull-only, the origin's remove
// strategy, pulls that need credentials, errors inside the pull stream, an unreachable
// engine, unknown runtimes, and one refresh shared by concurrent callers.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshResult } from '../../shared/dto.js';
import { connectDocker } from '../../electron/core/engines/connect.js';
import { RefreshService } from '../../electron/core/refresh/service.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { docker, inspect, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('refresh modes and failures (real dockerd)', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const statePath = path.join(dir, 'state.json');
  const repo = `${b.registries.open}/modes/app-${id}`;
  let proxy: FaultProxy;

  const config = (runtimes: unknown[], extra: Record<string, unknown> = {}): string =>
    writeConfig(dir, { runtimes, dockerHost: b.dockerHost, startGraceSeconds: 0.5, ...extra });

  beforeAll(async () => {
    proxy = await startFaultProxy(b.registries.open);
  });

  afterAll(async () => {
    await proxy.close();
    await removeContainers(b, `name=${id}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it("with auto-refresh off, a move is reported and nothing is pulled (its HEAD, then the new image's labels once)", async () => {
    const image = `${proxy.host}/modes/monitor-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `monitor-${id}`, image]);
    const cfg = config([{ name: 'monitor', image }]);
    const monitorState = path.join(dir, 'monitor-state.json');
    expect((await runCli(['check', '--config', cfg, '--state', monitorState])).code).toBe(0);
    await publish(b, image, { version: 'v2' });
    const seenBefore = proxy.seen.length;
    const run = await runCli(['check', '--config', cfg, '--state', monitorState], { IMAGE_AUTO_REFRESH: 'false' });
    expect(run.code, run.stderr).toBe(0);
    const [report] = (JSON.parse(run.stdout) as { runtimes: Array<{ outcome: string; updateAvailable: boolean; refresh?: unknown }> }).runtimes;
    expect(report).toMatchObject({ outcome: 'moved', updateAvailable: true });
    expect(report!.refresh).toBeUndefined();
    const requests = proxy.seen.slice(seenBefore);
    // The lookup, then the new image's manifest and its config (for its version labels); no layer.
    expect(requests).toEqual([
      `HEAD /v2/modes/monitor-${id}/manifests/latest`,
      expect.stringMatching(new RegExp(`^GET /v2/modes/monitor-${id}/manifests/sha256:[a-f0-9]{64}$`)),
      expect.stringMatching(new RegExp(`^GET /v2/modes/monitor-${id}/blobs/sha256:[a-f0-9]{64}$`)),
    ]);
  });

  it('--no-recreate pulls the new image and touches no container', async () => {
    const image = `${repo}-pull:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `pull-${id}`, image]);
    const before = await inspect(b, `pull-${id}`);
    const v2 = await publish(b, image, { version: 'v2' });
    await docker(b, ['rmi', image]); // the engine must really pull, not find it locally
    const run = await runCli(['refresh', '--runtime', 'pull', '--no-recreate', '--config', config([{ name: 'pull', image }]), '--state', statePath]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as RefreshResult;
    expect(result).toMatchObject({ pulled: ['pull'], failed: [], recreated: [] });
    expect(result.details.pull!.imageIdAfter).toBe(v2.id);
    const after = await inspect(b, `pull-${id}`);
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
  });

  it('the remove strategy force-removes matching containers and keeps their volumes', async () => {
    const image = `${repo}-rm:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `rm-${id}`, '-v', `rmvol-${id}:/data`, image]);
    await docker(b, ['exec', `rm-${id}`, 'sh', '-c', 'echo kept > /data/f']);
    await publish(b, image, { version: 'v2' });
    const run = await runCli(['refresh', '--config', config([{ name: 'rm', image, recreate: 'remove' }]), '--state', statePath]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ pulled: ['rm'], failed: [], recreated: [`rm-${id}`] });
    expect(await docker(b, ['ps', '-aq', '--filter', `name=^rm-${id}$`])).toBe('');
    expect(await docker(b, ['run', '--rm', '-v', `rmvol-${id}:/data`, image, 'cat', '/data/f'])).toBe('kept');
  });

  it('passes registry credentials to the engine for the pull', async () => {
    const image = `${b.registries.basic}/modes/app-${id}:latest`;
    const loginEnv = { DOCKER_CONFIG: tempDir('iw-login-') };
    await docker(b, ['login', b.registries.basic, '-u', b.user.username, '-p', b.user.password], { env: loginEnv });
    await publish(b, image, { version: 'v1' }, loginEnv);
    await docker(b, ['run', '-d', '--name', `auth-${id}`, image]);
    const v2 = await publish(b, image, { version: 'v2' }, loginEnv);
    await docker(b, ['rmi', image]);

    const without = await runCli(['refresh', '--config', config([{ name: 'auth', image }]), '--state', statePath], { DOCKER_CONFIG: tempDir() });
    expect(without.code).toBe(1);
    const failed = JSON.parse(without.stdout) as RefreshResult;
    expect(failed.failed).toEqual(['auth']);
    expect(failed.details.auth!.error).toMatch(/pull .*(no basic auth credentials|unauthorized|authentication required)/i);
    expect((await inspect(b, `auth-${id}`)).State.Running).toBe(true);

    const credentials = { [b.registries.basic]: { username: b.user.username, password: b.user.password } };
    const withCreds = await runCli(['refresh', '--config', config([{ name: 'auth', image }], { credentials }), '--state', statePath], {
      DOCKER_CONFIG: tempDir(),
    });
    expect(withCreds.code, withCreds.stderr).toBe(0);
    expect((await inspect(b, `auth-${id}`)).Image).toBe(v2.id);
  });

  it('an error inside the pull stream fails the refresh and leaves containers alone', async () => {
    const image = `${proxy.host}/modes/stream-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `stream-${id}`, image]);
    const before = await inspect(b, `stream-${id}`);
    const v2 = await publish(b, image, { version: 'v2' });
    // v1 stays local: a client that ignored the stream's error line would see v1 after the
    // "successful" pull and call every container up to date.
    await docker(b, ['tag', before.Image, image]);
    await docker(b, ['rmi', v2.id]);
    proxy.setFault((method, p) => method === 'GET' && p.includes('/blobs/'), { kind: 'status', status: 500 });
    const run = await runCli(['refresh', '--config', config([{ name: 'stream', image }]), '--state', statePath]);
    proxy.setFault(() => false, null);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as RefreshResult;
    expect(result).toMatchObject({ pulled: [], failed: ['stream'], recreated: [] });
    expect(result.details.stream!.error).toMatch(/^pull .*: error pulling image configuration: .*500/);
    const after = await inspect(b, `stream-${id}`);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
  });

  it('refuses to replace an --rm container, which stopping would delete, and leaves it running', async () => {
    const image = `${repo}-autorm:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--rm', '--name', `autorm-${id}`, '-v', '/scratch', image]);
    const before = await inspect(b, `autorm-${id}`);
    await publish(b, image, { version: 'v2' });
    const run = await runCli(['refresh', '--config', config([{ name: 'autorm', image }]), '--state', statePath]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as RefreshResult;
    expect(result.details.autorm!.containers).toEqual([
      expect.objectContaining({ name: `autorm-${id}`, action: 'failed', reason: expect.stringContaining('--rm') as string }),
    ]);
    const after = await inspect(b, `autorm-${id}`);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
  });

  it('leaves a container alone when another shares its network namespace', async () => {
    const image = `${repo}-netns:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `netns-${id}`, image]);
    await publish(b, `${repo}-netns:sidecar`, { version: 'sidecar' });
    await docker(b, ['run', '-d', '--name', `sidecar-${id}`, '--network', `container:netns-${id}`, `${repo}-netns:sidecar`]);
    const before = await inspect(b, `netns-${id}`);
    await publish(b, image, { version: 'v2' });
    const run = await runCli(['refresh', '--config', config([{ name: 'netns', image }]), '--state', statePath]);
    expect(run.code).toBe(1);
    const [outcome] = (JSON.parse(run.stdout) as RefreshResult).details.netns!.containers;
    expect(outcome).toMatchObject({ name: `netns-${id}`, action: 'failed' });
    expect(outcome!.reason).toContain(`sidecar-${id} share its network namespace`);
    expect((await inspect(b, `netns-${id}`)).Id).toBe(before.Id);
    expect((await inspect(b, `sidecar-${id}`)).State.Running).toBe(true);
  });

  it('an unknown runtime is a usage error that lists the known ones', async () => {
    const run = await runCli([
      'refresh',
      '--runtime',
      'nope',
      '--config',
      config([
        { name: 'a', image: `${repo}:latest` },
        { name: 'b', image: `${repo}:x` },
      ]),
      '--state',
      statePath,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('imagewatch: unknown runtime: nope (known: a, b)');
    expect(run.stdout).toBe('');
  });

  it('an unreachable engine gives one clear line and the partial result, no stack trace', async () => {
    const run = await runCli([
      'refresh',
      '--config',
      writeConfig(dir, { runtimes: [{ name: 'a', image: `${repo}:latest` }], dockerHost: `unix://${dir}/no.sock` }),
      '--state',
      statePath,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot list containers: .*ENOENT/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(run.stdout)).toMatchObject({ partial_result: { pulled: [], failed: ['a'], recreated: [] } });
  });

  it('check exits 1 when the engine cannot be asked, naming it, with the registry part still reported', async () => {
    const image = `${repo}-nodocker:latest`;
    await publish(b, image, { version: 'v1' });
    const run = await runCli([
      'check',
      '--config',
      writeConfig(dir, { runtimes: [{ name: 'a', image }], dockerHost: `unix://${dir}/no.sock` }),
      '--state',
      path.join(dir, 'nodocker-state.json'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^imagewatch: engine \S+ cannot be reached: .*no\.sock/m);
    const report = (JSON.parse(run.stdout) as { runtimes: Array<{ outcome: string; updateAvailable: boolean | null }> }).runtimes[0];
    expect(report).toMatchObject({ outcome: 'seeded', updateAvailable: null });
  });

  it('concurrent refreshes of one runtime share a single pull and result', async () => {
    const image = `${proxy.host}/modes/shared-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    await docker(b, ['rmi', image]);
    const service = new RefreshService({
      docker: connectDocker({ host: b.dockerHost }),
      pullCredential: async () => ({ credential: null }),
      pullStallMs: 120_000,
      strategy: 'replace',
      startGraceMs: 500,
      healthTimeoutMs: 10_000,
    });
    // The engine opens every pull with a `GET /v2/` ping: one per pull it actually makes.
    const manifestGets = (): number => proxy.seen.filter((s) => s === 'GET /v2/').length;
    const before = manifestGets();
    const runtime = { name: 'shared', image };
    const [first, second] = await Promise.all([service.refreshOne(runtime), service.refreshOne(runtime)]);
    expect(first).toBe(second);
    expect(first.ok).toBe(true);
    expect(manifestGets() - before).toBe(1);
    // Once finished, a new request runs again.
    await service.refreshOne(runtime);
    expect(manifestGets() - before).toBe(2);
  });
});
