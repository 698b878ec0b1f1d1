// `imagewatch check` as a dock-launched app runs it: no PATH, a credential helper installed
// in a vendor's own directory, and a `credsStore` naming a helper that is not installed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../shared/dto.js';
import { startFaultProxy } from './fault-proxy.js';
import { docker, publish, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)("credential helpers on the user's machine", () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const loginEnv = { DOCKER_CONFIG: path.join(dir, 'login') };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function home(name: string, config: object, helper?: { name: string; script: string }): NodeJS.ProcessEnv {
    const root = path.join(dir, name);
    mkdirSync(path.join(root, '.docker', 'bin'), { recursive: true });
    writeFileSync(path.join(root, '.docker', 'config.json'), JSON.stringify(config));
    if (helper) {
      const file = path.join(root, '.docker', 'bin', `docker-credential-${helper.name}`);
      writeFileSync(file, `#!/bin/sh\n${helper.script}\n`);
      chmodSync(file, 0o755);
    }
    return { HOME: root, DOCKER_CONFIG: '', PATH: '/nonexistent' };
  }

  it('finds a helper outside PATH and reads a private registry with it', async () => {
    mkdirSync(loginEnv.DOCKER_CONFIG, { recursive: true });
    const image = `${b.registries.basic}/helpers/app-${id}:latest`;
    await docker(b, ['login', b.registries.basic, '-u', b.user.username, '-p', b.user.password], { env: loginEnv });
    const { digest } = await publish(b, image, { version: 'v1' }, loginEnv);
    const env = home(
      'with-helper',
      { credsStore: 'vendor' },
      {
        name: 'vendor',
        script: `read url; printf '{"ServerURL":"%s","Username":"${b.user.username}","Secret":"${b.user.password}"}' "$url"`,
      },
    );
    const config = writeConfig(path.join(dir, 'with-helper'), { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost });
    const run = await runCli(['check', '--config', config, '--state', path.join(dir, 'with-helper', 'state.json')], env);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { runtimes: CheckReport[] }).runtimes[0]).toMatchObject({ outcome: 'seeded', remoteDigest: digest });
  });

  it('goes on anonymously when credsStore names a helper that is not installed', async () => {
    // A public image behind a registry that challenges everyone (as ghcr.io and Docker Hub do):
    // the token service hands anonymous tokens out, so only a broken credential lookup could fail it.
    const realm = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 'anonymous', expires_in: 300 }));
    });
    await new Promise<void>((resolve) => realm.listen(0, '127.0.0.1', resolve));
    const proxy = await startFaultProxy(b.registries.open);
    try {
      proxy.setFault(() => true, { kind: 'bearer-challenge', realm: `http://127.0.0.1:${(realm.address() as AddressInfo).port}/token` });
      const { digest } = await publish(b, `${b.registries.open}/helpers/public-${id}:latest`, { version: 'v1' });
      const env = home('no-helper', { credsStore: 'desktop' });
      const config = writeConfig(path.join(dir, 'no-helper'), {
        runtimes: [{ name: 'pub', image: `${proxy.host}/helpers/public-${id}:latest` }],
        dockerHost: b.dockerHost,
      });
      const run = await runCli(['check', '--config', config, '--state', path.join(dir, 'no-helper', 'state.json')], env);
      expect(run.code, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as { runtimes: CheckReport[] }).runtimes[0]).toMatchObject({ outcome: 'seeded', remoteDigest: digest });
    } finally {
      await proxy.close();
      await new Promise((r) => realm.close(r));
    }
  });
});
