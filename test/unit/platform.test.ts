// Picking the engine platform's image from an index, as the engine does when it pulls.
import { describe, expect, it } from 'vitest';
import { enginePlatform, platformManifest } from '../../electron/core/registry/platform.js';

const d = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const index = (manifests: unknown[]): Buffer => Buffer.from(JSON.stringify({ schemaVersion: 2, manifests }));
const entry = (n: number, os: string, architecture: string, variant?: string): unknown => ({
  digest: d(n),
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

describe('the platform image in an index', () => {
  const body = index([
    entry(1, 'linux', 'amd64'),
    entry(2, 'linux', 'arm', 'v6'),
    entry(3, 'linux', 'arm', 'v7'),
    entry(4, 'linux', 'arm64', 'v8'),
    { digest: d(5), platform: { os: 'unknown', architecture: 'unknown' } },
  ]);

  it('matches OS, architecture and the variant the engine assumes', () => {
    expect(platformManifest(body, enginePlatform({ Os: 'linux', Arch: 'amd64' })!, 'x')).toBe(d(1));
    expect(platformManifest(body, enginePlatform({ Os: 'linux', Arch: 'arm' })!, 'x')).toBe(d(3));
    // arm64 indexes say "v8" or nothing; the engine reports no variant.
    expect(platformManifest(body, enginePlatform({ Os: 'linux', Arch: 'arm64' })!, 'x')).toBe(d(4));
    expect(platformManifest(body, { os: 'windows', architecture: 'amd64' }, 'x')).toBeNull();
  });

  it('refuses a malformed index with a message naming the image', () => {
    expect(() => platformManifest(Buffer.from('<html>'), { os: 'linux', architecture: 'amd64' }, 'reg/app:latest')).toThrow(
      /reg\/app:latest: the image index is not valid JSON/,
    );
    expect(() => platformManifest(Buffer.from('{}'), { os: 'linux', architecture: 'amd64' }, 'a')).toThrow(/no manifests list/);
    const bad = index([{ digest: 'sha256:../../etc', platform: { os: 'linux', architecture: 'amd64' } }]);
    expect(() => platformManifest(bad, { os: 'linux', architecture: 'amd64' }, 'a')).toThrow(/malformed digest for linux\/amd64/);
  });

  it('knows no platform when the engine does not say', () => {
    expect(enginePlatform({})).toBeNull();
  });
});
