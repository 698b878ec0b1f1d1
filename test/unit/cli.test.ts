import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../electron/cli/args.js';
import { humanCheck, runCli, type Io } from '../../electron/cli/run.js';
import { logLine } from '../../electron/cli/log-format.js';
import { backoffDelay, formatGoDuration } from '../../electron/core/util/time.js';
import { validateSettings } from '../../electron/core/config/load.js';
import { tokenProblem } from '../../electron/serve/guard.js';

function io(env: NodeJS.ProcessEnv = {}): Io & { out: string; err: string } {
  const captured = {
    out: '',
    err: '',
    stdout: (t: string) => void (captured.out += t),
    stderr: (t: string) => void (captured.err += t),
    isTty: false,
    env,
    version: '9.9.9',
    onSignal: () => () => undefined,
  };
  return captured;
}

describe('CLI arguments', () => {
  it('parses the fixed contract', () => {
    expect(parseCommand(['check', '--config', 'c.json', '--state', 's.json', '--auto-refresh', '--json'])).toEqual({
      kind: 'check',
      config: 'c.json',
      state: 's.json',
      autoRefresh: true,
      json: true,
    });
    expect(parseCommand(['refresh', '--runtime', 'a', '--runtime', 'b', '--no-recreate'])).toEqual({
      kind: 'refresh',
      runtimes: ['a', 'b'],
      pullOnly: true,
      json: false,
    });
    expect(parseCommand(['refresh'])).toEqual({ kind: 'refresh', runtimes: [], pullOnly: false, json: false });
    expect(parseCommand(['watch', '--config=x'])).toEqual({ kind: 'watch', config: 'x' });
    expect(parseCommand([])).toEqual({ kind: 'help' });
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', '--bogus'], /Unknown option '--bogus'/],
    [['watch', '--auto-refresh'], /Unknown option '--auto-refresh'/],
    [['refresh', '--runtime'], /argument missing|--runtime/],
    [['check', 'extra'], /Unexpected argument 'extra'|positional/i],
    [['check', '--config', ''], /--config needs a value/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});

describe('CLI exit codes and errors', () => {
  it('exits 2 with one line naming the bad key', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-cli-'));
    const config = path.join(dir, 'c.json');
    writeFileSync(config, '{"runtimes":[{"name":"a","image":"nginx"}],"intervalSecs":5}');
    const capture = io();
    expect(await runCli(['check', '--config', config, '--state', path.join(dir, 's.json')], capture)).toBe(2);
    expect(capture.err).toBe(`imagewatch: ${config}: unknown key "intervalSecs"\n`);
    expect(capture.out).toBe('');
  });

  it('exits 2 on bad usage with the usage text', async () => {
    const capture = io();
    expect(await runCli(['check', '--nope'], capture)).toBe(2);
    expect(capture.err).toMatch(/^imagewatch: Unknown option '--nope'\nusage:/);
  });

  it('prints its version and help', async () => {
    const capture = io();
    expect(await runCli(['--version'], capture)).toBe(0);
    expect(capture.out).toBe('imagewatch 9.9.9\n');
    expect(await runCli(['--help'], capture)).toBe(0);
    expect(capture.out).toContain('imagewatch refresh [--runtime NAME]...');
  });

  it('exits 2 on an unusable dockerHost, naming it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-cli-'));
    const config = path.join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ runtimes: [{ name: 'a', image: '127.0.0.1:9/x/y:latest' }], dockerHost: 'ftp://engine.lan' }));
    const capture = io({ HOME: dir });
    expect(await runCli(['check', '--config', config, '--state', path.join(dir, 's.json')], capture)).toBe(2);
    expect(capture.err).toBe('imagewatch: invalid Docker host "ftp://engine.lan": unsupported scheme ftp\n');
  });

  it('never echoes control characters from a config file to the terminal', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-cli-'));
    const config = path.join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ '\u001b]0;pwned\u0007\u001b[31mkey': 1 }));
    const capture = io({ HOME: dir });
    expect(await runCli(['check', '--config', config, '--state', path.join(dir, 's.json')], capture)).toBe(2);
    expect(capture.err).toContain('unknown key "key"');
    // eslint-disable-next-line no-control-regex -- the point is that no control character is there
    expect(capture.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('says on a plain check that the replace journal is unreadable', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-cli-'));
    const config = path.join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ runtimes: [{ name: 'a', image: '127.0.0.1:9/x/y:latest' }], dockerHost: `unix://${path.join(dir, 'none.sock')}` }));
    writeFileSync(path.join(dir, 'replace-journal.json'), '{not json');
    const capture = io({ HOME: dir });
    expect(await runCli(['check', '--config', config, '--state', path.join(dir, 's.json')], capture)).toBe(1);
    expect(capture.err).toContain(`imagewatch: replace journal ${path.join(dir, 'replace-journal.json')} is not valid JSON`);
  });

  it('exits 2 when the state file comes from a newer imagewatch, leaving it alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-cli-'));
    const state = path.join(dir, 's.json');
    writeFileSync(state, '{"schemaVersion":7,"runtimes":{}}');
    const capture = io({ HOME: dir });
    expect(await runCli(['check', '--state', state], capture)).toBe(2);
    expect(capture.err).toContain('newer imagewatch (schema 7');
  });
});

describe('formatting', () => {
  it('prints durations like Go', () => {
    expect(formatGoDuration(300_000)).toBe('5m0s');
    expect(formatGoDuration(5_000)).toBe('5s');
    expect(formatGoDuration(3_600_000)).toBe('1h0m0s');
    expect(formatGoDuration(90_500)).toBe('1m30.5s');
  });

  it('prefixes log lines like Go log', () => {
    expect(logLine(new Date(2026, 0, 2, 3, 4, 5))('x')).toBe('2026/01/02 03:04:05 x');
  });

  it('backs off exponentially with a cap and bounded jitter', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 1000, 5000, () => 0.5))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(1, 1000, 5000, () => 0)).toBe(900);
    expect(backoffDelay(1, 1000, 5000, () => 1)).toBe(1100);
  });
});

describe('check on a terminal', () => {
  it('says the versions beside the digest, and what changed when there is an update', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const text = humanCheck({
      engine: { host: 'unix:///var/run/docker.sock', source: 'default', description: 'unix:///var/run/docker.sock', tried: [] },
      runtimes: [
        {
          name: 'app',
          image: 'ghcr.io/o/app:latest',
          outcome: 'moved',
          remoteDigest: digest,
          previousDigest: null,
          updateAvailable: true,
          version: 'v1.1.0',
          versionFrom: 'label',
          previousVersion: 'v1.0.0',
          link: 'https://github.com/o/app/releases/tag/v1.1.0',
        },
        {
          name: 'plain',
          image: 'o/plain:latest',
          outcome: 'unchanged',
          remoteDigest: digest,
          previousDigest: digest,
          updateAvailable: false,
          version: 'sha256:bbbbbbbbbbbb',
          versionFrom: 'digest',
        },
      ],
    });
    expect(text).toContain(
      'app              sha256:bbbbbbbbbbbb  moved v1.0.0 → v1.1.0 (update available)\n                 what changed: https://github.com/o/app/releases/tag/v1.1.0',
    );
    expect(text).toContain('plain            sha256:bbbbbbbbbbbb  unchanged\n');
  });
});

describe('refresh --to-tag', () => {
  it('takes one runtime and a tag', () => {
    expect(parseCommand(['refresh', '--runtime', 'web', '--to-tag', '1.27.0'])).toMatchObject({ kind: 'refresh', runtimes: ['web'], toTag: '1.27.0' });
  });

  it.each([
    [['refresh', '--to-tag', '1.27.0'], /exactly one --runtime/],
    [['refresh', '--runtime', 'a', '--runtime', 'b', '--to-tag', '1.27.0'], /exactly one --runtime/],
    [['refresh', '--runtime', 'a', '--to-tag', 'bad tag!'], /"bad tag!" is not a tag/],
    [['refresh', '--runtime', 'a', '--to-tag', '1.27.0', '--no-recreate'], /cannot be used with --no-recreate/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(message);
  });
});

describe('newer tag settings', () => {
  it.each([
    [{ runtimes: [{ name: 'a', image: 'x:1.0.0', newerTags: 'minr' }] }, /runtimes\[0\]\.newerTags/],
    [{ runtimes: [{ name: 'a', image: 'x:1.0.0', tags: { include: '(' } }] }, /runtimes\[0\]\.tags\.include: not a valid regular expression/],
    [{ runtimes: [{ name: 'a', image: 'x:1.0.0', tags: { transform: '^(\\d+)$' } }] }, /runtimes\[0\]\.tags\.transform: must be "regex => replacement"/],
    [{ tagsIntervalSeconds: 5 }, /tagsIntervalSeconds/],
    [{ runtimes: [{ name: 'a', image: 'x:1.0.0', link: 'javascript:alert(1)' }] }, /runtimes\[0\]\.link: an http\(s\) URL/],
  ])('a bad value is a config error naming it: %j', (settings, message) => {
    expect(() => validateSettings(settings, 'c.json')).toThrow(message);
  });
});

describe('small things found by trying to break it', () => {
  it('refuses a short IMAGEWATCH_TOKEN where the daemon listens beyond loopback, saying how long it must be', async () => {
    const out = io({ IMAGEWATCH_TOKEN: '1' });
    expect(await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], out)).toBe(2);
    expect(out.err).toMatch(/IMAGEWATCH_TOKEN is 1 characters; serving on 0\.0\.0\.0, reachable from other machines, needs at least 24/);
    expect(tokenProblem('1', '127.0.0.1')).toBeNull();
    expect(tokenProblem('x'.repeat(24), '0.0.0.0')).toBeNull();
  });

  it('refuses runtime names that differ only in letter case', () => {
    expect(() =>
      validateSettings(
        {
          runtimes: [
            { name: 'a', image: 'x:1' },
            { name: 'A', image: 'y:1' },
          ],
        },
        'c.json',
      ),
    ).toThrow(/runtime names must be unique, letter case aside/);
  });
});
