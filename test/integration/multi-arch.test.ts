// A multi-arch tag moves whenever any platform's image changes. A move that leaves the
// engine's own platform (linux/amd64 on the bed) alone is no new version: no notification, no
// refresh, and only one extra GET, of the new index. A real two-platform index is pushed to the
// bed registry with manifest PUTs, behind a proxy that records every request. Each platform's
// image carries its own version label, so the version shown is the engine platform's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckRun, HistoryEntry } from '../../shared/dto.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { docker, inspect, makeImage, push, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();
const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const IMAGE = 'application/vnd.docker.distribution.manifest.v2+json';

describe.skipIf(bed === null)('multi-arch tags', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const state = path.join(dir, 'state.json');
  let proxy: FaultProxy;
  let repo = '';
  let config = '';

  /** Builds and pushes one platform's image; its descriptor for an index. */
  const platformImage = async (tag: string, version: string): Promise<{ digest: string; size: number }> => {
    await makeImage(b, `${repo}:${tag}`, { version, labels: { 'org.opencontainers.image.version': tag } });
    await push(b, `${repo}:${tag}`);
    const res = await fetch(`http://${b.registries.open}/v2/multi-${id}/app/manifests/${tag}`, { method: 'HEAD', headers: { accept: IMAGE } });
    return { digest: res.headers.get('docker-content-digest')!, size: Number(res.headers.get('content-length')) };
  };
  /** PUTs an index at :latest (straight to the registry, so the proxy's log holds only imagewatch's and the engine's requests). */
  const putIndex = async (amd64: { digest: string; size: number }, arm64: { digest: string; size: number }): Promise<string> => {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: LIST,
      manifests: [
        { mediaType: IMAGE, ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: IMAGE, ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    });
    const res = await fetch(`http://${b.registries.open}/v2/multi-${id}/app/manifests/latest`, { method: 'PUT', headers: { 'content-type': LIST }, body });
    expect(res.status, await res.text()).toBe(201);
    return res.headers.get('docker-content-digest')!;
  };
  const check = async (): Promise<CheckRun['runtimes'][number]> => {
    const result = await runCli(['check', '--auto-refresh', '--json', '--config', config, '--state', state]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as CheckRun).runtimes[0]!;
  };
  const manifestRequests = (): string[] => proxy.seen.filter((line) => line.includes(`/v2/multi-${id}/app/manifests/`));
  const history = (): HistoryEntry[] =>
    (JSON.parse(readFileSync(state, 'utf8')) as { runtimes: Record<string, { history: HistoryEntry[] }> }).runtimes.app!.history;

  let amd64v1: { digest: string; size: number };
  let index1 = '';

  beforeAll(async () => {
    proxy = await startFaultProxy(b.registries.open);
    repo = `${b.registries.open}/multi-${id}/app`;
    amd64v1 = await platformImage('amd64-1', 'v1');
    index1 = await putIndex(amd64v1, await platformImage('arm64-1', 'arm-v1'));
    const watched = `${proxy.host}/multi-${id}/app:latest`;
    await docker(b, ['run', '-d', '--name', `multi-${id}`, watched]);
    config = writeConfig(dir, { runtimes: [{ name: 'app', image: watched }], dockerHost: b.dockerHost });
  });

  afterAll(async () => {
    await removeContainers(b, `name=multi-${id}`);
    await proxy.close();
  });

  it("seeds from the index, reading it once to learn the engine platform image, and that image's version", async () => {
    proxy.seen.length = 0;
    const report = await check();
    expect(report).toMatchObject({ outcome: 'seeded', remoteDigest: index1, updateAvailable: false, version: 'amd64-1', versionFrom: 'label' });
    // The lookup, the index, then the platform's manifest and its config: the labels cost two requests, once.
    expect(manifestRequests()).toEqual([
      `HEAD /v2/multi-${id}/app/manifests/latest`,
      `GET /v2/multi-${id}/app/manifests/${index1}`,
      `GET /v2/multi-${id}/app/manifests/${amd64v1.digest}`,
    ]);
    expect(proxy.seen.filter((line) => line.startsWith(`GET /v2/multi-${id}/app/blobs/`))).toHaveLength(1);
  });

  it('takes a move of another platform only as a new index: no update, no refresh, one GET', async () => {
    const before = await inspect(b, `multi-${id}`);
    const index2 = await putIndex(amd64v1, await platformImage('arm64-2', 'arm-v2'));
    proxy.seen.length = 0;
    const report = await check();
    expect(report).toMatchObject({ outcome: 'unchanged', remoteDigest: index2, previousDigest: index1, updateAvailable: false, version: 'amd64-1' });
    expect(report.refresh).toBeUndefined();
    expect(manifestRequests()).toEqual([`HEAD /v2/multi-${id}/app/manifests/latest`, `GET /v2/multi-${id}/app/manifests/${index2}`]);
    expect(history().at(-1)).toMatchObject({
      kind: 'index-moved',
      digest: index2,
      previousDigest: index1,
      message: expect.stringMatching(/linux\/amd64 image did not change/),
    });
    const after = await inspect(b, `multi-${id}`);
    expect(after.Id).toBe(before.Id);

    // Steady state again: one HEAD, no GET.
    proxy.seen.length = 0;
    expect(await check()).toMatchObject({ outcome: 'unchanged', remoteDigest: index2 });
    expect(manifestRequests()).toEqual([`HEAD /v2/multi-${id}/app/manifests/latest`]);
  });

  it("takes a move of the engine's platform as a new version and refreshes onto it", async () => {
    const index3 = await putIndex(await platformImage('amd64-2', 'v2'), await platformImage('arm64-3', 'arm-v3'));
    const report = await check();
    expect(report).toMatchObject({ outcome: 'moved', remoteDigest: index3, version: 'amd64-2', previousVersion: 'amd64-1' });
    expect(report.refresh?.recreated).toEqual([`multi-${id}`]);
    expect((await docker(b, ['exec', `multi-${id}`, 'cat', '/version'])).trim()).toBe('v2');
  });
});
