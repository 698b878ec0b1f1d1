// Swarm services, updated by Swarm itself: a one-node swarm on the bed's second engine (the
// first one's swarm belongs to orchestrators.test.ts), services on bed registry tags, and
// imagewatch's refresh sending `service update` to tag@digest and following it to the end.
// The engine is reached through a small HTTP proxy on a unix socket that counts the updates
// sent, so "one update in all" is counted at the engine, not taken from imagewatch's word.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun, ContainerOutcome, RefreshResult } from '../../shared/dto.js';
import { REPO_ROOT, docker, publish, readState, requireBed, runCli, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

/** Serves /version over HTTP until told to stop. */
const SERVE = "httpd -p 8080 -h /; trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done";
/** A client calling the service by name every 10 ms, one line per call. (busybox's wget crashes on the overlay's DNS here; nc does not.) */
const POLL = (host: string): string =>
  `while :; do if printf 'GET /version HTTP/1.0\\r\\n\\r\\n' | nc -w 1 ${host} 8080 | grep -q '200 OK'; then echo ok; else echo FAIL; fi; sleep 0.01; done`;

/** An HTTP proxy on a unix socket in front of an engine's socket, counting service updates. */
async function engineProxy(target: string, socket: string): Promise<{ host: string; updates: string[]; close: () => Promise<void> }> {
  const updates: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && /\/services\/[^/]+\/update/.test(req.url ?? '')) updates.push(req.url ?? '');
    const upstream = http.request({ socketPath: target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { host: `unix://${socket}`, updates, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.skipIf(bed === null)('Swarm services', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const nas = b.engines.nas.socket;
  const onNas = { env: { DOCKER_HOST: nas } };
  const swarm = (args: string[]): Promise<string> => docker(b, args, onNas);
  const image = (name: string): string => `${b.registries.open}/swarm-${id}/${name}:latest`;
  let proxy: Awaited<ReturnType<typeof engineProxy>>;

  const specImage = async (service: string): Promise<string> =>
    swarm(['service', 'inspect', service, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);
  const versions = async (service: string): Promise<string[]> => {
    const ids = (await swarm(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`])).split('\n').filter(Boolean);
    // A task container may stop between the listing and the exec while Swarm swaps tasks: not counted.
    const read = await Promise.all(
      ids.map((c) =>
        swarm(['exec', c, 'cat', '/version']).then(
          (v) => v.trim(),
          () => null,
        ),
      ),
    );
    return read.filter((v): v is string => v !== null).sort();
  };
  const create = async (service: string, ref: string, extra: string[] = []): Promise<void> => {
    await swarm(['service', 'create', '--detach', '--name', service, '--update-monitor', '1s', '--rollback-monitor', '1s', ...extra, ref]);
    await until(`${service} to run`, async () => (await versions(service)).length > 0, 60_000);
  };
  const refresh = async (runtimes: Array<{ name: string; image: string }>, env: NodeJS.ProcessEnv = {}, extra: Record<string, unknown> = {}) => {
    const config = writeConfig(tempDir(), { runtimes, dockerHost: proxy.host, ...extra });
    const run = await runCli(['refresh', '--config', config, '--state', path.join(dir, `state-${runtimes[0]!.name}.json`)], env);
    return { run, result: JSON.parse(run.stdout || '{}') as RefreshResult };
  };
  const outcome = (result: RefreshResult, runtime: string, name: string): ContainerOutcome | undefined =>
    result.details[runtime]?.containers.find((c) => c.name === name);

  beforeAll(async () => {
    await swarm(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
    proxy = await engineProxy(nas.replace(/^unix:\/\//, ''), path.join(dir, 'engine.sock'));
  });

  afterAll(async () => {
    await swarm(['swarm', 'leave', '--force']).catch(() => '');
    await proxy?.close();
  });

  // First, while this swarm has no other service (discovery looks at the whole engine; opt-in keeps
  // it to what is labelled, so the other test files' containers on this engine stay out).
  it("finds a service's tag with discovery on, and updates the service when it moves", async () => {
    const ref = image('found');
    await publish(b, ref, { version: 'v1' });
    await create(`found-${id}`, ref, ['--label', 'imagewatch.enable=true']);
    const config = writeConfig(tempDir(), { runtimes: [], discover: 'opt-in', dockerHost: proxy.host });
    const state = path.join(dir, 'state-found.json');
    const check = await runCli(['check', '--json', '--config', config, '--state', state]);
    expect(check.code, check.stderr).toBe(0);
    const runtimes = (JSON.parse(check.stdout) as CheckRun).runtimes;
    expect(runtimes).toEqual([expect.objectContaining({ name: 'found', image: ref })]);
    const v2 = await publish(b, ref, { version: 'v2' });
    const run = await runCli(['refresh', '--config', config, '--state', state]);
    expect(run.code, run.stderr).toBe(0);
    expect(outcome(JSON.parse(run.stdout) as RefreshResult, 'found', `found-${id}`)).toMatchObject({ action: 'replaced', kind: 'service' });
    expect(await specImage(`found-${id}`)).toBe(`${ref}@${v2.digest}`);
  });

  it('updates a replicated service to tag@digest through Swarm, both tasks on the new version, with no failed call', async () => {
    const ref = image('web');
    await publish(b, ref, { version: 'v1', script: SERVE });
    // An attachable overlay network, reached by name: DNS round robin, since the bed's engines
    // run without iptables and a service's virtual IP (IPVS) does not answer there.
    await swarm(['network', 'create', '--driver', 'overlay', '--attachable', `net-${id}`]);
    await create(`web-${id}`, ref, ['--replicas', '2', '--update-order', 'start-first', '--network', `net-${id}`, '--endpoint-mode', 'dnsrr']);
    const client = `client-${id}`;
    await swarm(['run', '-d', '--name', client, '--network', `net-${id}`, ref, 'sh', '-c', POLL(`web-${id}`)]);
    try {
      await until('the client to be answered', async () => (await swarm(['logs', client])).includes('ok'), 30_000);
      const v2 = await publish(b, ref, { version: 'v2', script: SERVE });
      const { run, result } = await refresh([{ name: 'web', image: ref }]);
      expect(run.code, run.stderr).toBe(0);
      expect(outcome(result, 'web', `web-${id}`)).toMatchObject({
        action: 'replaced',
        kind: 'service',
        reason: 'updated by Swarm',
        tasks: '2 of 2 tasks running',
      });
      expect(result.recreated).toContain(`web-${id}`);
      expect(await specImage(`web-${id}`)).toBe(`${ref}@${v2.digest}`);
      expect(await until('both tasks on v2', async () => ((await versions(`web-${id}`)).join() === 'v2,v2' ? true : undefined), 30_000)).toBe(true);
      const calls = (await swarm(['logs', client])).split('\n');
      expect(calls.filter((line) => line === 'FAIL')).toEqual([]);
      expect(calls.filter((line) => line === 'ok').length).toBeGreaterThan(100);
    } finally {
      await swarm(['rm', '-f', client]).catch(() => '');
    }
  });

  it('reports a rollback by Swarm as a failed refresh with its message, and rolls back a paused update itself', async () => {
    const ref = image('bad');
    await publish(b, ref, { version: 'v2' });
    await create(`bad-rb-${id}`, ref, ['--update-failure-action', 'rollback']);
    await create(`bad-pause-${id}`, ref);
    const good = await specImage(`bad-rb-${id}`);
    // v3 exits at once: every task Swarm starts fails.
    await publish(b, ref, { version: 'v3', script: 'exit 3' });
    const { run, result } = await refresh([{ name: 'bad', image: ref }]);
    expect(run.code).toBe(1);
    expect(result.failed).toEqual(['bad']);
    expect(outcome(result, 'bad', `bad-rb-${id}`)).toMatchObject({ action: 'failed', kind: 'service' });
    expect(outcome(result, 'bad', `bad-rb-${id}`)!.reason).toMatch(/^Swarm rolled the update back: .+/);
    expect(outcome(result, 'bad', `bad-pause-${id}`)!.reason).toMatch(/^Swarm paused the update: .+; imagewatch rolled it back$/);
    for (const service of [`bad-rb-${id}`, `bad-pause-${id}`]) {
      expect(await specImage(service)).toBe(good);
      expect(await until(`${service} back on v2`, async () => ((await versions(service)).join() === 'v2' ? true : undefined), 30_000)).toBe(true);
    }
  });

  it('updates a service when a check with auto-refresh sees its tag move, and plans a retry when Swarm rolls one back', async () => {
    const ref = image('auto');
    await publish(b, ref, { version: 'v1' });
    await create(`auto-${id}`, ref, ['--update-failure-action', 'rollback']);
    const config = writeConfig(tempDir(), { runtimes: [{ name: 'auto', image: ref }], dockerHost: proxy.host });
    const state = path.join(dir, 'state-auto.json');
    const check = (): ReturnType<typeof runCli> => runCli(['check', '--auto-refresh', '--json', '--config', config, '--state', state]);
    expect((await check()).code).toBe(0);

    const v2 = await publish(b, ref, { version: 'v2' });
    const moved = await check();
    expect(moved.code, moved.stderr).toBe(0);
    const report = (JSON.parse(moved.stdout) as CheckRun).runtimes[0]!;
    expect(report).toMatchObject({ outcome: 'moved', refresh: { recreated: [`auto-${id}`] } });
    expect(await specImage(`auto-${id}`)).toBe(`${ref}@${v2.digest}`);

    const v3 = await publish(b, ref, { version: 'v3', script: 'exit 3' });
    const failed = await check();
    expect(failed.code).toBe(1);
    expect((JSON.parse(failed.stdout) as CheckRun).runtimes[0]!.refresh?.details.auto?.error).toMatch(/Swarm rolled the update back/);
    expect((await readState(state)).get('auto').retry).toMatchObject({ digest: v3.digest, attempt: 1 });
    expect(await specImage(`auto-${id}`)).toBe(`${ref}@${v2.digest}`);
  });

  it('updates a global service; leaves a pinned one, an opted-out one and one on another tag alone', async () => {
    const ref = image('mixed');
    const v1 = await publish(b, ref, { version: 'v1' });
    const decoy = `${b.registries.open}/swarm-${id}/mixed:stable`;
    await publish(b, decoy, { version: 'stable' });
    await create(`global-${id}`, ref, ['--mode', 'global']);
    await create(`pinned-${id}`, `${b.registries.open}/swarm-${id}/mixed@${v1.digest}`);
    await create(`optout-${id}`, ref, ['--label', 'imagewatch.enable=false']);
    await create(`decoy-${id}`, decoy);
    const before = { pinned: await specImage(`pinned-${id}`), optout: await specImage(`optout-${id}`), decoy: await specImage(`decoy-${id}`) };
    const v2 = await publish(b, ref, { version: 'v2' });
    const { run, result } = await refresh([{ name: 'mixed', image: ref }]);
    expect(run.code, run.stderr).toBe(0);
    expect(outcome(result, 'mixed', `global-${id}`)).toMatchObject({ action: 'replaced', kind: 'service', tasks: '1 of 1 tasks running' });
    expect(await specImage(`global-${id}`)).toBe(`${ref}@${v2.digest}`);
    expect(outcome(result, 'mixed', `pinned-${id}`)).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/^left alone: pinned by its owner/) });
    expect(outcome(result, 'mixed', `optout-${id}`)).toMatchObject({
      action: 'skipped',
      reason: 'left alone: opted out with the label imagewatch.enable=false',
    });
    expect(outcome(result, 'mixed', `decoy-${id}`)).toBeUndefined();
    expect({ pinned: await specImage(`pinned-${id}`), optout: await specImage(`optout-${id}`), decoy: await specImage(`decoy-${id}`) }).toEqual(before);
    // Task containers are never replaced behind Swarm's back.
    expect(await swarm(['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=imagewatch'])).toBe('');
  });

  it('follows an update to its end after imagewatch is killed during it, sending one update in all', async () => {
    const ref = image('crash');
    await publish(b, ref, { version: 'v1' });
    // A slow update: a 6 s monitor per task gives time to kill imagewatch while Swarm works.
    await create(`crash-${id}`, ref, ['--replicas', '2', '--update-monitor', '6s']);
    const v2 = await publish(b, ref, { version: 'v2' });
    const config = writeConfig(tempDir(), { runtimes: [{ name: 'crash', image: ref }], dockerHost: proxy.host });
    const state = path.join(dir, 'state-crash.json');
    const sent = proxy.updates.length;
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/electron/cli/main.js'), 'refresh', '--config', config, '--state', state], {
      stdio: 'ignore',
    });
    await until('the update to be sent', () => proxy.updates.length > sent, 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const again = await runCli(['refresh', '--config', config, '--state', state]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      new RegExp(`followed the update of service crash-${id} to .*@${v2.digest} that an interrupted imagewatch sent: completed \\(2 of 2 tasks running\\)`),
    );
    expect(outcome(JSON.parse(again.stdout) as RefreshResult, 'crash', `crash-${id}`)).toMatchObject({ action: 'skipped', reason: 'already on the new image' });
    expect(proxy.updates.length - sent).toBe(1);
    expect(await specImage(`crash-${id}`)).toBe(`${ref}@${v2.digest}`);
  });

  it('sends the registry credentials with the update, so the task pulls from a private registry', async () => {
    const ref = `${b.registries.basic}/swarm-${id}/private:latest`;
    const login = { DOCKER_CONFIG: tempDir('iw-login-') };
    await docker(b, ['login', b.registries.basic, '-u', b.user.username, '-p', b.user.password], { env: login });
    await publish(b, ref, { version: 'v1' }, login);
    // The service holds no credentials of its own: v1 is pulled onto the node beforehand, and the
    // service is created without --with-registry-auth (Swarm runs a task from a local image when
    // its pull fails). Only what imagewatch sends with the update lets the node pull v2.
    await docker(b, ['pull', ref], { env: { ...login, DOCKER_HOST: nas } });
    await swarm(['service', 'create', '--detach', '--no-resolve-image', '--name', `private-${id}`, '--update-monitor', '1s', ref]);
    await until('the private service to run', async () => (await versions(`private-${id}`)).length > 0, 60_000);
    const v2 = await publish(b, ref, { version: 'v2' }, login);
    const credentials = { [b.registries.basic]: { username: b.user.username, password: b.user.password } };
    const { run, result } = await refresh([{ name: 'private', image: ref }], { DOCKER_CONFIG: tempDir() }, { credentials });
    expect(run.code, run.stderr).toBe(0);
    expect(outcome(result, 'private', `private-${id}`)).toMatchObject({ action: 'replaced', tasks: '1 of 1 tasks running' });
    expect(await specImage(`private-${id}`)).toBe(`${ref}@${v2.digest}`);
    expect(await until('the task on v2', async () => ((await versions(`private-${id}`)).join() === 'v2' ? true : undefined), 30_000)).toBe(true);
  });
});
