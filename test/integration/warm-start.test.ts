// The usual replacement with a warm start: the new container starts cut off from every
// network before the old one stops, and joins the old one's networks (publishing its ports)
// once the old one is down. Every network setting is kept; an app that cannot start cut off
// is replaced the usual way; a failure after the join rolls back; a crash mid-way is repaired
// and leaves no private network behind. Containers that write to a volume are not warm-started.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerOutcome, RecreateStep, RefreshProgress, RuntimeConfig } from '../../shared/dto.js';
import { connectDocker } from '../../electron/core/engines/connect.js';
import { isolationNetworkName } from '../../electron/core/update/containers/warm-start.js';
import { RefreshService } from '../../electron/core/refresh/service.js';
import { freePort } from '../bed/testbed.js';
import { CLI, docker, inspect, publish, removeContainers, requireBed, runCli, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();
const SERVE = "httpd -p 8080 -h /; trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done";

function get(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/version', agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

describe.skipIf(bed === null)('warm start', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const front = `wf-${id}`;
  const back = `wb-${id}`;
  const octet = Math.floor(Math.random() * 200) + 20;
  const subnet = `10.251.${octet}`;
  const frontSubnet = `10.252.${octet}`;
  const steps = new Map<string, RecreateStep[]>();
  const service = new RefreshService({
    docker: connectDocker({ host: b.dockerHost }),
    pullCredential: async () => ({ credential: null }),
    pullStallMs: 120_000,
    strategy: 'replace',
    startGraceMs: 500,
    healthTimeoutMs: 20_000,
    onProgress: (p: RefreshProgress) => {
      if (p.phase === 'recreate') steps.set(p.container, [...(steps.get(p.container) ?? []), p.step]);
    },
  });
  const refresh = async (runtime: RuntimeConfig): Promise<ContainerOutcome> => {
    const result = await service.refreshOne(runtime);
    return result.containers[0]!;
  };
  const isolationNetworks = async (): Promise<string> => docker(b, ['network', 'ls', '--format', '{{.Name}}', '--filter', 'name=imagewatch-warm']);

  beforeAll(async () => {
    await docker(b, ['network', 'create', '--subnet', `${frontSubnet}.0/24`, front]);
    await docker(b, ['network', 'create', '--subnet', `${subnet}.0/24`, back]);
  });

  afterAll(async () => {
    await removeContainers(b, `name=${id}`);
    await docker(b, ['network', 'rm', front, back]).catch(() => '');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the new container before the old one stops and keeps its networks, aliases, address and port', async () => {
    const image = `${b.registries.open}/warm/web-${id}:latest`;
    const name = `web-${id}`;
    const port = await freePort();
    const conf = path.join(dir, 'conf');
    mkdirSync(conf);
    writeFileSync(path.join(conf, 'app.conf'), 'x');
    await publish(b, image, { version: 'v1', script: SERVE });
    await docker(b, [
      'run',
      '-d',
      '--name',
      name,
      '--network',
      front,
      '--network-alias',
      'alpha',
      '-p',
      `127.0.0.1:${port}:8080`,
      '-v',
      `${conf}:/conf:ro`,
      image,
    ]);
    await docker(b, ['network', 'connect', '--alias', 'gamma', '--ip', `${subnet}.10`, back, name]);
    await until('v1 answers', async () => (await get(port)) === 'v1');
    const before = await inspect(b, name);
    await publish(b, image, { version: 'v2', script: SERVE });

    const outcome = await refresh({ name: 'web', image, match: { namePrefix: name } });
    expect(outcome).toMatchObject({ name, action: 'replaced' });
    expect(outcome.reason).toBeUndefined();
    const seen = steps.get(name)!;
    expect(seen.indexOf('start-isolated')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('start-isolated')).toBeLessThan(seen.indexOf('stop-old'));
    expect(seen.indexOf('stop-old')).toBeLessThan(seen.indexOf('connect'));

    expect(await get(port)).toBe('v2');
    const after = await inspect(b, name);
    expect(after.Id).not.toBe(before.Id);
    expect(after.HostConfig.NetworkMode).toBe(front);
    expect(after.HostConfig.PortBindings).toEqual(before.HostConfig.PortBindings);
    const networks = after.NetworkSettings.Networks as Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }>;
    expect(Object.keys(networks).sort()).toEqual([back, front].sort());
    expect(networks[front]!.Aliases).toContain('alpha');
    expect(networks[back]!.Aliases).toContain('gamma');
    expect(networks[back]!.IPAMConfig?.IPv4Address).toBe(`${subnet}.10`);
    // Reached by its alias on the second network, at its fixed address.
    const peer = await docker(b, ['run', '--rm', '--network', back, image, 'sh', '-c', 'wget -q -O - http://gamma:8080/version']);
    expect(peer.trim()).toBe('v2');
    expect(await isolationNetworks()).toBe('');
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch`])).toBe('');
  });

  it('replaces an app that cannot start cut off from its network the usual way, and says so', async () => {
    const image = `${b.registries.open}/warm/needy-${id}:latest`;
    // Exits at once without its address on the network, as an app that binds to that address at start does.
    const needy = `grep -qF ' ${frontSubnet}.' /proc/net/fib_trie || exit 3; ${SERVE}`;
    await publish(b, image, { version: 'v1', script: needy });
    const name = `needy-${id}`;
    await docker(b, ['run', '-d', '--name', name, '--network', front, image]);
    await until('needy runs', async () => (await inspect(b, name)).State.Running);
    await publish(b, image, { version: 'v2', script: needy });

    const outcome = await refresh({ name: 'needy', image, match: { namePrefix: name } });
    expect(outcome).toMatchObject({ name, action: 'replaced', reason: expect.stringMatching(/^warm start failed \(new container exited \(code 3\)/) });
    expect(steps.get(name)).toEqual(expect.arrayContaining(['start-isolated', 'start']));
    expect((await inspect(b, name)).State.Running).toBe(true);
    expect((await docker(b, ['exec', name, 'cat', '/version'])).trim()).toBe('v2');
    expect(await isolationNetworks()).toBe('');
  });

  it('leaves containers that write to a volume, or say no, to the usual way', async () => {
    const image = `${b.registries.open}/warm/plain-${id}:latest`;
    await publish(b, image, { version: 'v1', script: SERVE });
    await docker(b, ['run', '-d', '--name', `vol-${id}`, '--network', front, '-v', '/data', image]);
    await docker(b, ['run', '-d', '--name', `no-${id}`, '--network', front, '--label', 'imagewatch.warm-start=false', image]);
    await publish(b, image, { version: 'v2', script: SERVE });
    await refresh({ name: 'plain', image, match: { namePrefix: `vol-${id}` } });
    await refresh({ name: 'plain', image, match: { namePrefix: `no-${id}` } });
    for (const name of [`vol-${id}`, `no-${id}`]) {
      expect(steps.get(name)).toContain('start');
      expect(steps.get(name)).not.toContain('start-isolated');
    }
    // Asked for, where it cannot be: the outcome says why.
    await docker(b, ['rm', '-f', `no-${id}`]);
    await docker(b, ['run', '-d', '--name', `asked-${id}`, '--network', front, '-v', '/data', image]);
    await publish(b, image, { version: 'v3', script: SERVE });
    const asked = await refresh({ name: 'plain', image, warmStart: true, match: { namePrefix: `asked-${id}` } });
    expect(asked.reason).toMatch(/^warm start not possible \(it writes to \/data; label it imagewatch\.warm-start=true/);
  });

  it('rolls back when the new container turns unhealthy on its networks: the old one serves again', async () => {
    const image = `${b.registries.open}/warm/sick-${id}:latest`;
    const name = `sick-${id}`;
    const port = await freePort();
    await publish(b, image, { version: 'v1', script: SERVE });
    await docker(b, [
      'run', '-d', '--name', name, '--network', front, '-p', `127.0.0.1:${port}:8080`,
      '--health-cmd', 'test "$(cat /version)" = v1', '--health-interval', '1s', '--health-retries', '1', image,
    ]); // prettier-ignore
    const before = await inspect(b, name);
    await publish(b, image, { version: 'v2', script: SERVE });

    const outcome = await refresh({ name: 'sick', image, match: { namePrefix: name } });
    expect(outcome).toMatchObject({ name, action: 'failed', restored: true, reason: expect.stringMatching(/unhealthy/) });
    expect(steps.get(name)).toContain('connect');
    const after = await inspect(b, name);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    await until('v1 answers again', async () => (await get(port)) === 'v1');
    expect(await isolationNetworks()).toBe('');
  });

  it('after a kill while the new container starts cut off, the next run removes it and its network', async () => {
    const image = `${b.registries.open}/warm/crash-${id}:latest`;
    const name = `crash-${id}`;
    const port = await freePort();
    await publish(b, image, { version: 'v1', script: SERVE });
    await docker(b, ['run', '-d', '--name', name, '--network', front, '-p', `127.0.0.1:${port}:8080`, image]);
    const before = await inspect(b, name);
    await publish(b, image, { version: 'v2', script: SERVE });
    const stateDir = path.join(dir, 'crash');
    mkdirSync(stateDir);
    const statePath = path.join(stateDir, 'state.json');
    // A long grace keeps the new container cut off, and the old one serving, while it is killed.
    const config = writeConfig(stateDir, {
      runtimes: [{ name: 'crash', image, match: { namePrefix: name } }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 60,
    });
    const child = spawn(process.execPath, [CLI, 'refresh', '--config', config, '--state', statePath], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until('the new container runs cut off', async () => {
      const running = await docker(b, ['ps', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch-new`]);
      return running.trim() !== '';
    });
    expect(await isolationNetworks()).toContain(isolationNetworkName(before.Id));
    expect(await get(port)).toBe('v1');
    child.kill('SIGKILL');
    await exited;

    const restarted = await runCli(['check', '--config', config, '--state', statePath]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stderr).toContain(`imagewatch: restored ${name} after a replacement interrupted at`);
    const after = await inspect(b, name);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(await get(port)).toBe('v1');
    expect(await isolationNetworks()).toBe('');
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${name}.imagewatch`])).toBe('');
  });
});
