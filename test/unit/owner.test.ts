// The owner of a state directory: who a process is, the lock, the handoff channel, and
// claiming (owner, client, or refused), including taking over from a holder that was killed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { channelAddress, connectChannel, exchange, startChannel, type HandoffWork } from '../../electron/core/owner/channel.js';
import { claimStateDir, type ClientClaim, type OwnerClaim } from '../../electron/core/owner/claim.js';
import { formatIdentity, liveness, parseIdentity, procStartTicks, selfIdentity } from '../../electron/core/owner/identity.js';
import { readOwnerInfo } from '../../electron/core/owner/lock.js';
import { OwnerBusyError } from '../../electron/core/errors.js';

const temp = (): string => mkdtempSync(path.join(os.tmpdir(), 'iw-owner-'));

function ask(address: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(address, () => socket.write(`${line}\n`));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', () => resolve(text.trim()));
    socket.on('error', reject);
  });
}

describe('owner identity', () => {
  it('round-trips and tells this process, a dead one, a reused pid and another host apart', async () => {
    const me = selfIdentity();
    expect(parseIdentity(formatIdentity(me))).toEqual(me);
    expect(liveness(me)).toBe('alive');
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    expect(liveness({ host: me.host, pid, start: null })).toBe('dead');
    if (process.platform === 'linux') {
      // Killed but not yet reaped by its parent: a zombie is no owner.
      const sleeper = spawn('sleep', ['30']);
      const sleeperPid = sleeper.pid!;
      const start = procStartTicks(sleeperPid);
      process.kill(sleeperPid, 'SIGKILL');
      // Node reaps it only on a later turn of its loop; wait here, synchronously, for the zombie.
      const until = Date.now() + 2000;
      while (!/\) Z /.test(readFileSync(`/proc/${sleeperPid}/stat`, 'utf8')) && Date.now() < until);
      expect(liveness({ host: me.host, pid: sleeperPid, start })).toBe('dead');
      await new Promise((r) => sleeper.on('exit', r));
    }
    // A live pid whose start time differs is a reused pid: the noted process is gone.
    expect(liveness({ host: me.host, pid: process.ppid, start: 1 })).toBe(process.platform === 'linux' ? 'dead' : 'alive');
    expect(liveness({ host: `${me.host}-elsewhere`, pid: 1, start: 1 })).toBe('unknown');
  });
});

describe('handoff channel', () => {
  it('is private, checks the token in full, validates requests, and answers them', async () => {
    const dir = temp();
    const address = channelAddress(dir);
    const seen: HandoffWork[] = [];
    const channel = await startChannel(address, 'a-token-of-24-characters', async (work) => {
      seen.push(work);
      return { ok: true, result: { pulled: [], failed: [], recreated: [], details: {} } };
    });
    try {
      expect(statSync(address).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await ask(address, 'not json'))).toMatchObject({ ok: false, failure: { kind: 'bad-request' } });
      const wrong = await ask(address, JSON.stringify({ token: 'a-token-of-24-characterX', method: 'check', autoRefresh: false }));
      expect(JSON.parse(wrong)).toEqual({ ok: false, failure: { kind: 'bad-request', message: 'bad handoff token' } });
      const unknown = await ask(address, JSON.stringify({ token: 'a-token-of-24-characters', method: 'remove-everything' }));
      expect(JSON.parse(unknown)).toMatchObject({ ok: false, failure: { kind: 'bad-request' } });
      expect(seen).toEqual([]);
      const good = await ask(address, JSON.stringify({ token: 'a-token-of-24-characters', method: 'refresh', runtimes: ['a'], pullOnly: true }));
      expect(JSON.parse(good)).toEqual({ ok: true, result: { pulled: [], failed: [], recreated: [], details: {} } });
      expect(seen).toEqual([{ method: 'refresh', runtimes: ['a'], pullOnly: true }]);
    } finally {
      await channel.close();
    }
  });

  it('hands back an answer past 64 KiB (a check of thousands of runtimes), and still refuses a request that large', async () => {
    const dir = temp();
    const address = channelAddress(dir);
    const token = 'a-token-of-24-characters';
    const details = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [`runtime-${i}`, { image: `registry.example/team/runtime-${i}:latest`, ok: true, containers: [] }]),
    );
    const channel = await startChannel(address, token, async () => ({ ok: true, result: { pulled: [], failed: [], recreated: [], details } }));
    try {
      const answer = await exchange(await connectChannel(address), { token, method: 'refresh', runtimes: [], pullOnly: false });
      expect(JSON.stringify(answer).length).toBeGreaterThan(64 * 1024);
      expect(answer.ok && Object.keys((answer.result as { details: object }).details)).toHaveLength(2000);
      const huge = await ask(
        address,
        JSON.stringify({ token, method: 'refresh', runtimes: Array.from({ length: 1000 }, () => 'x'.repeat(100)), pullOnly: false }),
      );
      // Refused with a reason, not read: a request is a few hundred bytes.
      expect(JSON.parse(huge)).toEqual({ ok: false, failure: { kind: 'failed', message: 'message over 65536 bytes' } });
    } finally {
      await channel.close();
    }
  });

  it('puts a socket path too long for the OS in the temp dir', () => {
    const deep = path.join('/tmp', 'x'.repeat(120));
    expect(channelAddress(deep)).toMatch(new RegExp(`^${os.tmpdir()}/imagewatch-[a-f0-9]{16}\\.sock$`));
    expect(channelAddress('C:\\state', 'win32')).toMatch(/^\\\\\?\\pipe\\imagewatch-[a-f0-9]{16}$/);
  });
});

describe('claiming a state directory', () => {
  it('one owner; a check becomes its client; another long-running front end is refused at once', async () => {
    const dir = temp();
    const owner = (await claimStateDir(dir, { kind: 'watch', waitMs: 1000 })) as OwnerClaim;
    expect(owner.role).toBe('owner');
    await owner.serve(async (work) => ({
      ok: true,
      result: { pulled: [], failed: [], recreated: [], details: {}, ...(work.method === 'refresh' ? { asked: work.runtimes } : {}) },
    }));
    const info = await readOwnerInfo(dir);
    expect(info).toMatchObject({ kind: 'watch', identity: selfIdentity() });
    expect(statSync(path.join(dir, 'owner.json')).mode & 0o777).toBe(0o600);

    const client = (await claimStateDir(dir, { kind: 'refresh', waitMs: 1000 })) as ClientClaim;
    expect(client.role).toBe('client');
    expect(await client.send({ method: 'refresh', runtimes: ['x'], pullOnly: false })).toMatchObject({ ok: true, result: { asked: ['x'] } });

    const started = Date.now();
    await expect(claimStateDir(dir, { kind: 'serve', waitMs: 30_000 })).rejects.toBeInstanceOf(OwnerBusyError);
    expect(Date.now() - started).toBeLessThan(5_000);

    await owner.release();
    const next = await claimStateDir(dir, { kind: 'serve', waitMs: 1000 });
    expect(next.role).toBe('owner');
    await (next as OwnerClaim).release();
  });

  it('takes over the lock of a holder that was killed', async () => {
    const dir = temp();
    // The holder is another process: bundle the claim code for plain node.
    const bundle = path.join(dir, 'holder.mjs');
    buildSync({
      stdin: {
        contents: `import { claimStateDir } from ${JSON.stringify(fileURLToPath(new URL('../../electron/core/owner/claim.ts', import.meta.url)))};\nawait claimStateDir(process.argv[2], { kind: 'watch', waitMs: 1000 });\nconsole.log('held');\nsetInterval(() => {}, 1000);`,
        resolveDir: dir,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    const holder = spawn(process.execPath, [bundle, path.join(dir, 'state')], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    const waits: unknown[] = [];
    // As a supervisor does: kill, see it gone, start the next one at once.
    const gone = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await gone;
    const claim = await claimStateDir(path.join(dir, 'state'), { kind: 'serve', waitMs: 20_000, onWait: (o) => waits.push(o) });
    expect(claim.role).toBe('owner');
    expect(waits).toHaveLength(1);
    await (claim as OwnerClaim).release();
  }, 30_000);
});
