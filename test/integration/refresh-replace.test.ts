// The whole promise on a real registry and a real engine: push v1, run containers with a
// rich config, push v2, `imagewatch check --auto-refresh` twice, and prove the containers
// run v2 with the same config and data while nothing else was touched. Then push a v3 that
// dies at once and prove the v2 container is back, running, with its data.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../shared/dto.js';
import { STATE_SCHEMA_VERSION } from '../../shared/schemas.js';
import type { BedInfo } from '../bed/testbed.js';
import { freePort } from '../bed/testbed.js';
import { docker, inspect, publish, readState, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();
const id = uid();
const prefix = `ws-app-${id}`;
const names = {
  web: `${prefix}-web`,
  stopped: `${prefix}-stopped`,
  otherTag: `${prefix}-othertag`,
  otherRepo: `${prefix}-otherrepo`,
  pinned: `${prefix}-pinned`,
  noMatch: `nomatch-${id}`,
};

/** The config fields a replacement must carry over unchanged. */
function preserved(info: Docker.ContainerInspectInfo): Record<string, unknown> {
  const h = info.HostConfig as Record<string, unknown>;
  const c = info.Config as unknown as Record<string, unknown>;
  const networks = info.NetworkSettings.Networks as Record<string, { Aliases?: string[] | null; IPAMConfig?: unknown }>;
  return {
    name: info.Name,
    env: (info.Config.Env ?? []).filter((e) => e.startsWith('FOO=')),
    // The image's own labels belong to the image and are expected to change with it.
    // imagewatch's own marks name the process that made the container, and differ by design.
    labels: Object.fromEntries(
      Object.entries(info.Config.Labels).filter(([k]) => !k.startsWith('org.example.') && !k.startsWith('io.imagewatch.') && k !== 'com.docker.compose.image'),
    ),
    hostname: info.Config.Hostname,
    workingDir: info.Config.WorkingDir,
    user: info.Config.User,
    stopSignal: c.StopSignal,
    stopTimeout: c.StopTimeout,
    healthcheck: info.Config.Healthcheck,
    exposed: info.Config.ExposedPorts,
    cmd: info.Config.Cmd,
    configImage: info.Config.Image,
    portBindings: h.PortBindings,
    restart: h.RestartPolicy,
    memory: h.Memory,
    cpuShares: h.CpuShares,
    capAdd: h.CapAdd,
    extraHosts: h.ExtraHosts,
    tmpfs: h.Tmpfs,
    log: h.LogConfig,
    init: h.Init,
    dns: h.Dns,
    ulimits: h.Ulimits,
    readOnly: h.ReadonlyRootfs,
    pidsLimit: h.PidsLimit,
    securityOpt: h.SecurityOpt,
    shmSize: h.ShmSize,
    binds: [...((h.Binds as string[] | null) ?? [])].filter((b) => !b.includes('/anon')).sort(),
    networkMode: h.NetworkMode,
    networks: Object.fromEntries(Object.entries(networks).map(([net, ep]) => [net, (ep.Aliases ?? []).filter((a) => a !== info.Id.slice(0, 12)).sort()])),
    mounts: info.Mounts.map((m) => ({ type: m.Type, name: m.Type === 'volume' ? m.Name : m.Source, dest: m.Destination, rw: m.RW })).sort((a, b) =>
      a.dest.localeCompare(b.dest),
    ),
  };
}

async function exec(b: BedInfo, name: string, script: string): Promise<string> {
  return docker(b, ['exec', name, 'sh', '-c', script]);
}

describe.skipIf(bed === null)('refresh with the replace strategy (real registry, real dockerd)', () => {
  const b = bed!;
  const repo = `${b.registries.open}/it/app-${id}`;
  const image = `${repo}:latest`;
  const dir = tempDir();
  const bindDir = path.join(dir, 'bind');
  const statePath = path.join(dir, 'state.json');
  let configPath: string;
  let v1: { id: string; digest: string };
  let v2: { id: string; digest: string };
  const before: Record<string, Docker.ContainerInspectInfo> = {};
  let hostPort: number;

  beforeAll(async () => {
    mkdirSync(bindDir, { recursive: true });
    hostPort = await freePort();
    v1 = await publish(b, image, { version: 'v1', labels: { 'org.example.release': 'one' } });
    await publish(b, `${repo}:other`, { version: 'other' });
    await publish(b, `${b.registries.open}/it/else-${id}:latest`, { version: 'else' });
    await docker(b, ['network', 'create', `front-${id}`]);
    await docker(b, ['network', 'create', `back-${id}`]);

    await docker(b, [
      'run',
      '-d',
      '--name',
      names.web,
      '--network',
      `front-${id}`,
      '--network-alias',
      'alpha',
      '--network-alias',
      'beta',
      '-p',
      `127.0.0.1:${hostPort}:8080`,
      '-v',
      `data-${id}:/named`,
      '-v',
      '/anon',
      '-v',
      `${bindDir}:/bound`,
      '--restart',
      'unless-stopped',
      '--health-cmd',
      'test -f /version',
      '--health-interval',
      '1s',
      '--health-retries',
      '2',
      '--memory',
      '64m',
      '--cpu-shares',
      '512',
      '--ulimit',
      'nofile=1024:2048',
      '-e',
      'FOO=bar',
      '--label',
      'app.role=web',
      // Compose finds its containers by these; losing them makes `docker compose up` recreate again.
      '--label',
      'com.docker.compose.project=demo',
      '--label',
      'com.docker.compose.config-hash=abc123',
      // Compose v2 compares this with the image it would use; it must follow the new image.
      '--label',
      `com.docker.compose.image=${v1.id}`,
      '--hostname',
      'custom-host',
      '--workdir',
      '/tmp',
      '--stop-signal',
      'SIGINT',
      '--stop-timeout',
      '5',
      '--cap-add',
      'NET_ADMIN',
      '--add-host',
      'foo.internal:127.0.0.2',
      '--tmpfs',
      '/scratch',
      '--log-opt',
      'max-size=1m',
      '--init',
      '--dns',
      '127.0.0.53',
      '--user',
      '0:0',
      '--read-only',
      '--pids-limit',
      '200',
      '--security-opt',
      'no-new-privileges:true',
      '--shm-size',
      '32m',
      image,
    ]);
    await docker(b, ['network', 'connect', '--alias', 'gamma', `back-${id}`, names.web]);
    await docker(b, ['run', '-d', '--name', names.stopped, '-v', `/anon-stopped`, image]);
    await docker(b, ['stop', names.stopped]);
    await docker(b, ['run', '-d', '--name', names.otherTag, `${repo}:other`]);
    await docker(b, ['run', '-d', '--name', names.otherRepo, `${b.registries.open}/it/else-${id}:latest`]);
    await docker(b, ['run', '-d', '--name', names.pinned, `${repo}@${v1.digest}`]);
    await docker(b, ['run', '-d', '--name', names.noMatch, image]);

    // Data in every kind of volume, written by the running container.
    await exec(b, names.web, 'echo named-data > /named/keep && echo anon-data > /anon/keep && echo bind-data > /bound/keep');
    for (const name of Object.values(names)) before[name] = await inspect(b, name);

    configPath = writeConfig(dir, {
      runtimes: [{ name: 'app', image, match: { namePrefix: prefix } }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 1,
      healthTimeoutSeconds: 30,
    });
  });

  afterAll(async () => {
    await removeContainers(b, `name=${id}`);
  });

  it('seeds on the first check without refreshing', async () => {
    const run = await runCli(['check', '--config', configPath, '--state', statePath, '--auto-refresh']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [report] = (JSON.parse(run.stdout) as { runtimes: CheckReport[] }).runtimes;
    expect(report).toMatchObject({ name: 'app', outcome: 'seeded', remoteDigest: v1.digest, previousDigest: null, updateAvailable: false });
    expect(report!.refresh).toBeUndefined();
    expect((await inspect(b, names.web)).Id).toBe(before[names.web]!.Id);
  });

  it('refreshes every matching container onto v2 when the tag moves', async () => {
    v2 = await publish(b, image, { version: 'v2', labels: { 'org.example.release': 'two' } });
    const run = await runCli(['check', '--config', configPath, '--state', statePath, '--auto-refresh']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [report] = (JSON.parse(run.stdout) as { runtimes: CheckReport[] }).runtimes;
    expect(report).toMatchObject({ outcome: 'moved', remoteDigest: v2.digest, previousDigest: v1.digest, updateAvailable: false });
    expect(report!.refresh!.pulled).toEqual(['app']);
    expect(report!.refresh!.failed).toEqual([]);
    expect([...report!.refresh!.recreated].sort()).toEqual([names.stopped, names.web].sort());
    const detail = report!.refresh!.details.app!;
    expect(detail).toMatchObject({ ok: true, imageIdAfter: v2.id, digest: v2.digest, platform: 'linux/amd64' });
  });

  it('runs v2 with the same config, volumes and data', async () => {
    const after = await inspect(b, names.web);
    expect(after.Id).not.toBe(before[names.web]!.Id);
    expect(after.Image).toBe(v2.id);
    expect(after.State.Running).toBe(true);
    expect(after.State.Health?.Status).toBe('healthy');
    expect(preserved(after)).toEqual(preserved(before[names.web]!));
    // The new image's own defaults apply; the old image's are not pinned on.
    expect(after.Config.Labels['org.example.release']).toBe('two');
    expect(before[names.web]!.Config.Labels['com.docker.compose.image']).toBe(v1.id);
    expect(after.Config.Labels['com.docker.compose.image']).toBe(v2.id);
    // It names the imagewatch that made it and the container it replaced, and nothing older.
    expect(after.Config.Labels['io.imagewatch.replaces']).toBe(before[names.web]!.Id);
    expect(after.Config.Labels['io.imagewatch.owner']).toMatch(/^.+\/\d+\/(\d+|-)$/);
    expect(after.Config.Env).toContain('IMAGE_VERSION=v2');
    expect(await exec(b, names.web, 'cat /version')).toBe('v2');
    expect(await exec(b, names.web, 'cat /named/keep /anon/keep /bound/keep')).toBe('named-data\nanon-data\nbind-data');
    expect(readFileSync(path.join(bindDir, 'keep'), 'utf8')).toBe('bind-data\n');
    // Its aliases resolve to it on both networks, including the one connected after create.
    const peer = `peer-${id}`;
    await docker(b, ['run', '-d', '--name', peer, '--network', `front-${id}`, image]);
    await docker(b, ['network', 'connect', `back-${id}`, peer]);
    const ips = after.NetworkSettings.Networks as Record<string, { IPAddress: string }>;
    expect(await exec(b, peer, 'nslookup alpha 127.0.0.11')).toContain(ips[`front-${id}`]!.IPAddress);
    expect(await exec(b, peer, 'nslookup gamma 127.0.0.11')).toContain(ips[`back-${id}`]!.IPAddress);
    // No temporary names are left behind.
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=imagewatch`])).toBe('');
  });

  it('recreates the stopped container on v2 and leaves it stopped', async () => {
    const after = await inspect(b, names.stopped);
    expect(after.Id).not.toBe(before[names.stopped]!.Id);
    expect(after.Image).toBe(v2.id);
    expect(after.State.Running).toBe(false);
    const anon = (i: Docker.ContainerInspectInfo): string | undefined => i.Mounts.find((m) => m.Destination === '/anon-stopped')?.Name;
    expect(anon(after)).toBe(anon(before[names.stopped]!));
  });

  it('leaves decoys untouched: another tag, another repo, a pinned digest, a non-matching name', async () => {
    for (const name of [names.otherTag, names.otherRepo, names.pinned, names.noMatch]) {
      const after = await inspect(b, name);
      expect(after.Id, name).toBe(before[name]!.Id);
      expect(after.Image, name).toBe(before[name]!.Image);
      expect(after.State.StartedAt, name).toBe(before[name]!.State.StartedAt);
    }
  });

  it('records v2 as applied in the state file', async () => {
    const state = await readState(statePath);
    expect(state.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    expect(state.get('app')).toMatchObject({ seenDigest: v2.digest, appliedDigest: v2.digest });
    expect(state.get('app').lastRefreshAt).not.toBeNull();
  });

  it('puts the v2 container back, running with its data, when v3 dies at once', async () => {
    const v2Web = await inspect(b, names.web);
    await exec(b, names.web, 'echo more > /named/second');
    const v3 = await publish(b, image, { version: 'v3', script: 'echo v3 cannot start >&2; exit 3' });
    const run = await runCli(['check', '--config', configPath, '--state', statePath, '--auto-refresh']);
    expect(run.code).toBe(1);
    const [report] = (JSON.parse(run.stdout) as { runtimes: CheckReport[] }).runtimes;
    expect(report!.outcome).toBe('moved');
    expect(report!.refresh!.failed).toEqual(['app']);
    const failedWeb = report!.refresh!.details.app!.containers.find((c) => c.name === names.web)!;
    expect(failedWeb).toMatchObject({ action: 'failed', restored: true });
    expect(failedWeb.reason).toMatch(/exited|restarting|unhealthy/);
    expect(failedWeb.reason).toContain('v3 cannot start');

    const after = await inspect(b, names.web);
    expect(after.Id).toBe(v2Web.Id);
    expect(after.Image).toBe(v2.id);
    expect(after.State.Running).toBe(true);
    expect(preserved(after)).toEqual(preserved(v2Web));
    expect(await exec(b, names.web, 'cat /version /named/keep /named/second /anon/keep /bound/keep')).toBe('v2\nnamed-data\nmore\nanon-data\nbind-data');
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=imagewatch`])).toBe('');

    const state = await readState(statePath);
    expect(state.get('app')).toMatchObject({
      seenDigest: v3.digest,
      appliedDigest: v2.digest,
      retry: { digest: v3.digest, attempt: 1 },
      lastError: { phase: 'refresh' },
    });
    writeFileSync(path.join(dir, 'done'), '');
  });
});
