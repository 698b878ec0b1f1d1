// The `engines` setting: names unique and safe for metric labels and MQTT topics, a host or a
// context each, and runtimes naming only engines that exist. Each mistake is a config error
// (the CLI's exit 2) that names it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../electron/core/config/load.js';
import { ConfigError } from '../../electron/core/errors.js';

function file(config: unknown): string {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'iw-eng-')), 'config.json');
  writeFileSync(f, JSON.stringify(config));
  return f;
}

const runtime = { name: 'app', image: 'registry.example/app:latest' };

describe('the engines setting', () => {
  it('takes engines by host or docker context, and runtimes limited to some of them', async () => {
    const config = await loadConfig(
      file({
        engines: [
          { name: 'nas', host: 'ssh://me@nas' },
          { name: 'vps', context: 'vps' },
        ],
        runtimes: [runtime, { ...runtime, name: 'only', engines: ['vps'] }],
      }),
      {},
    );
    expect(config.engines).toEqual([
      { name: 'nas', host: 'ssh://me@nas' },
      { name: 'vps', context: 'vps' },
    ]);
    expect(config.runtimes[1]!.engines).toEqual(['vps']);
    expect(config.dockerHost).toBeUndefined();
    // Without `engines`: the one engine, found as before.
    expect((await loadConfig(file({ runtimes: [runtime], dockerHost: 'unix:///x.sock' }), {})).engines).toBeUndefined();
  });

  it.each([
    ['a name with capitals', { engines: [{ name: 'NAS', host: 'ssh://nas' }] }, /engines\[0\]\.name: engine names are 1-32 lowercase/],
    ['a name with a slash (an MQTT level)', { engines: [{ name: 'a/b', host: 'ssh://nas' }] }, /engines\[0\]\.name: engine names/],
    ['a name too long', { engines: [{ name: 'x'.repeat(33), host: 'ssh://nas' }] }, /engines\[0\]\.name/],
    [
      'a duplicate',
      {
        engines: [
          { name: 'nas', host: 'ssh://a' },
          { name: 'nas', host: 'ssh://b' },
        ],
      },
      /engine names must be unique/,
    ],
    ['both host and context', { engines: [{ name: 'nas', host: 'ssh://a', context: 'nas' }] }, /either "host" or "context"/],
    ['neither host nor context', { engines: [{ name: 'nas' }] }, /either "host" or "context"/],
    ['an unknown key', { engines: [{ name: 'nas', host: 'ssh://a', hots: 'x' }] }, /unknown key "hots" in engines\[0\]/],
    [
      'a runtime naming an unknown engine',
      { engines: [{ name: 'nas', host: 'ssh://a' }], runtimes: [{ ...runtime, engines: ['vps'] }] },
      /runtimes\[0\]\.engines \(runtime "app"\) names engine "vps", but the engines are nas/,
    ],
    [
      'a runtime naming an engine with no engines configured',
      { runtimes: [{ ...runtime, engines: ['nas'] }] },
      /names engine "nas", but no "engines" are configured/,
    ],
    ['dockerHost beside engines', { dockerHost: 'unix:///x.sock', engines: [{ name: 'nas', host: 'ssh://a' }] }, /dockerHost and engines are both set/],
  ])('refuses %s, naming it', async (_what, config, message) => {
    const f = file({ runtimes: [runtime], ...config });
    const err = await loadConfig(f, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(f);
  });
});
