// The registry client against real registries: Basic auth, the Bearer token flow with a
// token server, token reuse across ticks, and injected faults (429, missing or malformed
// digest headers, silence, a closed port).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../../electron/core/image/reference.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { CredentialChain, DockerConfigCredentials, SettingsCredentials } from '../../electron/core/registry/credentials.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';
import { Watcher } from '../../electron/core/watch/watcher.js';
import { freePort } from '../bed/testbed.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { docker, publish, requireBed, tempDir, uid } from './helpers.js';
import { RateLimitedError } from '../../electron/core/errors.js';

const bed = requireBed();
const none = new CredentialChain([]);

async function tokenStats(url: string): Promise<{ tokenRequests: number; authenticated: number; denied: number }> {
  return (await fetch(`${url}/stats`)).json() as Promise<{ tokenRequests: number; authenticated: number; denied: number }>;
}

describe.skipIf(bed === null)('registry client against real registries', () => {
  const b = bed!;
  const id = uid();
  const dockerConfigDir = tempDir('iw-dockercfg-');
  const loginEnv = { DOCKER_CONFIG: dockerConfigDir };
  let basicDigest: string;
  let tokenDigest: string;
  let openDigest: string;
  const basicRef = `${b.registries.basic}/private/app-${id}:latest`;
  const tokenRef = `${b.registries.token}/private/app-${id}:latest`;
  const openRef = `${b.registries.open}/faults/app-${id}:latest`;
  let proxy: FaultProxy;

  beforeAll(async () => {
    for (const registry of [b.registries.basic, b.registries.token]) {
      await docker(b, ['login', registry, '-u', b.user.username, '-p', b.user.password], { env: loginEnv });
    }
    basicDigest = (await publish(b, basicRef, { version: 'basic' }, loginEnv)).digest;
    tokenDigest = (await publish(b, tokenRef, { version: 'token' }, loginEnv)).digest;
    openDigest = (await publish(b, openRef, { version: 'open' })).digest;
    proxy = await startFaultProxy(b.registries.open);
  });

  afterAll(async () => {
    await proxy?.close();
  });

  describe('Basic auth', () => {
    it('fails with a clear error when the registry wants credentials and none are configured', async () => {
      const client = new RegistryClient({ credentials: none });
      await expect(client.getDigest(parseReference(basicRef))).rejects.toThrow(/asks for Basic auth and no credentials/);
      await client.close();
    });

    it('reads credentials from DOCKER_CONFIG and costs one request per check once the scheme is known', async () => {
      const client = new RegistryClient({ credentials: new DockerConfigCredentials({ env: { DOCKER_CONFIG: dockerConfigDir } }) });
      const ref = parseReference(basicRef);
      expect((await client.getDigest(ref)).digest).toBe(basicDigest);
      expect(client.metrics.requests).toBe(2); // the 401 that taught the scheme, then the answer
      expect((await client.getDigest(ref)).digest).toBe(basicDigest);
      expect(client.metrics.requests).toBe(3);
      await client.close();
    });

    it('reads every WWW-Authenticate line, as registries behind single sign-on send them', async () => {
      const sso = await startFaultProxy(b.registries.basic);
      try {
        sso.setFault(() => true, { kind: 'extra-challenges', before: ['Negotiate', 'NTLM'] });
        const client = new RegistryClient({
          credentials: new SettingsCredentials({ [sso.host]: { username: b.user.username, password: b.user.password } }),
        });
        expect((await client.getDigest(parseReference(basicRef.replace(b.registries.basic, sso.host)))).digest).toBe(basicDigest);
        await client.close();
      } finally {
        await sso.close();
      }
    });

    it('names the credential source when the registry rejects it', async () => {
      const client = new RegistryClient({
        credentials: new SettingsCredentials({ [b.registries.basic]: { username: b.user.username, password: 'wrong' } }),
      });
      await expect(client.getDigest(parseReference(basicRef))).rejects.toThrow(/unauthorized/);
      await client.close();
    });
  });

  it('uses a docker login made after a refusal, without a restart (Basic and Bearer)', async () => {
    const dir = tempDir('iw-late-login-');
    const client = new RegistryClient({ credentials: new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir } }) });
    const login = (registry: string, password: string): void =>
      writeFileSync(
        path.join(dir, 'config.json'),
        JSON.stringify({ auths: { [registry]: { auth: Buffer.from(`${b.user.username}:${password}`).toString('base64') } } }),
      );

    await expect(client.getDigest(parseReference(basicRef))).rejects.toThrow(/no credentials are configured/);
    login(b.registries.basic, b.user.password);
    expect((await client.getDigest(parseReference(basicRef))).digest).toBe(basicDigest);

    login(b.registries.token, 'wrong');
    await expect(client.getDigest(parseReference(tokenRef))).rejects.toThrow(/answered 401 with credentials from docker config/);
    login(b.registries.token, b.user.password);
    expect((await client.getDigest(parseReference(tokenRef))).digest).toBe(tokenDigest);
    await client.close();
  });

  describe('Bearer tokens', () => {
    it('gets a token from the challenge realm and reuses it across watcher ticks', async () => {
      await fetch(`${b.tokenServer}/settings?expires_in=300`);
      let now = Date.now();
      const client = new RegistryClient({
        credentials: new SettingsCredentials({ [b.registries.token]: { username: b.user.username, password: b.user.password } }),
        now: () => now,
      });
      const store = new MemoryStateStore();
      const watcher = new Watcher({
        settings: () => ({ runtimes: [{ name: 'tok', image: tokenRef }], intervalMs: 300_000, autoRefresh: false, concurrency: 2 }),
        lookupDigest: async (ref) => (await client.getDigest(ref)).digest,
        localView: async () => ({ present: false, hasDigest: false }),
        refresher: {
          refreshOne: async () => {
            throw new Error('no refresh expected');
          },
          idle: async () => undefined,
        },
        store,
        now: () => now,
      });
      for (let tick = 0; tick < 3; tick++) {
        const [report] = await watcher.tick();
        expect(report!.remoteDigest).toBe(tokenDigest);
        now += 60_000;
      }
      expect(await tokenStats(b.tokenServer)).toMatchObject({ tokenRequests: 1, authenticated: 1 });
      expect(client.metrics.tokenRequests).toBe(1);
      // 401 challenge + token + 3 HEADs: the steady state is one HEAD per check.
      expect(client.metrics.requests).toBe(5);

      // Past expires_in the token is renewed once, not on every check.
      now += 300_000;
      await watcher.tick();
      await watcher.tick();
      expect((await tokenStats(b.tokenServer)).tokenRequests).toBe(2);
      await client.close();
    });

    it('renews the expired tokens of several repositories in one request the real registry honours', async () => {
      await fetch(`${b.tokenServer}/settings?expires_in=300`);
      const secondRef = `${b.registries.token}/private/other-${id}:latest`;
      const secondDigest = (await publish(b, secondRef, { version: 'other' }, loginEnv)).digest;
      let now = Date.now();
      const client = new RegistryClient({
        credentials: new SettingsCredentials({ [b.registries.token]: { username: b.user.username, password: b.user.password } }),
        now: () => now,
      });
      const refs = [parseReference(tokenRef), parseReference(secondRef)];
      const tick = async (): Promise<string[]> => {
        await client.prepareTokens(refs);
        return Promise.all(refs.map(async (ref) => (await client.getDigest(ref)).digest));
      };
      expect(await tick()).toEqual([tokenDigest, secondDigest]); // learns the challenge: a token each
      const before = (await tokenStats(b.tokenServer)).tokenRequests;
      const requests = client.metrics.requests;
      now += 307_000; // the default interval plus jitter: both tokens have expired
      expect(await tick()).toEqual([tokenDigest, secondDigest]);
      expect((await tokenStats(b.tokenServer)).tokenRequests - before).toBe(1);
      // One token request and one HEAD each: no 401 on the way.
      expect(client.metrics.requests - requests).toBe(3);
      await client.close();
    });

    it('reports bad credentials from the token endpoint with their source', async () => {
      const client = new RegistryClient({
        credentials: new SettingsCredentials({ [b.registries.token]: { username: b.user.username, password: 'nope' } }),
      });
      await expect(client.getDigest(parseReference(tokenRef))).rejects.toThrow(/token endpoint .* answered 401 with credentials from settings/);
      await client.close();
    });
  });

  describe('faults', () => {
    const viaProxy = (): ReturnType<typeof parseReference> => parseReference(openRef.replace(b.registries.open, proxy.host));
    const heads = (): number => proxy.seen.filter((s) => s.startsWith('HEAD ')).length;

    it('waits out a short Retry-After on 429 and then answers', async () => {
      const client = new RegistryClient({ credentials: none });
      proxy.setFault((m) => m === 'HEAD', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, times: 1 });
      const before = heads();
      const started = Date.now();
      expect((await client.getDigest(viaProxy())).digest).toBe(openDigest);
      expect(heads() - before).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      await client.close();
    });

    it('on a long Retry-After fails at once and sends nothing to that registry until it passes', async () => {
      let now = Date.now();
      const client = new RegistryClient({ credentials: none, now: () => now });
      proxy.setFault((m) => m === 'HEAD', { kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
      await expect(client.getDigest(viaProxy())).rejects.toBeInstanceOf(RateLimitedError);
      proxy.setFault(() => false, null);
      const before = proxy.seen.length;
      await expect(client.getDigest(viaProxy())).rejects.toThrow(/rate limited \(429\)/);
      expect(proxy.seen.length).toBe(before);
      now += 3601_000;
      expect((await client.getDigest(viaProxy())).digest).toBe(openDigest);
      await client.close();
    });

    it('falls back to GET and hashes the manifest when HEAD carries no digest', async () => {
      const client = new RegistryClient({ credentials: none });
      proxy.setFault(() => true, { kind: 'strip-digest' });
      const before = proxy.seen.length;
      const result = await client.getDigest(viaProxy());
      proxy.setFault(() => false, null);
      expect(result).toEqual({ digest: openDigest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
      // The HEAD came back without the header, so the manifest was fetched and hashed.
      expect(proxy.seen.slice(before).map((s) => s.split(' ')[0])).toEqual(['HEAD', 'GET']);
      await client.close();
    });

    it('rejects a malformed digest header with a message naming it', async () => {
      const client = new RegistryClient({ credentials: none });
      proxy.setFault((m) => m === 'HEAD', { kind: 'digest', value: 'sha256:xyz' });
      await expect(client.getDigest(viaProxy())).rejects.toThrow(/malformed digest "sha256:xyz"/);
      proxy.setFault(() => false, null);
      await client.close();
    });

    it('gives up on a registry that never answers after the request timeout', async () => {
      const client = new RegistryClient({ credentials: none, timeoutMs: 500 });
      proxy.setFault(() => true, { kind: 'hang' });
      await expect(client.getDigest(viaProxy())).rejects.toThrow(/timed out after 500 ms/);
      proxy.setFault(() => false, null);
      await client.close();
    });

    it('names the registry and the cause when nothing listens', async () => {
      const port = await freePort();
      const client = new RegistryClient({ credentials: none });
      await expect(client.getDigest(parseReference(`127.0.0.1:${port}/x/y:latest`))).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
      await client.close();
    });

    it('refuses plain HTTP to a non-loopback registry that is not listed as insecure', async () => {
      const client = new RegistryClient({ credentials: none, timeoutMs: 1000 });
      // example.invalid never resolves; the point is the URL scheme chosen, visible in the error.
      await expect(client.getDigest(parseReference('example.invalid/x/y:latest'))).rejects.toThrow(/https:\/\/example\.invalid/);
      await client.close();
    });
  });
});
