import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../electron/core/config/load.js';
import { userConfigDir, userDataDir } from '../../electron/core/config/paths.js';
import { ConfigError } from '../../electron/core/errors.js';

function file(content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-cfg-'));
  const f = path.join(dir, 'config.json');
  writeFileSync(f, content);
  return f;
}

const emptyHome = (): NodeJS.ProcessEnv => ({ HOME: mkdtempSync(path.join(os.tmpdir(), 'iw-home-')) });

describe('config', () => {
  it('without a config file runs the origin 8 runtimes with the ws- prefix', async () => {
    const config = await loadConfig(undefined, emptyHome());
    expect(config.source).toBe('built-in defaults');
    expect(config.runtimes.map((r) => r.name)).toEqual(['claude-code', 'langgraph', 'crewai', 'autogen', 'deepagents', 'hermes', 'gemini-cli', 'openclaw']);
    expect(config.runtimes[0]).toEqual({
      name: 'claude-code',
      image: 'ghcr.io/molecule-ai/workspace-template-claude-code:latest',
      match: { namePrefix: 'ws-' },
    });
    expect(config).toMatchObject({ intervalMs: 300_000, autoRefresh: false, recreate: 'replace' });
  });

  it('honours MOLECULE_IMAGE_REGISTRY and IMAGE_AUTO_REFRESH in any case', async () => {
    const config = await loadConfig(undefined, { ...emptyHome(), MOLECULE_IMAGE_REGISTRY: 'registry.example.com:5000/mirror/', IMAGE_AUTO_REFRESH: 'TrUe' });
    expect(config.runtimes[2]!.image).toBe('registry.example.com:5000/mirror/workspace-template-crewai:latest');
    expect(config.autoRefresh).toBe(true);
    expect((await loadConfig(undefined, { ...emptyHome(), IMAGE_AUTO_REFRESH: 'yes' })).autoRefresh).toBe(false);
  });

  it('takes --config, else IMAGEWATCH_CONFIG', async () => {
    const a = file('{"runtimes":[{"name":"a","image":"nginx"}],"intervalSeconds":60}');
    const b = file('{"runtimes":[{"name":"b","image":"redis"}]}');
    expect((await loadConfig(a, { IMAGEWATCH_CONFIG: b })).runtimes[0]!.name).toBe('a');
    expect((await loadConfig(undefined, { IMAGEWATCH_CONFIG: b })).runtimes[0]!.name).toBe('b');
    expect((await loadConfig(a, {})).intervalMs).toBe(60_000);
  });

  it.each([
    ['{"runtimes":[],"intervall":5}', /unknown key "intervall"/],
    ['{"runtimes":[{"name":"a","image":"nginx","matc":{}}]}', /unknown key "matc" in runtimes\[0\]/],
    ['{"intervalSeconds":"300"}', /intervalSeconds: .*expected number/i],
    ['{"autoRefresh":"true"}', /autoRefresh: .*expected boolean/i],
    ['{"recreate":"nuke"}', /recreate: .*(replace|expected one of)/i],
    ['{"runtimes":[{"name":"a","image":"Bad/Ref"}]}', /runtimes\[0\]\.image \(runtime "a"\): invalid image reference "Bad\/Ref"/],
    [`{"runtimes":[{"name":"a","image":"nginx@sha256:${'a'.repeat(64)}"}]}`, /pinned to a digest/],
    ['{"runtimes":[{"name":"a","image":"x"},{"name":"a","image":"y"}]}', /runtime names must be unique/],
    ['{"runtimes":[{"name":"a b","image":"x"}]}', /runtimes\[0\]\.name/],
    ['{"runtimes":[{"name":"a","image":"[2001:db8::192.0.2.33]:5000/x"}]}', /runtimes\[0\]\.image \(runtime "a"\): .*embedded IPv4 part/],
    ['{"runtimes":[{"name":"All","image":"x"}]}', /runtimes\[0\]\.name: "all" is reserved/],
    ['{"runtimes": [', /not valid JSON/],
    ['[]', /expected object/i],
  ])('rejects %s with an error naming the problem', async (content, message) => {
    const f = file(content);
    const error = await loadConfig(f, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(f);
    expect((error as Error).message).toMatch(message);
  });

  it('a named config file that does not exist is an error, the per-user one is optional', async () => {
    await expect(loadConfig('/nonexistent/imagewatch.json', {})).rejects.toThrow(/\/nonexistent\/imagewatch.json: cannot read config: no such file/);
  });

  it("uses each platform's per-user directories", () => {
    expect(userConfigDir({ HOME: '/h', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/imagewatch');
    expect(userConfigDir({ HOME: '/h' }, 'linux')).toBe('/h/.config/imagewatch');
    expect(userDataDir({ HOME: '/h' }, 'linux')).toBe('/h/.local/share/imagewatch');
    expect(userDataDir({ HOME: '/h', XDG_DATA_HOME: '/d' }, 'linux')).toBe('/d/imagewatch');
    expect(userConfigDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Application Support/imagewatch');
    expect(userDataDir({ HOME: 'C:/u', LOCALAPPDATA: 'C:/u/L' }, 'win32')).toBe(path.join('C:/u/L', 'imagewatch'));
  });
});

describe('a config file that cannot be read', () => {
  it('is refused naming the file and why', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-cfg-'));
    // A directory where the file should be: it exists, but it is no file.
    await expect(loadConfig(dir, emptyHome())).rejects.toThrow(new RegExp(`^${dir}: cannot read config: EISDIR`));
    await expect(loadConfig(dir, emptyHome())).rejects.toBeInstanceOf(ConfigError);
  });
});
