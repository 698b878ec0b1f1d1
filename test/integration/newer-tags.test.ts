// Newer version tags against the bed registry: one repository with the tag shapes people
// publish (latest, sha-, signatures, pre-releases, -alpine, four-part, LinuxServer's -lsNN),
// each threshold and filter picking what a user would expect from one listing of the
// repository; the tags API paged through Link; a registry that refuses listing said once and
// not asked again within the interval; and --to-tag moving a plain container with its data,
// and refusing a compose one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun, RefreshResult } from '../../shared/dto.js';
import { parseReference } from '../../electron/core/image/reference.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { CredentialChain } from '../../electron/core/registry/credentials.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { docker, inspect, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();
const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

const TAGS = [
  'latest',
  'sha-abc1234',
  `sha256-${'c'.repeat(64)}.sig`,
  '1.25.4',
  '1.26.0',
  '1.26.2',
  '1.28.0-rc.1',
  '2.0.0-beta',
  '2.0.0',
  '1.25.3-alpine',
  '1.27.1-alpine',
  '1.40.2.8395',
  '1.40.3.8502',
  '1.41.0.8992',
  '1.2.3-ls45',
  '1.2.3-ls46',
  '1.2.4-ls47',
  '1.3.0-ls50',
];

describe.skipIf(bed === null)('newer version tags', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const state = path.join(dir, 'state.json');
  let proxy: FaultProxy;
  let config = '';
  const repo = `tags-${id}/app`;
  const at = (tag: string): string => `${proxy.host}/${repo}:${tag}`;
  const check = async (): Promise<CheckRun> => {
    const result = await runCli(['check', '--json', '--config', config, '--state', state]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as CheckRun;
  };
  const listings = (): string[] => proxy.seen.filter((l) => l.startsWith(`GET /v2/${repo}/tags/list`));

  beforeAll(async () => {
    proxy = await startFaultProxy(b.registries.open);
    await publish(b, `${b.registries.open}/${repo}:1.25.3`, { version: 'v1253' });
    await publish(b, `${b.registries.open}/${repo}:1.27.0`, { version: 'v1270' });
    // The other tags name the same manifest: only their names matter here.
    const res = await fetch(`http://${b.registries.open}/v2/${repo}/manifests/1.25.3`, { headers: { accept: MANIFEST } });
    const body = Buffer.from(await res.arrayBuffer());
    for (const tag of TAGS) {
      const put = await fetch(`http://${b.registries.open}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': MANIFEST }, body });
      expect(put.status, tag).toBe(201);
    }
    config = writeConfig(dir, {
      runtimes: [
        { name: 'patch', image: at('1.25.3'), newerTags: 'patch' },
        { name: 'minor', image: at('1.25.3'), newerTags: 'minor' },
        { name: 'major', image: at('1.25.3'), newerTags: 'major' },
        { name: 'not-asked', image: at('1.25.3') },
        { name: 'excluded', image: at('1.25.3'), newerTags: 'minor', tags: { exclude: '^1\\.27' } },
        { name: 'alpine', image: at('1.25.3-alpine'), newerTags: 'minor' },
        { name: 'four-part', image: at('1.40.2.8395'), newerTags: 'patch' },
        { name: 'linuxserver', image: at('1.2.3-ls45'), newerTags: 'patch' },
        { name: 'prerelease', image: at('1.27.0'), newerTags: 'minor', tags: { prerelease: true } },
        { name: 'transformed', image: at('1.25.3-alpine'), newerTags: 'minor', tags: { transform: '^(\\d+\\.\\d+\\.\\d+)-alpine$ => $1' } },
        { name: 'rolling', image: at('latest'), newerTags: 'major' },
      ],
      dockerHost: b.dockerHost,
    });
  });

  afterAll(async () => {
    await removeContainers(b, `name=tags-${id}`);
    await proxy.close();
  });

  it('finds for each threshold and filter what a user would expect, from one listing of the repository', async () => {
    proxy.seen.length = 0;
    const run = await check();
    const newer = Object.fromEntries(run.runtimes.map((r) => [r.name, r.newerTag ?? null]));
    expect(newer).toEqual({
      patch: '1.25.4',
      minor: '1.27.0',
      major: '2.0.0',
      'not-asked': null,
      excluded: '1.26.2',
      alpine: '1.27.1-alpine',
      'four-part': '1.40.3.8502',
      linuxserver: '1.2.4-ls47',
      prerelease: '1.28.0-rc.1',
      transformed: '1.27.1-alpine',
      rolling: null,
    });
    expect(listings()).toHaveLength(1);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { runtimes: Record<string, { history: Array<{ kind: string; tag?: string }> }> };
    expect(saved.runtimes.minor!.history.at(-1)).toMatchObject({ kind: 'new-tag', tag: '1.27.0' });
  });

  it('does not list again within the interval, nor announce the same tag twice', async () => {
    proxy.seen.length = 0;
    const run = await check();
    expect(listings()).toEqual([]);
    expect(run.runtimes.find((r) => r.name === 'minor')?.newerTag).toBe('1.27.0');
  });

  it('pages through the tags API by its Link header, and caps the pages', async () => {
    const client = new RegistryClient({ credentials: new CredentialChain([]) });
    proxy.setFault((_method, p) => p.includes('/tags/list'), { kind: 'page-tags' });
    try {
      const ref = parseReference(at('1.25.3'));
      const all = await client.listTags(ref, { pageSize: 4 });
      expect(all.tags.sort()).toEqual([...new Set([...TAGS, '1.25.3', '1.27.0'])].sort());
      expect(all.requests).toBe(Math.ceil((TAGS.length + 2) / 4));
      expect(all.truncated).toBe(false);
      const capped = await client.listTags(ref, { pageSize: 4, maxPages: 2 });
      expect(capped).toMatchObject({ truncated: true, requests: 2 });
      expect(capped.tags).toHaveLength(8);
      // Through the CLI, at its page size (1000): one page.
      proxy.seen.length = 0;
      const dir4 = tempDir();
      const cfg = writeConfig(dir4, { runtimes: [{ name: 'app', image: at('1.25.3'), newerTags: 'minor' }], dockerHost: b.dockerHost });
      const run = JSON.parse((await runCli(['check', '--json', '--config', cfg, '--state', path.join(dir4, 'state.json')])).stdout) as CheckRun;
      expect(run.runtimes[0]!.newerTag).toBe('1.27.0');
      expect(listings()).toEqual([`GET /v2/${repo}/tags/list?n=1000`]);
    } finally {
      proxy.setFault(() => false, null);
      await client.close();
    }
  });

  it('says a registry that refuses listing once, and does not ask again within the interval', async () => {
    const refusing = path.join(dir, 'refusing.json');
    const refusingConfig = writeConfig(tempDir(), { runtimes: [{ name: 'app', image: at('1.25.3'), newerTags: 'minor' }], dockerHost: b.dockerHost });
    proxy.setFault((_method, p) => p.includes('/tags/list'), { kind: 'status', status: 403 });
    try {
      proxy.seen.length = 0;
      const first = await runCli(['check', '--json', '--config', refusingConfig, '--state', refusing]);
      expect(first.code, first.stderr).toBe(0);
      const kept = JSON.parse(readFileSync(refusing, 'utf8')) as { tagListings: Record<string, { error?: string }> };
      expect(kept.tagListings[`${proxy.host}/${repo}`]?.error).toMatch(/refuses to list its tags \(403\)/);
      const second = await runCli(['check', '--json', '--config', refusingConfig, '--state', refusing]);
      expect(second.code, second.stderr).toBe(0);
      expect(listings()).toHaveLength(1);
      // The digest checks went on as usual.
      expect((JSON.parse(second.stdout) as CheckRun).runtimes[0]).toMatchObject({ outcome: 'unchanged' });
    } finally {
      proxy.setFault(() => false, null);
    }
  });

  it("reads a discovered container's tag labels, What's Up Docker's too, at the discovered default (minor)", async () => {
    const dir5 = tempDir();
    await docker(b, ['run', '-d', '--name', `tags-${id}-found`, '--label', 'wud.tag.include=^1\\.25\\.\\d+$', at('1.25.3')]);
    await docker(b, ['run', '-d', '--name', `tags-${id}-ls`, '--label', 'imagewatch.tag.exclude=^1\\.3\\.', at('1.2.3-ls45')]);
    await docker(b, ['run', '-d', '--name', `tags-${id}-bad`, '--label', 'imagewatch.tag.transform=no arrow here', at('1.40.2.8395')]);
    try {
      const cfg = writeConfig(dir5, { runtimes: [], discover: true, dockerHost: b.dockerHost });
      const run = JSON.parse((await runCli(['check', '--json', '--config', cfg, '--state', path.join(dir5, 'state.json')])).stdout) as CheckRun;
      const newer = (tag: string) => run.runtimes.find((r) => r.image === at(tag));
      expect(newer('1.25.3')).toMatchObject({ newerTag: '1.25.4' });
      expect(newer('1.2.3-ls45')).toMatchObject({ newerTag: '1.2.4-ls47' });
      // A transform label that is not "regex => replacement": nothing is looked for (and the log says why).
      expect(newer('1.40.2.8395')?.newerTag).toBeUndefined();
    } finally {
      await removeContainers(b, `name=tags-${id}-`);
    }
  });

  it('--to-tag moves a plain container to the tag, its data kept, and the runtime watches that tag', async () => {
    const dir2 = tempDir();
    const moveState = path.join(dir2, 'state.json');
    const name = `tags-${id}-plain`;
    await docker(b, ['run', '-d', '--name', name, '-v', `tags-${id}-data:/data`, at('1.25.3')]);
    await docker(b, ['exec', name, 'sh', '-c', 'echo kept > /data/file']);
    const moveConfig = writeConfig(dir2, {
      runtimes: [{ name: 'app', image: at('1.25.3'), newerTags: 'minor' }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 1,
    });
    expect((await runCli(['check', '--json', '--config', moveConfig, '--state', moveState])).code).toBe(0);
    const moved = await runCli(['refresh', '--runtime', 'app', '--to-tag', '1.27.0', '--config', moveConfig, '--state', moveState]);
    expect(moved.code, moved.stderr).toBe(0);
    const result = JSON.parse(moved.stdout) as RefreshResult;
    expect(result.details.app).toMatchObject({ ok: true, image: at('1.27.0') });
    expect(result.recreated).toEqual([name]);
    const after = await inspect(b, name);
    expect(after.Config.Image).toBe(at('1.27.0'));
    expect((await docker(b, ['exec', name, 'cat', '/version'])).trim()).toBe('v1270');
    expect((await docker(b, ['exec', name, 'cat', '/data/file'])).trim()).toBe('kept');
    // The configured runtime now watches the new tag, and its next check finds nothing moved.
    const written = JSON.parse(readFileSync(moveConfig, 'utf8')) as { runtimes: Array<{ image: string }> };
    expect(written.runtimes[0]!.image).toBe(at('1.27.0'));
    const next = JSON.parse((await runCli(['check', '--json', '--config', moveConfig, '--state', moveState])).stdout) as CheckRun;
    expect(next.runtimes[0]).toMatchObject({ outcome: 'unchanged', updateAvailable: false });
    await docker(b, ['rm', '-f', name]);
    await docker(b, ['volume', 'rm', `tags-${id}-data`]);
  });

  it('--to-tag refuses a compose-managed container, saying where to change the tag, and changes nothing', async () => {
    const dir3 = tempDir();
    const name = `tags-${id}-compose`;
    await docker(b, ['run', '-d', '--name', name, '--label', 'com.docker.compose.project=shop', '--label', 'com.docker.compose.service=web', at('1.25.3')]);
    const before = await inspect(b, name);
    const composeConfig = writeConfig(dir3, { runtimes: [{ name: 'web', image: at('1.25.3') }], dockerHost: b.dockerHost });
    const refused = await runCli(['refresh', '--runtime', 'web', '--to-tag', '1.27.0', '--config', composeConfig, '--state', path.join(dir3, 'state.json')]);
    expect(refused.code).toBe(1);
    const result = JSON.parse(refused.stdout) as RefreshResult;
    expect(result.details.web).toMatchObject({ ok: false, refused: true });
    expect(result.details.web!.error).toMatch(/managed by compose \(project shop\); edit the tag in your compose file/);
    expect((await inspect(b, name)).Id).toBe(before.Id);
    const written = JSON.parse(readFileSync(composeConfig, 'utf8')) as { runtimes: Array<{ image: string }> };
    expect(written.runtimes[0]!.image).toBe(at('1.25.3'));
  });
});
