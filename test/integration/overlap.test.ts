// Zero-downtime replacement: a web container reached by name on a user network, replaced with
// `"overlap": true` while a client on the same network calls it every 10 ms. The new container
// answers before the old one leaves, so no call fails. A container with a volume is not
// overlapped unless it says so itself, and the outcome says why.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshResult } from '../../shared/dto.js';
import { docker, inspect, crashDuringStop, makeImage, publish, removeContainers, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();
const SERVE = "httpd -p 8080 -h /; trap 'exit 0' TERM INT; while :; do sleep 1; done";

describe.skipIf(bed === null)('overlapping replacement', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const network = `ov-${id}`;
  const image = `${b.registries.open}/overlap/web-${id}:latest`;
  const clientImage = `local/overlap-client-${id}:1`;

  beforeAll(async () => {
    await docker(b, ['network', 'create', network]);
    await publish(b, image, { version: 'v1', script: SERVE });
    await makeImage(b, clientImage, {
      version: 'client',
      script: `while :; do if wget -q -O - http://web-${id}:8080/version >/dev/null; then echo ok; else echo FAIL; fi; sleep 0.01; done`,
    });
  });

  afterAll(async () => {
    await removeContainers(b, `name=${id}`);
    await docker(b, ['network', 'rm', network]).catch(() => '');
  });

  it('replaces with no failed call from a client on the network', async () => {
    await docker(b, ['run', '-d', '--name', `web-${id}`, '--network', network, image]);
    await docker(b, ['run', '-d', '--name', `client-${id}`, '--network', network, clientImage]);
    const config = writeConfig(dir, {
      runtimes: [{ name: 'web', image, overlap: true, match: { namePrefix: `web-${id}` } }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 1,
    });
    await new Promise((r) => setTimeout(r, 500));
    await publish(b, image, { version: 'v2', script: SERVE });
    const run = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state.json')]);
    expect(run.code, run.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    await docker(b, ['stop', '-t', '0', `client-${id}`]);
    const calls = (await docker(b, ['logs', `client-${id}`])).split('\n').filter(Boolean);
    expect(calls.filter((c) => c === 'FAIL')).toEqual([]);
    expect(calls.length).toBeGreaterThan(20);
    const outcome = (JSON.parse(run.stdout) as RefreshResult).details.web!.containers[0]!;
    expect(outcome).toMatchObject({ name: `web-${id}`, action: 'replaced', reason: expect.stringMatching(/^overlapped/) });
    expect((await docker(b, ['exec', `web-${id}`, 'cat', '/version'])).trim()).toBe('v2');
    // The name, the network and the alias are the old container's; no temporary is left.
    const after = await inspect(b, `web-${id}`);
    expect(Object.keys(after.NetworkSettings.Networks)).toEqual([network]);
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=web-${id}.imagewatch`])).toBe('');
  });

  it('does not overlap a container with a volume unless the container asks, and says why', async () => {
    await docker(b, ['run', '-d', '--name', `vol-${id}`, '--network', network, '-v', `/data`, image]);
    const config = writeConfig(dir, {
      runtimes: [{ name: 'web', image, overlap: true, match: { namePrefix: `vol-${id}` } }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 0.5,
    });
    await publish(b, image, { version: 'v3', script: SERVE });
    const run = await runCli(['refresh', '--config', config, '--state', path.join(dir, 'state-vol.json')]);
    expect(run.code, run.stderr).toBe(0);
    const outcome = (JSON.parse(run.stdout) as RefreshResult).details.web!.containers[0]!;
    expect(outcome).toMatchObject({
      action: 'replaced',
      reason: expect.stringMatching(/^overlap not possible \(it has volumes; label it imagewatch\.overlap=true/),
    });
  });

  it('after a kill while the old container stops, puts it back on its network, running and answering', async () => {
    const slowImage = `${b.registries.open}/overlap/slow-${id}:latest`;
    // Serves in the background; the engine then takes 8 s to stop it.
    const slowStop = "httpd -p 8080 -h /; trap 'sleep 8; exit 0' TERM; while :; do sleep 1; done";
    await publish(b, slowImage, { version: 'v1', script: slowStop });
    const slow = `slow-${id}`;
    await docker(b, ['run', '-d', '--name', slow, '--stop-timeout', '30', '--network', network, slowImage]);
    const original = await inspect(b, slow);
    await publish(b, slowImage, { version: 'v2', script: slowStop });
    const stateDir = path.join(dir, 'crash');
    mkdirSync(stateDir);
    const statePath = path.join(stateDir, 'state.json');
    const config = writeConfig(stateDir, { runtimes: [{ name: 'slow', image: slowImage, overlap: true }], dockerHost: b.dockerHost, startGraceSeconds: 0.5 });
    const { restarted, after } = await crashDuringStop(b, config, statePath, slow, 8_000);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stderr).toContain(`imagewatch: restored ${slow} after a replacement interrupted at`);
    expect(after.Id).toBe(original.Id);
    expect(after.State.Running).toBe(true);
    expect(Object.keys(after.NetworkSettings.Networks)).toEqual([network]);
    // Reached by name on the network again.
    const answer = await docker(b, ['run', '--rm', '--network', network, clientImage, 'sh', '-c', `wget -q -O - http://${slow}:8080/version`]);
    expect(answer.trim()).toBe('v1');
    expect(await docker(b, ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${slow}.imagewatch`])).toBe('');
  });
});
