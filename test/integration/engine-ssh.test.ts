// The engine over ssh://, as the docker CLI reaches a remote one: sshd on the bed's loopback
// runs `docker system dial-stdio` against the bed's engine. The user's default key opens the
// session, and the server's key is checked against known_hosts as ssh checks it: an unknown
// or changed host key refuses the engine, with a message that says which and what to do.
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun, RefreshResult } from '../../shared/dto.js';
import { docker, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('the engine over ssh://', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const home = path.join(dir, 'home');
  const image = `${b.registries.open}/ssh/app-${id}:latest`;
  let config = '';
  const env = (): NodeJS.ProcessEnv => ({ DOCKER_HOST: b.ssh.host, DOCKER_CONTEXT: '', SSH_AUTH_SOCK: '', HOME: home });
  const knownHosts = (text: string): void => writeFileSync(path.join(home, '.ssh', 'known_hosts'), text);

  beforeAll(async () => {
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    copyFileSync(b.ssh.identity, path.join(home, '.ssh', 'id_ed25519'));
    chmodSync(path.join(home, '.ssh', 'id_ed25519'), 0o600);
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `ssh-${id}`, image]);
    config = writeConfig(dir, { runtimes: [{ name: 'app', image }] });
  });

  afterAll(() => removeContainers(b, `name=ssh-${id}`));

  it('checks and refreshes through it with the default key and a known host key', async () => {
    knownHosts(`# the bed's sshd\n${b.ssh.knownHosts}\n`);
    const check = await runCli(['check', '--json', '--config', config, '--state', path.join(dir, 'state.json')], env());
    expect(check.code, check.stderr).toBe(0);
    const run = JSON.parse(check.stdout) as CheckRun;
    expect(run.engine).toMatchObject({ host: b.ssh.host, source: 'DOCKER_HOST' });
    // The engine answered over ssh: it holds the image, so no update (unknown would be null).
    expect(run.runtimes[0]).toMatchObject({ outcome: 'seeded', updateAvailable: false });

    await publish(b, image, { version: 'v2' });
    const refresh = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state.json')], env());
    expect(refresh.code, refresh.stderr).toBe(0);
    expect((JSON.parse(refresh.stdout) as RefreshResult).recreated).toEqual([`ssh-${id}`]);
    expect((await docker(b, ['exec', `ssh-${id}`, 'cat', '/version'])).trim()).toBe('v2');
  });

  it('refuses a host that is not in known_hosts, and one whose key changed', async () => {
    knownHosts('');
    const unknown = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'unknown.json')], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stdout + unknown.stderr).toMatch(/\[127\.0\.0\.1\]:\d+ is not in known_hosts; connect once with `ssh -p \d+ 127\.0\.0\.1`/);

    const [hosts, type] = b.ssh.knownHosts.split(' ');
    const otherKey = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    knownHosts(`${hosts} ${type} ${otherKey}\n`);
    const changed = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'changed.json')], env());
    expect(changed.code).toBe(1);
    expect(changed.stdout + changed.stderr).toMatch(/host key of \[127\.0\.0\.1\]:\d+ does not match known_hosts/);
  });
});
