// Versions people read, through the CLI against real images on the bed registry: one with OCI
// labels, one with only label-schema's, one with none, and one whose tag is a version. The
// check says "v1.0.0 → v1.1.0" with its release link in --json and in text, a JSON webhook and
// MQTT (Home Assistant's update entity) carry the versions, and what it costs is counted at a
// proxy in front of the registry: a steady check is one HEAD per tag, a move three more
// requests at most, once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun } from '../../shared/dto.js';
import { startMosquitto } from '../bed/mosquitto.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { docker, publish, removeContainers, requireBed, runCli, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

const oci = (version: string): Record<string, string> => ({
  'org.opencontainers.image.version': version,
  'org.opencontainers.image.source': 'https://github.com/example/app',
  'org.opencontainers.image.revision': version === 'v1.0.0' ? '1111111' : '2222222',
  'org.opencontainers.image.created': new Date(Date.now() - 2 * 3600_000).toISOString(),
});

describe.skipIf(bed === null)('versions people read', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const state = path.join(dir, 'state.json');
  const bodies: Array<Record<string, unknown>> = [];
  const got: Array<{ topic: string; payload: Record<string, unknown> }> = [];
  let hook: http.Server;
  let proxy: FaultProxy;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  let subscriber: Awaited<ReturnType<typeof connectAsync>>;
  let config = '';
  const repo = (name: string): string => `${b.registries.open}/versions-${id}/${name}`;
  const watched = (name: string, tag = 'latest'): string => `${proxy.host}/versions-${id}/${name}:${tag}`;

  const check = async (): Promise<{ run: CheckRun }> => {
    const result = await runCli(['check', '--json', '--config', config, '--state', state]);
    expect(result.code, result.stderr).toBe(0);
    return { run: JSON.parse(result.stdout) as CheckRun };
  };
  const report = (run: CheckRun, name: string) => run.runtimes.find((r) => r.name === name)!;
  const registryRequests = (): string[] => proxy.seen.filter((line) => line.includes(`/v2/versions-${id}/`));

  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    broker = await startMosquitto();
    subscriber = await connectAsync(`mqtt://${broker.host}`, { reconnectPeriod: 0 });
    subscriber.on('message', (topic, payload) => got.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> }));
    await subscriber.subscribeAsync([`iwv${id}/#`]);
    proxy = await startFaultProxy(b.registries.open);

    await publish(b, `${repo('app')}:latest`, { version: 'v1', labels: oci('v1.0.0') });
    await publish(b, `${repo('legacy')}:latest`, {
      version: 'l1',
      labels: { 'org.label-schema.version': '2.0', 'org.label-schema.vcs-url': 'https://gitlab.com/example/legacy' },
    });
    await publish(b, `${repo('plain')}:latest`, { version: 'p1' });
    await publish(b, `${repo('tagged')}:1.25.3`, { version: 't1' });
    // What runs: the engine holds app v1.0.0, through the proxy's name (so its copy records that repository).
    await docker(b, ['pull', '-q', watched('app')]);
    await docker(b, ['run', '-d', '--name', `versions-${id}`, watched('app')]);
    const hookHost = `127.0.0.1:${(hook.address() as AddressInfo).port}`;
    config = writeConfig(dir, {
      runtimes: [
        { name: 'app', image: watched('app') },
        { name: 'legacy', image: watched('legacy') },
        { name: 'plain', image: watched('plain') },
        { name: 'tagged', image: watched('tagged', '1.25.3'), link: 'https://nginx.org/en/CHANGES-${major}.${minor}' },
      ],
      dockerHost: b.dockerHost,
      notify: [
        { url: `json://${hookHost}/hook`, events: ['new-version'] },
        { url: `mqtt://${broker.host}/iwv${id}?discovery=iwv${id}/ha`, events: ['new-version'] },
      ],
    });
  });

  afterAll(async () => {
    await removeContainers(b, `name=versions-${id}`);
    await subscriber?.endAsync();
    await broker?.stop();
    await proxy?.close();
    hook?.closeAllConnections();
    hook?.close();
  });

  it('says each version at first sight, and where it came from', async () => {
    proxy.seen.length = 0;
    const { run } = await check();
    expect(report(run, 'app')).toMatchObject({
      outcome: 'seeded',
      version: 'v1.0.0',
      versionFrom: 'label',
      link: 'https://github.com/example/app/releases/tag/v1.0.0',
    });
    expect(report(run, 'legacy')).toMatchObject({ version: '2.0', versionFrom: 'label', link: 'https://gitlab.com/example/legacy/-/tags?search=2.0' });
    expect(report(run, 'plain')).toMatchObject({ versionFrom: 'digest', version: expect.stringMatching(/^sha256:[a-f0-9]{12}$/) });
    expect(report(run, 'plain').link).toBeUndefined();
    expect(report(run, 'tagged')).toMatchObject({ version: '1.25.3', versionFrom: 'tag', link: 'https://nginx.org/en/CHANGES-1.25' });
    // Each tag: its HEAD, then its manifest and config, once.
    expect(registryRequests().filter((l) => l.startsWith('HEAD '))).toHaveLength(4);
    expect(registryRequests().filter((l) => l.startsWith('GET '))).toHaveLength(8);
  });

  it('costs one HEAD per tag on a steady check', async () => {
    proxy.seen.length = 0;
    await check();
    expect(registryRequests()).toHaveLength(4);
    expect(registryRequests().every((l) => l.startsWith('HEAD '))).toBe(true);
  });

  it('says "v1.0.0 → v1.1.0" with the link everywhere a move is told, for three more requests once', async () => {
    const moved = await publish(b, `${repo('app')}:latest`, { version: 'v2', labels: oci('v1.1.0') });
    proxy.seen.length = 0;
    const { run } = await check();
    expect(report(run, 'app')).toMatchObject({
      outcome: 'moved',
      remoteDigest: moved.digest,
      updateAvailable: true,
      version: 'v1.1.0',
      previousVersion: 'v1.0.0',
      link: 'https://github.com/example/app/releases/tag/v1.1.0',
    });
    // The moved tag: its HEAD, its manifest and its config (one image, no index); the others one HEAD each.
    const app = registryRequests().filter((l) => l.includes(`/versions-${id}/app/`));
    expect(app.filter((l) => l.startsWith('HEAD '))).toHaveLength(1);
    expect(app.length - 1).toBeLessThanOrEqual(3);
    expect(registryRequests().length - app.length).toBe(3);

    const body = await until('the webhook', () => bodies.find((x) => x.event === 'new-version' && x.runtime === 'app'));
    expect(body).toMatchObject({
      title: 'New version of app: v1.0.0 → v1.1.0',
      version: 'v1.1.0',
      previousVersion: 'v1.0.0',
      link: 'https://github.com/example/app/releases/tag/v1.1.0',
      digest: moved.digest,
    });
    const entity = await until('the Home Assistant state', () => got.find((m) => m.topic === `iwv${id}/app/state`));
    expect(entity.payload).toEqual({
      installed_version: 'v1.0.0',
      latest_version: 'v1.1.0',
      release_url: 'https://github.com/example/app/releases/tag/v1.1.0',
    });
    const event = got.find((m) => m.topic === `iwv${id}/event` && m.payload.runtime === 'app');
    expect(event?.payload).toMatchObject({ version: 'v1.1.0', previousVersion: 'v1.0.0' });

    // The next check is steady again, and says what runs against what is new.
    proxy.seen.length = 0;
    const again = await check();
    expect(report(again.run, 'app')).toMatchObject({ outcome: 'unchanged', version: 'v1.1.0', previousVersion: 'v1.0.0', updateAvailable: true });
    expect(registryRequests()).toHaveLength(4);
  });
});
