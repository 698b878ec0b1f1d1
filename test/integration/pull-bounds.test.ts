// Pulls against registries that misbehave: one that stops sending blob data (the refresh
// must end within pullStallSeconds and not hold up other runtimes' checks), and one whose
// token realm is plain HTTP on another host (the engine must never be handed the password
// it would send there).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport, RefreshResult } from '../../shared/dto.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { CLI, docker, publish, readState, removeContainers, requireBed, runCli, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('pull bounds', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = await startFaultProxy(b.registries.open);
  });

  afterAll(async () => {
    await proxy?.close();
    await removeContainers(b, `name=${id}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a blob stall ends in pullStallSeconds as a failed refresh to retry, with other runtimes checked meanwhile', async () => {
    const stuck = `${proxy.host}/stall/stuck-${id}:latest`;
    const fine = `${b.registries.open}/stall/fine-${id}:latest`;
    await publish(b, stuck, { version: 'v1' });
    await publish(b, fine, { version: 'v1' });
    const statePath = path.join(dir, 'state.json');
    const config = writeConfig(dir, {
      runtimes: [
        { name: 'stuck', image: stuck, match: { namePrefix: 'none-' } },
        { name: 'fine', image: fine, match: { namePrefix: 'none-' } },
      ],
      dockerHost: b.dockerHost,
      pullStallSeconds: 2,
    });
    expect((await runCli(['check', '--config', config, '--state', statePath])).code).toBe(0);
    await publish(b, stuck, { version: 'v2' });
    // The engine must fetch the new layer; the proxy sends a few bytes of it and then nothing.
    await docker(b, ['rmi', stuck]);
    proxy.setFault((method, p) => method === 'GET' && p.includes(`/stall/stuck-${id}/blobs/`), { kind: 'stall-body', bytes: 10 });
    try {
      const run = await runCli(['check', '--auto-refresh', '--config', config, '--state', statePath]);
      expect(run.code).toBe(1);
      const reports = (JSON.parse(run.stdout) as { runtimes: CheckReport[] }).runtimes;
      const stuckReport = reports.find((r) => r.name === 'stuck')!;
      expect(stuckReport.refresh?.failed).toEqual(['stuck']);
      expect(stuckReport.refresh?.details.stuck?.error).toMatch(/no progress for 2s \(pullStallSeconds\); aborted/);
      expect(reports.find((r) => r.name === 'fine')!.outcome).toBe('unchanged');
    } finally {
      proxy.setFault(() => false, null);
    }
    const state = await readState(statePath);
    const failedAt = state.get('stuck').history.find((h) => h.kind === 'refresh-failed')!.at;
    // "fine" was checked while "stuck" was still pulling, not after its stall ended.
    expect(Date.parse(state.get('fine').lastCheckAt!)).toBeLessThan(Date.parse(failedAt));
    expect(state.get('stuck').retry).toMatchObject({ attempt: 1 });
  });

  it('stopping watch during a stalled pull ends at once, and the shutdown is not recorded as a failure', async () => {
    const image = `${proxy.host}/stall/quit-${id}:latest`;
    await publish(b, image, { version: 'v1' });
    const quitDir = path.join(dir, 'quit');
    mkdirSync(quitDir);
    const statePath = path.join(quitDir, 'state.json');
    const config = writeConfig(quitDir, {
      runtimes: [{ name: 'app', image, match: { namePrefix: 'none-' } }],
      dockerHost: b.dockerHost,
      autoRefresh: true,
      intervalSeconds: 5,
      pullStallSeconds: 600,
    });
    const proc = spawn(process.execPath, [CLI, 'watch', '--config', config, '--state', statePath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    let code: number | null | undefined;
    proc.on('exit', (c) => (code = c));
    try {
      await until('seeded state', () => existsSync(statePath) && readFileSync(statePath, 'utf8').includes('"seenDigest": "sha256:'));
      await publish(b, image, { version: 'v2' });
      await docker(b, ['rmi', image]);
      // The engine's pull stalls; imagewatch's own read of the new image's labels goes through.
      const pulling = (agent: string): boolean => !agent.startsWith('imagewatch');
      const blobs = (): number => proxy.requests.filter((r) => pulling(r.agent) && r.path.includes(`/stall/quit-${id}/blobs/`)).length;
      const before = blobs();
      proxy.setFault((method, p, agent) => method === 'GET' && pulling(agent) && p.includes(`/stall/quit-${id}/blobs/`), { kind: 'stall-body', bytes: 10 });
      await until('the pull to stall', () => blobs() > before, 30_000);
      proc.kill('SIGTERM');
      // The stall bound is 600s: ending now means the shutdown aborted the pull.
      await until('watch to exit', () => code !== undefined, 15_000);
    } finally {
      proxy.setFault(() => false, null);
      if (code === undefined) proc.kill('SIGKILL');
    }
    expect(code).toBe(0);
    expect(log).not.toContain('finishing the container replacement');
    expect(log).toContain('app refresh interrupted by shutdown; retried on the next start');
    const state = await readState(statePath);
    expect(state.get('app').lastError).toBeNull();
    expect(state.get('app').history.map((h) => h.kind)).not.toContain('refresh-failed');
    expect(state.get('app').retry).toMatchObject({ attempt: 1 });
  });

  it('the engine never sends the password to a plain-HTTP token realm on another host', async () => {
    const seen: string[] = [];
    const realm = http.createServer((req, res) => {
      seen.push(req.headers.authorization ?? '(none)');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 'anonymous-token', expires_in: 300 }));
    });
    // 127.0.0.2: loopback, so reachable here, but another host than the registry's 127.0.0.1.
    await new Promise<void>((resolve) => realm.listen(0, '127.0.0.2', resolve));
    const realmUrl = `http://127.0.0.2:${(realm.address() as AddressInfo).port}/token`;
    try {
      await publish(b, `${b.registries.open}/realm/app-${id}:latest`, { version: 'v1' });
      const image = `${proxy.host}/realm/app-${id}:latest`;
      proxy.setFault(() => true, { kind: 'bearer-challenge', realm: realmUrl });
      const realmDir = path.join(dir, 'realm');
      const config = writeConfig(dir, {
        runtimes: [{ name: 'app', image }],
        dockerHost: b.dockerHost,
        credentials: { [proxy.host]: { username: 'realm-user', password: 'realm-secret-pw' } },
      });
      const run = await runCli(['refresh', '--no-recreate', '--config', config, '--state', path.join(realmDir, 'state.json')]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as RefreshResult).pulled).toEqual(['app']);
      // The engine did go to the realm (so this proves something), and never with the password.
      expect(seen.length).toBeGreaterThan(0);
      const basic = Buffer.from('realm-user:realm-secret-pw').toString('base64');
      for (const auth of seen) {
        expect(auth).not.toContain(basic);
        expect(auth).not.toContain('realm-secret-pw');
      }
    } finally {
      proxy.setFault(() => false, null);
      await new Promise((r) => realm.close(r));
    }
  });
});
