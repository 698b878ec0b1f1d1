// ssh:// engines through the system's ssh: the command line (nothing read as an option, $HOME's
// ~/.ssh named when it is not the account's), ssh's refusals in words that say what to do, and
// the session as an HTTP connection. The sessions here are a stand-in `ssh` (a script that
// answers HTTP on its stdio, or fails as ssh fails); the real sshd is in engine-ssh.test.ts.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { engineMessage } from '../../electron/core/engines/connect.js';
import { SshAgent, sshArgs, sshFailure, sshTarget } from '../../electron/core/engines/ssh.js';
import { tempDir } from '../integration/helpers.js';

/** A stand-in ssh: logs its arguments, then answers every HTTP request on stdin with "OK". */
function fakeSsh(dir: string, behaviour: 'serve' | 'refuse'): { command: string; log: string } {
  const log = path.join(dir, 'sessions.log');
  const command = path.join(dir, `ssh-${behaviour}`);
  const body =
    behaviour === 'refuse'
      ? `process.stderr.write('No ED25519 host key is known for [nas]:2222 and you have requested strict checking.\\r\\nHost key verification failed.\\r\\n'); process.exit(255);`
      : `let buffered = '';
         process.stdin.on('data', (chunk) => {
           buffered += chunk;
           let end;
           while ((end = buffered.indexOf('\\r\\n\\r\\n')) >= 0) {
             buffered = buffered.slice(end + 4);
             process.stdout.write('HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 2\\r\\n\\r\\nOK');
           }
         });`;
  writeFileSync(
    command,
    `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n${body}\n`,
  );
  chmodSync(command, 0o755);
  return { command, log };
}

const sessions = (log: string): string[][] =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);

describe('ssh:// engines', () => {
  it('refuses a host or user that ssh would read as an option, and keeps the rest of the URL', () => {
    expect(() => sshTarget(new URL('ssh://-oProxyCommand=touch%20x'))).toThrow(/may not start with "-"/);
    expect(() => sshTarget(new URL('ssh://-oProxyCommand@nas'))).toThrow(/may not start with "-"/);
    expect(sshTarget(new URL('ssh://me@nas.lan:2222'))).toEqual({ hostname: 'nas.lan', port: 2222, user: 'me' });
    expect(sshTarget(new URL('ssh://nas'))).toEqual({ hostname: 'nas' });
  });

  it('runs dial-stdio after `--`, never prompts, and names $HOME/.ssh when $HOME is not the account home', () => {
    const home = tempDir();
    mkdirSync(path.join(home, '.ssh'));
    writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'key');
    const args = sshArgs({ hostname: 'nas', port: 2222, user: 'me' }, { HOME: home });
    expect(args.slice(-5)).toEqual(['--', 'nas', 'docker', 'system', 'dial-stdio']);
    expect(args).toEqual(expect.arrayContaining(['BatchMode=yes', '-l', 'me', '-p', '2222', '-i', path.join(home, '.ssh', 'id_ed25519')]));
    expect(args.join(' ')).toContain(`UserKnownHostsFile=${path.join(home, '.ssh', 'known_hosts')}`);
    // No config file in that home: ssh's own is not replaced.
    expect(args).not.toContain('-F');
  });

  it('says what ssh refused, and what to do', () => {
    const target = { hostname: '127.0.0.1', port: 2222 };
    expect(
      sshFailure('No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\n', target, 255),
    ).toBe(
      'cannot reach the Docker engine over ssh: [127.0.0.1]:2222 is not in known_hosts; connect once with `ssh -p 2222 127.0.0.1` to check and accept its key',
    );
    const changed = '@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@\nHost key verification failed.\n';
    expect(sshFailure(changed, target, 255)).toMatch(/host key of \[127\.0\.0\.1\]:2222 does not match known_hosts/);
    expect(sshFailure('me@nas: Permission denied (publickey).\n', { hostname: 'nas', user: 'me' }, 255)).toMatch(/nas refused the login .*`ssh me@nas`/);
    expect(sshFailure('ssh: connect to host nas port 22: Connection refused\n', { hostname: 'nas' }, 255)).toBe(
      'cannot reach the Docker engine over ssh: ssh: connect to host nas port 22: Connection refused',
    );
  });

  it('keeps one session open across requests', async () => {
    const dir = tempDir();
    const ssh = fakeSsh(dir, 'serve');
    const agent = new SshAgent({ hostname: 'nas', user: 'me' }, { ...process.env, HOME: dir }, ssh.command);
    const docker = new Docker({ protocol: 'http', host: 'docker', port: '80', agent } as Docker.DockerOptions);
    for (let i = 0; i < 5; i++) expect(String(await docker.ping())).toBe('OK');
    expect(sessions(ssh.log)).toHaveLength(1);
    expect(sessions(ssh.log)[0]!.slice(-4)).toEqual(['nas', 'docker', 'system', 'dial-stdio']);
    agent.destroy();
  });

  it("lets the process exit while a session waits unused for the next request, and keeps no request's timeout", async () => {
    const dir = tempDir();
    const ssh = fakeSsh(dir, 'serve');
    const agent = new SshAgent({ hostname: 'nas' }, { ...process.env, HOME: dir }, ssh.command);
    // A request timeout: the request clears it when done, and the agent then sets its idle one.
    const docker = new Docker({ protocol: 'http', host: 'docker', port: '80', agent, timeout: 10_000 } as Docker.DockerOptions);
    const holding = (): string[] => process.getActiveResourcesInfo().filter((r) => /Timeout|Pipe|Process/.test(r));
    for (let i = 0; i < 12; i++) expect(String(await docker.ping())).toBe('OK');
    await new Promise((r) => setImmediate(r));
    const session = agent.freeSockets['docker:80:']?.[0];
    expect(session).toBeDefined();
    // Each request's timeout callback is taken off when it is done, as on a net.Socket (no leak).
    expect(session!.listenerCount('timeout')).toBeLessThanOrEqual(1);
    const waiting = holding();
    // Against what is left once the session is gone: it held nothing the process waits for.
    session!.destroy();
    await new Promise((r) => session!.once('close', r));
    expect(waiting).toEqual(holding());
    agent.destroy();
  });

  it("fails the request with ssh's reason when the session cannot open", async () => {
    const dir = tempDir();
    const ssh = fakeSsh(dir, 'refuse');
    const agent = new SshAgent({ hostname: 'nas', port: 2222 }, process.env, ssh.command);
    const docker = new Docker({ protocol: 'http', host: 'docker', port: '80', agent } as Docker.DockerOptions);
    const err = await docker.ping().then(
      () => null,
      (e: unknown) => e,
    );
    expect(engineMessage(err)).toBe(
      'cannot reach the Docker engine over ssh: [nas]:2222 is not in known_hosts; connect once with `ssh -p 2222 nas` to check and accept its key',
    );
  });

  it('says so when there is no ssh client', async () => {
    const agent = new SshAgent({ hostname: 'nas' }, process.env, '/nonexistent/ssh');
    const docker = new Docker({ protocol: 'http', host: 'docker', port: '80', agent } as Docker.DockerOptions);
    await expect(docker.ping()).rejects.toThrow(/no `\/nonexistent\/ssh` client was found/);
  });
});
