// Discovered runtimes are named after their repository, and every name is a valid, unique
// runtime name whatever the reference looks like.
import { describe, expect, it } from 'vitest';
import { runtimeName } from '../../electron/core/targets/discover.js';
import { parseReference } from '../../electron/core/image/reference.js';
import { RuntimeNameSchema } from '../../shared/schemas.js';

const name = (ref: string, taken: string[] = []): string => runtimeName({ ...parseReference(ref), tag: parseReference(ref).tag ?? 'latest' }, new Set(taken));

describe('discovered runtime names', () => {
  it('uses the repository, with the tag unless it is latest', () => {
    expect(name('nginx')).toBe('nginx');
    expect(name('redis:7.2-alpine')).toBe('redis-7.2-alpine');
    expect(name('ghcr.io/acme/tools/api:latest')).toBe('api');
  });

  it('takes more of the path, then the registry, then a number when a name is taken', () => {
    expect(name('ghcr.io/acme/api', ['api'])).toBe('acme-api');
    expect(name('ghcr.io/acme/api', ['api', 'acme-api'])).toBe('ghcr.io-acme-api');
    expect(name('ghcr.io/acme/api', ['api', 'acme-api', 'ghcr.io-acme-api'])).toBe('ghcr.io-acme-api-2');
    expect(name('nginx', ['NGINX'])).toBe('library-nginx');
  });

  it('never yields the reserved "all" or an invalid name', () => {
    expect(name('all')).toBe('library-all');
    const long = `registry.lan:5000/${'a'.repeat(70)}/${'b'.repeat(70)}:${'t'.repeat(100)}`;
    const taken: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const n = name(long, taken);
      expect(RuntimeNameSchema.safeParse(n).success, n).toBe(true);
      expect(taken).not.toContain(n);
      taken.push(n);
    }
  });
});
