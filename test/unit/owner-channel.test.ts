// The owner's socket as a client meets it: each refusal says what was wrong, a request may
// arrive in pieces, a client that hangs up early hands over nothing, a failing owner answers
// with its reason, a dead owner's socket file does not block the next owner, and a client
// told nothing (or gibberish) says so instead of printing it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelAddress, connectChannel, exchange, startChannel, type HandoffWork } from '../../electron/core/owner/channel.js';
import { ChannelUnreachableError, OwnerBusyError, RefreshListError, UnknownEngineError, UnknownRuntimeError } from '../../electron/core/errors.js';
import { claimStateDir } from '../../electron/core/owner/claim.js';
import { handoffHandler, remoteTarget } from '../../electron/core/owner/handoff.js';

const TOKEN = 'a-token-of-24-characters';
const temp = (): string => mkdtempSync(path.join(os.tmpdir(), 'iw-chan-'));

/** Sends `chunks` as they are (no newline added), then reads until the owner hangs up. */
function send(address: string, chunks: string[], endAfter = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(address, async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, 10));
      }
      if (endAfter) socket.end();
    });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('close', () => resolve(text.trim()));
    socket.on('error', reject);
  });
}

describe("the owner's socket", () => {
  it('says what is wrong with a request, and takes one that arrives in pieces', async () => {
    const address = channelAddress(temp());
    const seen: HandoffWork[] = [];
    const channel = await startChannel(address, TOKEN, async (work) => {
      seen.push(work);
      if (work.method === 'check' && work.autoRefresh) throw new Error('engine gone');
      return { ok: true, result: { runtimes: [] } } as never;
    });
    try {
      expect(JSON.parse(await send(address, ['not json\n']))).toEqual({
        ok: false,
        failure: { kind: 'bad-request', message: 'bad handoff request: not JSON' },
      });
      const unknown = JSON.parse(await send(address, [`${JSON.stringify({ token: TOKEN, method: 'remove-everything' })}\n`]));
      expect(unknown.failure.message).toMatch(/^bad handoff request: method: /);
      expect(JSON.parse(await send(address, ['[]\n'])).failure.message).toMatch(/^bad handoff request: request: /);
      const whole = `${JSON.stringify({ token: TOKEN, method: 'check', autoRefresh: false })}\n`;
      expect(JSON.parse(await send(address, [whole.slice(0, 9), whole.slice(9, 30), whole.slice(30)]))).toEqual({ ok: true, result: { runtimes: [] } });
      const failing = `${JSON.stringify({ token: TOKEN, method: 'check', autoRefresh: true })}\n`;
      expect(JSON.parse(await send(address, [failing]))).toEqual({ ok: false, failure: { kind: 'failed', message: 'engine gone' } });
      // Hung up before the line ended: nothing is handed over, nothing answered.
      expect(await send(address, [whole.slice(0, 20)], true)).toBe('');
      expect(seen.map((w) => w.method)).toEqual(['check', 'check']);
    } finally {
      await channel.close();
    }
  });

  it("starts over a dead owner's socket file, and a client of no owner is told it is unreachable", async () => {
    const dir = temp();
    const address = channelAddress(dir);
    await expect(connectChannel(address)).rejects.toBeInstanceOf(ChannelUnreachableError);
    writeFileSync(address, 'left by a dead owner');
    const channel = await startChannel(address, TOKEN, async () => ({ ok: true, result: { pulled: [], failed: [], recreated: [], details: {} } }));
    try {
      const answer = await exchange(await connectChannel(address), { token: TOKEN, method: 'refresh', runtimes: [], pullOnly: false });
      expect(answer).toEqual({ ok: true, result: { pulled: [], failed: [], recreated: [], details: {} } });
    } finally {
      await channel.close();
    }
  });

  it('a client says when the owner ended without an answer, or answered gibberish', async () => {
    const address = path.join(temp(), 'fake.sock');
    const replies = ['', '{"no":"ok"}\n', 'null\n'];
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end(replies.shift() ?? ''));
    });
    await new Promise<void>((resolve) => server.listen(address, resolve));
    try {
      const request = { token: TOKEN, method: 'check' as const, autoRefresh: false };
      await expect(exchange(await connectChannel(address), request)).rejects.toThrow(
        'the owning imagewatch ended before it answered; see its log, then run the command again',
      );
      await expect(exchange(await connectChannel(address), request)).rejects.toThrow('the owning imagewatch sent an unreadable answer');
      await expect(exchange(await connectChannel(address), request)).rejects.toThrow('the owning imagewatch sent an unreadable answer');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps the socket in the state directory while its path fits the OS limit', () => {
    const base = path.join('/tmp', 'iw');
    // "/owner.sock" is 11 bytes: a directory path of 88 bytes makes 99, the longest kept in place.
    const fits = `${base}/${'x'.repeat(88 - base.length - 1)}`;
    expect(channelAddress(fits)).toBe(path.join(fits, 'owner.sock'));
    expect(channelAddress(`${fits}y`)).toMatch(/imagewatch-[a-f0-9]{16}\.sock$/);
    expect(channelAddress('/a/state')).not.toBe(channelAddress('/b/state'));
  });
});

describe('work handed over, and its failures brought back', () => {
  it('comes back as the errors the CLI prints, with what they carry', async () => {
    const partial = { pulled: ['a'], failed: [], recreated: [], details: {} };
    const asked: unknown[] = [];
    const failures = [
      new UnknownRuntimeError('nope', ['a', 'b']),
      new UnknownEngineError('vps', ['laptop']),
      new RefreshListError('cannot list containers: boom', partial),
      new Error('anything else'),
    ];
    const handler = handoffHandler({
      check: async (autoRefresh, engines) => {
        asked.push(['check', autoRefresh, engines]);
        return { runtimes: [] } as never;
      },
      refresh: async (runtimes, pullOnly, engines, toTag) => {
        asked.push(['refresh', runtimes, pullOnly, engines, toTag]);
        throw failures.shift()!;
      },
    });
    // The client side, as a CLI holds it: every request goes through the handler, as over the socket.
    const client = remoteTarget({ role: 'client', owner: {} as never, send: async (work) => handler(work) });
    expect(await client.check(true, ['nas'])).toEqual({ runtimes: [] });
    expect(await client.check(false, [])).toEqual({ runtimes: [] });
    const err1 = await client.refresh(['nope'], false).catch((e: unknown) => e);
    expect(err1).toBeInstanceOf(UnknownRuntimeError);
    expect(err1).toMatchObject({ runtime: 'nope', known: ['a', 'b'] });
    const err2 = await client.refresh([], true, ['vps']).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(UnknownEngineError);
    expect(err2).toMatchObject({ engine: 'vps', known: ['laptop'] });
    const err3 = await client.refresh(['a'], false, undefined, '1.2').catch((e: unknown) => e);
    expect(err3).toBeInstanceOf(RefreshListError);
    expect(err3).toMatchObject({ message: 'cannot list containers: boom', partial });
    const err4 = await client.refresh(['a'], false).catch((e: unknown) => e);
    expect([(err4 as Error).constructor, (err4 as Error).message]).toEqual([Error, 'anything else']);
    expect(asked).toEqual([
      ['check', true, ['nas']],
      ['check', false, undefined],
      ['refresh', ['nope'], false, undefined, undefined],
      ['refresh', [], true, ['vps'], undefined],
      ['refresh', ['a'], false, undefined, '1.2'],
      ['refresh', ['a'], false, undefined, undefined],
    ]);
  });
});

describe("the owner's socket, at its limits", () => {
  it('reads a line up to 64 KiB and no more, an empty line as no JSON, and only the first line', async () => {
    const address = channelAddress(temp());
    const channel = await startChannel(address, TOKEN, async () => ({ ok: true, result: { runtimes: [] } }) as never);
    try {
      const padded = (length: number): string => {
        const head = `{"token":"${TOKEN}","method":"check","autoRefresh":false`;
        return `${head}${' '.repeat(length - head.length - 1)}}`;
      };
      expect(padded(65536)).toHaveLength(65536);
      expect(JSON.parse(await send(address, [`${padded(65536)}\n`]))).toEqual({ ok: true, result: { runtimes: [] } });
      expect(JSON.parse(await send(address, [`${padded(65537)}\n`]))).toEqual({ ok: false, failure: { kind: 'failed', message: 'message over 65536 bytes' } });
      expect(JSON.parse(await send(address, ['\n']))).toEqual({ ok: false, failure: { kind: 'bad-request', message: 'bad handoff request: not JSON' } });
      expect(JSON.parse(await send(address, [`${padded(100)}\nand then more`]))).toEqual({ ok: true, result: { runtimes: [] } });
    } finally {
      await channel.close();
    }
  });
});

describe('claiming a directory whose owner does not answer', () => {
  it('waits for it, says so once, and gives up naming it and how long it waited', async () => {
    const dir = temp();
    const owner = await claimStateDir(dir, { kind: 'watch', waitMs: 1000 });
    // The owner holds the lock but has not started serving its socket yet (it is starting).
    const waits: unknown[] = [];
    const started = Date.now();
    const err = await claimStateDir(dir, { kind: 'check', waitMs: 700, onWait: (o) => waits.push(o) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OwnerBusyError);
    expect((err as Error).message).toMatch(/is owned by imagewatch watch \(pid \d+ on .*\); it did not answer or let go within 1s$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ kind: 'watch' });
    // Once it serves, the same claim becomes its client at once.
    if (owner.role !== 'owner') throw new Error('expected to own it');
    await owner.serve(async () => ({ ok: true, result: { runtimes: [] } }) as never);
    const client = await claimStateDir(dir, { kind: 'check', waitMs: 700 });
    if (client.role !== 'client') throw new Error('expected to be its client');
    expect(await client.send({ method: 'check', autoRefresh: false })).toEqual({ ok: true, result: { runtimes: [] } });
    await owner.release();
  });
});

describe('a client that connects and says nothing', () => {
  it("holds up neither the owner's shutdown nor its work", async () => {
    const address = channelAddress(temp());
    const channel = await startChannel(address, TOKEN, async () => ({ ok: true, result: { runtimes: [] } }) as never);
    const silent = await connectChannel(address);
    const closedByOwner = new Promise((resolve) => silent.once('close', resolve));
    // Another client is answered meanwhile.
    expect(JSON.parse(await send(address, [`${JSON.stringify({ token: TOKEN, method: 'check', autoRefresh: false })}\n`]))).toEqual({
      ok: true,
      result: { runtimes: [] },
    });
    await channel.close();
    await closedByOwner;
  });
});
