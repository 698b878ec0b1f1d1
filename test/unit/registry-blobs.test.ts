// A blob read follows the registry's redirect to its storage without carrying the registry's
// Authorization there, refuses a downgrade to plain HTTP, and checks what arrives against the
// digest. The exchanges are scripted here (a CDN cannot be run on loopback as a second host
// with TLS); the read against a real registry is in test/integration/image-labels.test.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseReference, type ImageReference } from '../../electron/core/image/reference.js';
import { fetchBlob, type BlobDeps } from '../../electron/core/registry/blobs.js';
import type { RegistryResponse } from '../../electron/core/registry/http.js';

const body = Buffer.from('{"config":{"Labels":{"a":"b"}}}');
const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
// Parsed when a test runs, never while the file is collected (a mutant must be active then).
const ref = (): ImageReference => parseReference('ghcr.io/o/app:latest');

function deps(answers: (url: URL) => RegistryResponse): { deps: BlobDeps; seen: Array<{ url: string; auth?: string }> } {
  const seen: Array<{ url: string; auth?: string }> = [];
  return {
    seen,
    deps: {
      send: async (_method, url, headers) => {
        seen.push({ url: url.href, ...(headers.authorization ? { auth: headers.authorization } : {}) });
        return answers(url);
      },
      baseUrl: () => 'https://ghcr.io',
      authorization: async () => 'Bearer token',
      rechallenged: () => undefined,
    },
  };
}

const redirect = (location: string): RegistryResponse => ({ status: 307, headers: { location }, body: Buffer.alloc(0) });
const ok = (b: Buffer): RegistryResponse => ({ status: 200, headers: {}, body: b });

describe('reading a blob', () => {
  it("follows the redirect to storage without the registry's Authorization", async () => {
    const { deps: d, seen } = deps((url) => (url.host === 'ghcr.io' ? redirect('https://pkg-containers.githubusercontent.com/blob?sig=x') : ok(body)));
    expect((await fetchBlob(d, ref(), digest)).equals(body)).toBe(true);
    expect(seen).toEqual([
      { url: `https://ghcr.io/v2/o/app/blobs/${digest}`, auth: 'Bearer token' },
      { url: 'https://pkg-containers.githubusercontent.com/blob?sig=x' },
    ]);
  });

  it('refuses a downgrade to plain HTTP, a redirect loop and a blob that is not what was asked', async () => {
    await expect(fetchBlob(deps(() => redirect('http://cdn.example/x')).deps, ref(), digest)).rejects.toThrow(/redirected from https: to http:/);
    await expect(fetchBlob(deps(() => redirect('https://ghcr.io/again')).deps, ref(), digest)).rejects.toThrow(/redirected too many times/);
    await expect(fetchBlob(deps(() => ok(Buffer.from('other'))).deps, ref(), digest)).rejects.toThrow(/hashes to sha256:/);
  });
});
