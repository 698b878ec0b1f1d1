// Credential helpers as a dock-launched app meets them: no shell PATH, helpers in their
// vendors' own directories, some not installed at all, and stderr that may echo secrets.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialHelperDirs, DockerConfigCredentials } from '../../electron/core/registry/credentials.js';

function fakeHome(helpers: Record<string, string>, config: object): { home: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'iw-home-'));
  const bin = path.join(home, '.docker', 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, script] of Object.entries(helpers)) {
    const file = path.join(bin, `docker-credential-${name}`);
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
  }
  writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify(config));
  // As from the dock: a PATH that holds none of the helpers.
  return { home, env: { HOME: home, PATH: '/nonexistent' } };
}

describe.skipIf(process.platform === 'win32')('credential helpers', () => {
  it("looks beyond PATH: the usual install places and the vendors' own bin directories", () => {
    const dirs = credentialHelperDirs({ PATH: '/a:/b' }, '/home/u', 'darwin');
    expect(dirs.slice(0, 2)).toEqual(['/a', '/b']);
    expect(dirs).toEqual(
      expect.arrayContaining([
        '/usr/local/bin',
        '/opt/homebrew/bin',
        '/Applications/Docker.app/Contents/Resources/bin',
        '/home/u/.docker/bin',
        '/home/u/.rd/bin',
        '/home/u/.orbstack/bin',
      ]),
    );
  });

  it('runs a helper found outside PATH', async () => {
    const { home, env } = fakeHome(
      { outside: `read url; printf '{"ServerURL":"%s","Username":"tester","Secret":"pa55-word"}' "$url"` },
      { credsStore: 'outside' },
    );
    const found = await new DockerConfigCredentials({ env, home }).lookup('registry.example.com');
    expect(found).toEqual({ username: 'tester', password: 'pa55-word', source: 'credential helper outside' });
  });

  it('takes a helper installed nowhere as "no stored credentials"', async () => {
    const { home, env } = fakeHome({}, { credsStore: 'desktop' });
    expect(await new DockerConfigCredentials({ env, home }).lookup('ghcr.io')).toBeNull();
  });

  it('names a failing helper and its exit, and never echoes its stderr', async () => {
    const { home, env } = fakeHome({ broken: "echo 'token=SECRET-LEAK' >&2; exit 3" }, { credsStore: 'broken' });
    const error = await new DockerConfigCredentials({ env, home }).lookup('ghcr.io').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('credential helper docker-credential-broken failed (exit 3)');
  });

  it('survives a helper that exits without reading what it is sent (EPIPE on its stdin)', async () => {
    const { home, env } = fakeHome({ quick: 'exit 3' }, { credsStore: 'quick' });
    const uncaught: unknown[] = [];
    const catcher = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', catcher);
    try {
      const source = new DockerConfigCredentials({ env, home });
      const lookups = Array.from({ length: 40 }, () => source.lookup('ghcr.io').catch((e: unknown) => e as Error));
      for (const result of await Promise.all(lookups)) expect((result as Error).message).toBe('credential helper docker-credential-quick failed (exit 3)');
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('uncaughtException', catcher);
    }
    expect(uncaught).toEqual([]);
  });
});
