// A steady check costs one registry request per image, whatever the interval: the tokens for
// all of a registry's repositories come in one request when they have expired. Registries that
// refuse several scopes, or grant only one of them, are remembered and asked per repository.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReference, type ImageReference } from '../../electron/core/image/reference.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { CredentialChain } from '../../electron/core/registry/credentials.js';

type Mode = 'multi' | 'refuse-multi' | 'last-only';

interface Counts {
  token: number;
  scopesPerToken: number[];
  /** The longest token request line seen. */
  longestUrl?: number;
  head: number;
  unauthorized: number;
}

async function startRegistry(mode: Mode): Promise<{ host: string; counts: Counts; close: () => Promise<void> }> {
  const counts: Counts = { token: 0, scopesPerToken: [], head: 0, unauthorized: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      counts.token++;
      counts.longestUrl = Math.max(counts.longestUrl ?? 0, (req.url ?? '').length);
      const scopes = url.searchParams.getAll('scope');
      counts.scopesPerToken.push(scopes.length);
      if (mode === 'refuse-multi' && scopes.length > 1) {
        res.writeHead(400).end('{"errors":[{"code":"UNSUPPORTED","message":"one scope only"}]}');
        return;
      }
      const granted = mode === 'last-only' ? scopes.slice(-1) : scopes;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: Buffer.from(JSON.stringify(granted)).toString('base64url'), expires_in: 300 }));
      return;
    }
    const repo = /^\/v2\/(.+)\/manifests\//.exec(url.pathname)?.[1];
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    let granted: string[];
    try {
      granted = bearer ? (JSON.parse(Buffer.from(bearer, 'base64url').toString()) as string[]) : [];
    } catch {
      granted = [];
    }
    if (!granted.includes(`repository:${repo}:pull`)) {
      counts.unauthorized++;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="test"` }).end();
      return;
    }
    counts.head++;
    res.writeHead(200, {
      'docker-content-digest': `sha256:${createHash('sha256').update(url.pathname).digest('hex')}`,
      'content-type': 'application/vnd.oci.image.index.v1+json',
    });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, counts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('token requests per check', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  const setup = async (mode: Mode, repos = 20) => {
    const registry = await startRegistry(mode);
    close = registry.close;
    let clock = Date.parse('2026-12-01T00:00:00Z');
    const client = new RegistryClient({ credentials: new CredentialChain([]), env: {}, now: () => clock });
    const refs: ImageReference[] = Array.from({ length: repos }, (_, i) => parseReference(`${registry.host}/org/app-${i}:latest`));
    /** One check as the watcher runs it: prepare, then every lookup. */
    const tick = async (): Promise<Counts> => {
      const before = structuredClone(registry.counts);
      await client.prepareTokens(refs);
      await Promise.all(refs.map((ref) => client.getDigest(ref)));
      const after = registry.counts;
      return {
        token: after.token - before.token,
        head: after.head - before.head,
        unauthorized: after.unauthorized - before.unauthorized,
        scopesPerToken: after.scopesPerToken.slice(before.scopesPerToken.length),
      };
    };
    return { tick, advance: (s: number) => (clock += s * 1000), client, registry };
  };

  it('asks once per registry for every expired token, at the default interval (300 s + jitter, 300 s tokens)', async () => {
    const { tick, advance, client } = await setup('multi');
    const first = await tick(); // learns the challenge: one token per repository
    expect(first.head).toBe(20);
    for (let i = 0; i < 3; i++) {
      advance(300 + 7);
      const steady = await tick();
      expect(steady).toEqual({ token: 1, head: 20, unauthorized: 0, scopesPerToken: [20] });
    }
    // Within the token's life nothing is renewed: HEADs only.
    advance(60);
    expect(await tick()).toEqual({ token: 0, head: 20, unauthorized: 0, scopesPerToken: [] });
    await client.close();
  });

  it('splits long lists into URL-sized batches', async () => {
    const { tick, advance, client, registry } = await setup('multi', 400);
    await tick();
    advance(301);
    const steady = await tick();
    expect(steady.head).toBe(400);
    expect(steady.unauthorized).toBe(0);
    expect(steady.token).toBeGreaterThan(1);
    expect(steady.scopesPerToken.reduce((a, b) => a + b, 0)).toBe(400);
    // Each request line stays under the common 8 KiB limit.
    expect(registry.counts.longestUrl).toBeLessThan(6400);
    await client.close();
  });

  it('remembers a registry that refuses several scopes, and asks per repository there', async () => {
    const { tick, advance, client } = await setup('refuse-multi');
    await tick();
    advance(301);
    expect(await tick()).toMatchObject({ token: 21, head: 20, unauthorized: 0 }); // the refused batch, then one each
    advance(301);
    expect(await tick()).toMatchObject({ token: 20, head: 20, unauthorized: 0, scopesPerToken: Array(20).fill(1) });
    await client.close();
  });

  it('notices a token server that grants only one of several scopes, and stops batching there', async () => {
    const { tick, advance, client } = await setup('last-only');
    await tick();
    advance(301);
    const fooled = await tick();
    expect(fooled.head).toBe(20);
    advance(301);
    expect(await tick()).toMatchObject({ token: 20, head: 20, unauthorized: 0, scopesPerToken: Array(20).fill(1) });
    await client.close();
  });
});
