// The daemon does not load what it does not use: gRPC/protobuf (dockerode's BuildKit
// sessions) and ssh2 (docker-modem's ssh:// transport) stay out of memory until needed, and
// ssh2 still works when an ssh:// engine asks for it. Runs the built core in a fresh Node.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir, writeConfig } from './helpers.js';

const run = promisify(execFile);

describe('modules loaded at start', () => {
  it('leaves gRPC and ssh2 unloaded until used, and ssh2 usable then', async () => {
    const connection = path.join(REPO_ROOT, 'dist/electron/core/engines/connect.js');
    const script = `
      const { createRequire } = require('node:module');
      const loaded = () => Object.keys(require.cache).filter((f) => /node_modules\\/(@grpc|protobufjs|ssh2\\/lib\\/(client|protocol)|asn1|bcrypt-pbkdf)/.test(f));
      import(${JSON.stringify(connection)}).then(({ connectDocker }) => {
        const before = loaded();
        const docker = connectDocker({ host: 'ssh://nobody@127.0.0.1:1' }, {});
        const modem = createRequire(require.resolve('docker-modem'));
        const client = new (modem('ssh2').Client)();
        console.log(JSON.stringify({ before, after: loaded().length > 0, connect: typeof client.connect, docker: typeof docker.listContainers }));
      });`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: REPO_ROOT });
    const result = JSON.parse(stdout) as { before: string[]; after: boolean; connect: string; docker: string };
    expect(result.before).toEqual([]);
    expect(result).toMatchObject({ after: true, connect: 'function', docker: 'function' });
  });

  it('`watch` loads neither prom-client, pino nor undici, and a JSON log loads pino', async () => {
    const dir = tempDir();
    // A runtime on a closed port: the first check fails at once and touches no network.
    const config = writeConfig(dir, { runtimes: [{ name: 'a', image: '127.0.0.1:9/x/y:latest' }], dockerHost: 'unix:///nonexistent.sock' });
    const cli = path.join(REPO_ROOT, 'dist/electron/cli/main.js');
    const probe = path.join(dir, 'probe.cjs');
    // Runs as the process exits: lists the CommonJS packages it loaded.
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(Object.keys(require.cache).flatMap((f) => { const m = /node_modules\\/(prom-client|pino|undici)\\//.exec(f); return m ? [m[1]] : []; }))));`,
    );
    const loaded = async (extra: string[]): Promise<string[]> => {
      const out = path.join(dir, `loaded-${extra.length}.json`);
      const child = spawn(
        process.execPath,
        ['--require', probe, cli, 'watch', '--config', config, '--state', path.join(dir, `state-${extra.length}.json`), ...extra],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, PROBE_OUT: out },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await expect.poll(() => stderr, { timeout: 10_000 }).toMatch(/digest fetch failed/);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      return [...new Set(JSON.parse(readFileSync(out, 'utf8')) as string[])].sort();
    };
    expect(await loaded([])).toEqual([]);
    expect(await loaded(['--log-format', 'json'])).toEqual(['pino']);
  });
});
