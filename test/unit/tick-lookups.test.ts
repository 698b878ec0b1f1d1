// One tick's lookups: shared per tag, and limited per registry, so a stalled registry does not
// hold up the lookups of another.
import { describe, expect, it } from 'vitest';
import { parseReference } from '../../electron/core/image/reference.js';
import { TickLookups } from '../../electron/core/watch/tick-lookups.js';

describe('a tick’s lookups', () => {
  it('limits concurrency per registry and shares a tag’s lookup', async () => {
    let release: (digest: string) => void = () => undefined;
    const calls: string[] = [];
    const lookups = new TickLookups(
      {
        localView: async () => ({ present: true, hasDigest: true }),
        lookupDigest: (ref) => {
          calls.push(`${ref.registry}/${ref.repository}`);
          return ref.registry === 'slow.example' ? new Promise<string>((r) => (release = r)) : Promise.resolve(`sha256:${'b'.repeat(64)}`);
        },
      },
      1,
      undefined,
    );
    const stalled = lookups.digest(parseReference('slow.example/app:latest'));
    const queued = lookups.digest(parseReference('slow.example/other:latest'));
    // Another registry is not behind the stalled one.
    await expect(lookups.digest(parseReference('fast.example/app:latest'))).resolves.toBe(`sha256:${'b'.repeat(64)}`);
    // The same tag again is the same lookup.
    expect(lookups.digest(parseReference('slow.example/app:latest'))).toBe(stalled);
    expect(calls).toEqual(['slow.example/app', 'fast.example/app']);
    release(`sha256:${'a'.repeat(64)}`);
    await stalled;
    // The slot it held goes to the next lookup of that registry.
    await new Promise((r) => setImmediate(r));
    release(`sha256:${'c'.repeat(64)}`);
    await expect(queued).resolves.toBe(`sha256:${'c'.repeat(64)}`);
    expect(calls).toEqual(['slow.example/app', 'fast.example/app', 'slow.example/other']);
  });

  it('asks a silent engine once per tick, not once per runtime', async () => {
    let asked = 0;
    const lookups = new TickLookups(
      {
        lookupDigest: async () => `sha256:${'a'.repeat(64)}`,
        localView: async () => {
          asked++;
          throw Object.assign(new Error('cannot reach the Docker engine (ENOENT)'), { code: 'ENOENT' });
        },
      },
      4,
      undefined,
    );
    for (let i = 0; i < 50; i++)
      await expect(lookups.local(parseReference(`registry.test/app-${i}:latest`), `sha256:${'a'.repeat(64)}`)).rejects.toThrow(/ENOENT/);
    expect(asked).toBe(1);
  });
});
