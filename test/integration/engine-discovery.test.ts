// Finding the engine the way the docker CLI does, against the bed's real engine: DOCKER_HOST
// over TCP with TLS, a docker context on its socket, a context with TLS material, and what
// goes wrong clearly (a context that does not exist).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun } from '../../shared/dto.js';
import { publish, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

/** Writes a docker context the way `docker context create` lays it out. */
function writeContext(configDir: string, name: string, host: string, tlsFrom?: string): void {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = path.join(configDir, 'contexts', 'meta', id);
  mkdirSync(meta, { recursive: true });
  writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  if (tlsFrom) {
    const tls = path.join(configDir, 'contexts', 'tls', id, 'docker');
    mkdirSync(tls, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) copyFileSync(path.join(tlsFrom, file), path.join(tls, file));
  }
}

describe.skipIf(bed === null)('finding the engine', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/discovery/app-${id}:latest`;
  let config: string;
  // No setting, no DOCKER_HOST, nothing in the real home: only what each test gives.
  const bare = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
    DOCKER_HOST: '',
    DOCKER_CONTEXT: '',
    DOCKER_TLS_VERIFY: '',
    DOCKER_CERT_PATH: '',
    HOME: path.join(dir, 'home'),
    ...extra,
  });
  const check = async (env: NodeJS.ProcessEnv, name: string): Promise<CheckRun> => {
    const run = await runCli(['check', '--config', config, '--state', path.join(dir, name, 'state.json')], env);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as CheckRun;
  };

  beforeAll(async () => {
    await publish(b, image, { version: 'v1' });
    mkdirSync(path.join(dir, 'home'), { recursive: true });
    config = writeConfig(dir, { runtimes: [{ name: 'app', image }] });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('DOCKER_HOST over TCP with TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', async () => {
    const run = await check(bare({ DOCKER_HOST: b.tls.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: b.tls.certDir }), 'tcp');
    expect(run.engine).toMatchObject({ host: b.tls.host, source: 'DOCKER_HOST' });
    // The engine answered: it holds the pushed image, so there is no update (unknown would be null).
    expect(run.runtimes[0]).toMatchObject({ outcome: 'seeded', updateAvailable: false });
  });

  it("the current docker context, on the engine's socket", async () => {
    const configDir = path.join(dir, 'ctx-unix');
    writeContext(configDir, 'bed', b.dockerHost);
    writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ currentContext: 'bed' }));
    const run = await check(bare({ DOCKER_CONFIG: configDir }), 'ctx-unix');
    expect(run.engine).toMatchObject({ host: b.dockerHost, source: 'context', context: 'bed', description: `${b.dockerHost} (docker context "bed")` });
    expect(run.runtimes[0]).toMatchObject({ outcome: 'seeded', updateAvailable: false });
  });

  it('DOCKER_CONTEXT naming a context with TLS material', async () => {
    const configDir = path.join(dir, 'ctx-tls');
    writeContext(configDir, 'remote-tls', b.tls.host, b.tls.certDir);
    writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ currentContext: 'bed-elsewhere' }));
    const run = await check(bare({ DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'remote-tls' }), 'ctx-tls');
    expect(run.engine).toMatchObject({ host: b.tls.host, source: 'context', context: 'remote-tls' });
    expect(run.runtimes[0]).toMatchObject({ outcome: 'seeded', updateAvailable: false });
  });

  it('a context that does not exist is a config error: exit 2, one line naming it', async () => {
    const run = await runCli(
      ['check', '--config', config, '--state', path.join(dir, 'missing', 'state.json')],
      bare({ DOCKER_CONFIG: path.join(dir, 'ctx-unix'), DOCKER_CONTEXT: 'nope' }),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^imagewatch: docker context "nope" is in use but .*meta\.json does not exist/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
