// The owner's socket at its edges, as a client or an owner would meet them: a request line
// that never ends, a refusal that names the field, a client that stays silent, work still
// running when the owner stops, an owner that cannot listen, and a client whose connection
// fails or is left open by the owner. Then the claim: what it throws at once and what it
// waits out.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelAddress, connectChannel, exchange, startChannel, type HandoffResponse } from '../../electron/core/owner/channel.js';
import { claimStateDir, type OwnerClaim } from '../../electron/core/owner/claim.js';
import { ChannelUnreachableError, OwnerBusyError } from '../../electron/core/errors.js';

const TOKEN = 'a-token-of-24-characters';
const temp = (): string => mkdtempSync(path.join(os.tmpdir(), 'iw-edge-'));
const CHECKED: HandoffResponse = { ok: true, result: { runtimes: [] } } as never;
const checkLine = `${JSON.stringify({ token: TOKEN, method: 'check', autoRefresh: false })}\n`;

/** Writes `text` and reads until the owner hangs up; the client never ends its side. */
function ask(address: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(address, () => socket.write(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('close', () => resolve(answer.trim()));
    socket.on('error', reject);
  });
}

describe("the owner's socket, reading a request", () => {
  it('answers a line that is still unended past 64 KiB, without waiting for its end', async () => {
    const address = channelAddress(temp());
    const channel = await startChannel(address, TOKEN, async () => CHECKED);
    try {
      expect(JSON.parse(await ask(address, 'x'.repeat(65537)))).toEqual({ ok: false, failure: { kind: 'failed', message: 'message over 65536 bytes' } });
    } finally {
      await channel.close();
    }
  });

  it('names each field a refusal is about, nested ones by their path', async () => {
    const address = channelAddress(temp());
    const channel = await startChannel(address, TOKEN, async () => CHECKED);
    try {
      const empty = JSON.parse(await ask(address, `${JSON.stringify({ token: TOKEN, method: 'refresh', runtimes: ['a', ''], pullOnly: false })}\n`));
      expect(empty.failure).toEqual({ kind: 'bad-request', message: 'bad handoff request: runtimes.1: String must contain at least 1 character(s)' });
      const missing = JSON.parse(await ask(address, `${JSON.stringify({ token: TOKEN, method: 'refresh' })}\n`));
      expect(missing.failure).toEqual({ kind: 'bad-request', message: 'bad handoff request: runtimes: Required; pullOnly: Required' });
    } finally {
      await channel.close();
    }
  });

  it('hangs up on a client that sends nothing in time, but not on work that takes longer', async () => {
    const address = channelAddress(temp());
    const channel = await startChannel(
      address,
      TOKEN,
      async () => {
        await new Promise((r) => setTimeout(r, 600));
        return CHECKED;
      },
      { requestTimeoutMs: 200 },
    );
    try {
      const silent = await connectChannel(address);
      let hungUp = false;
      silent.once('close', () => (hungUp = true));
      // The slow answer comes after three timeouts' worth: the timeout is for reading only.
      expect(JSON.parse(await ask(address, checkLine))).toEqual(CHECKED);
      expect(hungUp).toBe(true);
    } finally {
      await channel.close();
    }
  });

  it('stops only once the work it took is answered', async () => {
    const address = channelAddress(temp());
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let started!: () => void;
    const taken = new Promise<void>((r) => (started = r));
    const channel = await startChannel(address, TOKEN, async () => {
      started();
      await gate;
      return CHECKED;
    });
    const answer = ask(address, checkLine);
    await taken;
    let stopped = false;
    const closing = channel.close().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    open();
    await closing;
    expect(JSON.parse(await answer)).toEqual(CHECKED);
  });

  it('says why it cannot listen instead of waiting for ever', async () => {
    const address = path.join(temp(), 'no-such-dir', 'owner.sock');
    await expect(startChannel(address, TOKEN, async () => CHECKED)).rejects.toThrow(/^listen E[A-Z]+: .*no-such-dir/);
  });
});

describe("a client of the owner's socket", () => {
  it('reports the reason its connection failed, not that the owner ended', async () => {
    const address = path.join(temp(), 'quiet.sock');
    const server = net.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(address, resolve));
    try {
      const socket = await connectChannel(address);
      const answer = exchange(socket, { token: TOKEN, method: 'check', autoRefresh: false });
      socket.emit('error', new Error('read ECONNRESET'));
      await expect(answer).rejects.toThrow(/^read ECONNRESET$/);
    } finally {
      server.close();
    }
  });

  it('closes its connection once answered, even when the owner keeps it open', async () => {
    const address = path.join(temp(), 'open.sock');
    const server = net.createServer((socket) => socket.once('data', () => socket.write(`${JSON.stringify(CHECKED)}\n`)));
    await new Promise<void>((resolve) => server.listen(address, resolve));
    try {
      const socket = await connectChannel(address);
      expect(await exchange(socket, { token: TOKEN, method: 'check', autoRefresh: false })).toEqual(CHECKED);
      expect(socket.destroyed).toBe(true);
    } finally {
      server.close();
    }
  });

  it('takes an address no socket can have as unreachable', async () => {
    const err = await connectChannel('').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelUnreachableError);
    expect((err as Error).message).toMatch(/^no socket at "": /);
  });
});

describe('claiming a state directory, at its edges', () => {
  it('stops answering once the owner stops serving', async () => {
    const dir = temp();
    const owner = (await claimStateDir(dir, { kind: 'watch', waitMs: 1000 })) as OwnerClaim;
    await owner.serve(async () => CHECKED);
    const request = { token: owner.lock.info.token, method: 'check' as const, autoRefresh: false };
    expect(await exchange(await connectChannel(owner.lock.info.channel), request)).toEqual(CHECKED);
    await owner.stopServing();
    await expect(connectChannel(owner.lock.info.channel)).rejects.toBeInstanceOf(ChannelUnreachableError);
    await owner.release();
  });

  it('tells a second long-running front end what to do', async () => {
    const dir = temp();
    const owner = (await claimStateDir(dir, { kind: 'serve', waitMs: 1000 })) as OwnerClaim;
    try {
      await expect(claimStateDir(dir, { kind: 'watch', waitMs: 1000 })).rejects.toThrow(
        /is owned by imagewatch serve \(pid \d+ on .*\); stop it first, or give this one its own --state$/,
      );
    } finally {
      await owner.release();
    }
  });

  it('throws at once what keeps it from owning a free directory', async () => {
    const dir = temp();
    // owner.json cannot be written where a directory stands: not a lock held by anyone.
    mkdirSync(path.join(dir, 'owner.json'));
    const started = Date.now();
    const err = await claimStateDir(dir, { kind: 'check', waitMs: 3000 }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(OwnerBusyError);
    expect((err as NodeJS.ErrnoException).code).toMatch(/^E/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waits out an owner whose owner.json names no socket, then names the owner', async () => {
    const dir = temp();
    const owner = (await claimStateDir(dir, { kind: 'watch', waitMs: 1000 })) as OwnerClaim;
    try {
      await owner.serve(async () => CHECKED);
      const file = path.join(dir, 'owner.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), channel: '' }));
      const err = await claimStateDir(dir, { kind: 'check', waitMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OwnerBusyError);
      expect((err as Error).message).toMatch(/owned by imagewatch watch .*; it did not answer or let go within 0s$/);
    } finally {
      await owner.release();
    }
  });
});
