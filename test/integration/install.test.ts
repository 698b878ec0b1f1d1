// The daemon as a server installs it: `npm pack`, then `npm install -g` of the tarball into a
// temporary prefix, offline (every runtime dependency is bundled, none are dev ones, Electron
// is not among them), then `imagewatch --version`, a `check` against the bed, and `serve`
// serving the built window. The systemd units in contrib/ pass `systemd-analyze verify`.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun } from '../../shared/dto.js';
import { publish, REPO_ROOT, requireBed, tempDir, uid, until, writeConfig } from './helpers.js';

const run = promisify(execFile);
const bed = requireBed();

describe.skipIf(bed === null)('the installable daemon', () => {
  const b = bed!;
  const dir = tempDir('iw-install-');
  const prefix = path.join(dir, 'prefix');
  const bin = path.join(prefix, 'bin', 'imagewatch');
  // Nothing of the user's: no npm config, and the registry made unreachable, so only the tarball counts.
  const npmEnv = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_userconfig: path.join(dir, 'npmrc') };

  beforeAll(async () => {
    // dist/ is built by `npm test`; packing must not build again.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
      cwd: REPO_ROOT,
      env: npmEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = path.join(dir, stdout.trim().split('\n').at(-1)!);
    await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      env: npmEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, 170_000);

  it('installs with its runtime dependencies only, and answers --version', async () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'imagewatch');
    expect(existsSync(path.join(installed, 'node_modules', 'dockerode'))).toBe(true);
    for (const dev of ['electron', 'vitest', 'typescript', 'react']) expect(existsSync(path.join(installed, 'node_modules', dev)), dev).toBe(false);
    const { stdout } = await run(bin, ['--version']);
    expect(stdout.trim()).toMatch(/^imagewatch \d+\.\d+\.\d+$/);
  });

  it('checks against the bed and serves the built window', async () => {
    const image = `${b.registries.open}/install/app-${uid()}:latest`;
    const { digest } = await publish(b, image, { version: 'v1' });
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost });
    const { stdout } = await run(bin, ['check', '--json', '--config', config, '--state', path.join(dir, 'state.json')]);
    expect((JSON.parse(stdout) as CheckRun).runtimes[0]).toMatchObject({ name: 'app', outcome: 'seeded', remoteDigest: digest });

    const serve = spawn(bin, ['serve', '--port', '0', '--config', config, '--state', path.join(dir, 'serve', 'state.json')], {
      env: { ...process.env, IMAGEWATCH_TOKEN: 'install-token-0123456789' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        serve.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /serving the window at (\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        serve.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const { port } = new URL(url);
      const get = (urlPath: string): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, path: urlPath, headers: { host: `127.0.0.1:${port}`, cookie: 'iw_session=install-token-0123456789' } }, (res) => {
              let body = '';
              res.on('data', (d: Buffer) => (body += d.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            })
            .on('error', reject);
        });
      // Drawn by the installed server-side build: the runtime's row and the state it came from,
      // once serve's first check (which also reads the image's labels) has seen the digest.
      const page = await until('the first check in the served page', async () => {
        const answer = await get('/');
        return answer.body.includes(digest) ? answer : undefined;
      });
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<div id="root">.*<tr aria-label="app"/s);
      expect(page.body).toMatch(new RegExp(`<script type="application/json" id="imagewatch-served-state">.*${digest}`));
      // The page's entry, and the window's script it loads after the first paint.
      const boot = /<script type="module"[^>]+src="\.(\/assets\/index-[\w-]+\.js)"/.exec(page.body)?.[1];
      expect(boot).toBeDefined();
      const entry = await get(boot!);
      expect(entry.status).toBe(200);
      const main = /main-[\w-]+\.js/.exec(entry.body)?.[0];
      expect(main).toBeDefined();
      const bundle = await get(`/assets/${main!}`);
      expect(bundle.status).toBe(200);
      expect(bundle.body.length).toBeGreaterThan(10_000);
    } finally {
      serve.kill('SIGTERM');
    }
  });

  it('ships systemd units that systemd-analyze verify accepts', async () => {
    for (const unit of ['imagewatch.service', 'imagewatch-user.service']) {
      const file = path.join(prefix, 'lib', 'node_modules', 'imagewatch', 'contrib', 'systemd', unit);
      const result = await run('systemd-analyze', ['verify', file]).then(
        (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
        (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
      );
      expect(result, unit).toEqual({ code: 0, out: '' });
    }
  });
});
