// The owner's local channel: a unix socket (a named pipe on Windows) where `check` and
// `refresh` hand their work to the process that owns the state directory. One JSON line
// each way per connection. The socket is 0600 and every request must carry the token from
// the 0600 owner.json, so only this user can reach it.
import { createHash } from 'node:crypto';
import { chmod, unlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod/v3';
import type { CheckRun, RefreshResult } from '../../../shared/dto.js';
import { ChannelUnreachableError } from '../errors.js';
import { sameSecret } from '../util/same-secret.js';
import { EngineNameSchema, TagSchema } from '../../../shared/schemas.js';

/** A request is a few hundred bytes; anything past this is not a client of ours. */
const MAX_REQUEST = 64 * 1024;
/**
 * An answer is the owner's check or refresh result: about 300 bytes a runtime, so 2,000 runtimes
 * on several engines pass 64 KiB. Bounded all the same, since a runaway peer must not exhaust memory.
 */
const MAX_ANSWER = 64 * 1024 * 1024;
/** How long a client may take to send its one request line. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Only these engines (the CLI's --engine); absent for every engine, as an older client sends. */
const HandoffEngines = z.array(EngineNameSchema).max(32).optional();

export const HandoffRequestSchema = z.discriminatedUnion('method', [
  z.object({ token: z.string(), method: z.literal('check'), autoRefresh: z.boolean(), engines: HandoffEngines }).strict(),
  z
    .object({
      token: z.string(),
      method: z.literal('refresh'),
      runtimes: z.array(z.string().min(1)).max(1000),
      pullOnly: z.boolean(),
      engines: HandoffEngines,
      toTag: TagSchema.optional(),
    })
    .strict(),
]);
export type HandoffRequest = z.infer<typeof HandoffRequestSchema>;
/** A request without its token: what the owner is asked to do. */
export type HandoffWork = HandoffRequest extends infer R ? (R extends unknown ? Omit<R, 'token'> : never) : never;

/** Failures the CLI turns into its usual exit codes and output. */
export type HandoffFailure =
  | { kind: 'unknown-runtime'; message: string; runtime: string; known: string[] }
  | { kind: 'unknown-engine'; message: string; engine: string; known: string[] }
  | { kind: 'list-failed'; message: string; partial: RefreshResult }
  | { kind: 'bad-request'; message: string }
  | { kind: 'failed'; message: string };

export type HandoffResponse = { ok: true; result: CheckRun | RefreshResult } | { ok: false; failure: HandoffFailure };

export type HandoffHandler = (work: HandoffWork) => Promise<HandoffResponse>;

/** Where the channel of a state directory lives; unix socket paths are limited to ~100 bytes. */
export function channelAddress(dir: string, platform: NodeJS.Platform = process.platform): string {
  const hash = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\?\\pipe\\imagewatch-${hash}`;
  const inDir = path.join(dir, 'owner.sock');
  return Buffer.byteLength(inDir) < 100 ? inDir : path.join(os.tmpdir(), `imagewatch-${hash}.sock`);
}

/** Reads one newline-ended line of at most `max` bytes; resolves null if the peer closes first. */
function readLine(socket: net.Socket, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const done = (value: string | null, err?: Error): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      // Bounded whether or not the line has ended in this chunk.
      if ((newline >= 0 ? newline : buffered.length) > max) done(null, new Error(`message over ${max} bytes`));
      else if (newline >= 0) done(buffered.slice(0, newline));
    };
    const onEnd = (): void => done(null);
    const onError = (err: Error): void => done(null, err);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
  });
}

export interface ChannelServer {
  /** Stops taking connections and waits for the requests already taken. */
  close(): Promise<void>;
}

export interface ChannelOptions {
  /** How long a client may take to send its line; tests shorten it. */
  requestTimeoutMs?: number;
}

export async function startChannel(address: string, token: string, handler: HandoffHandler, options: ChannelOptions = {}): Promise<ChannelServer> {
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const pending = new Set<Promise<unknown>>();
  // Connections whose request has not arrived yet: a client that connects and sends nothing
  // must hold neither the owner's shutdown nor a socket for long.
  const reading = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const work = (async () => {
      let response: HandoffResponse;
      try {
        reading.add(socket);
        socket.setTimeout(requestTimeoutMs, () => socket.destroy());
        const line = await readLine(socket, MAX_REQUEST).finally(() => {
          reading.delete(socket);
          socket.setTimeout(0);
        });
        if (line === null) return;
        let parsed: HandoffRequest;
        try {
          parsed = HandoffRequestSchema.parse(JSON.parse(line));
        } catch (err) {
          const message = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') : 'not JSON';
          response = { ok: false, failure: { kind: 'bad-request', message: `bad handoff request: ${message}` } };
          socket.end(`${JSON.stringify(response)}\n`);
          return;
        }
        if (!sameSecret(parsed.token, token)) {
          socket.end(`${JSON.stringify({ ok: false, failure: { kind: 'bad-request', message: 'bad handoff token' } })}\n`);
          return;
        }
        const { token: _token, ...work } = parsed;
        response = await handler(work);
      } catch (err) {
        response = { ok: false, failure: { kind: 'failed', message: (err as Error).message } };
      }
      if (!socket.destroyed) socket.end(`${JSON.stringify(response)}\n`);
    })();
    socket.on('error', () => undefined);
    pending.add(work);
    void work.finally(() => pending.delete(work));
  });
  if (!address.startsWith('\\\\')) {
    // We hold the directory's lock, so a socket file here is a dead owner's leftover.
    await unlink(address).catch(() => undefined);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (!address.startsWith('\\\\')) await chmod(address, 0o600);
  return {
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of reading) socket.destroy();
      await closed;
      await Promise.allSettled([...pending]);
    },
  };
}

/**
 * Connects, or throws ChannelUnreachableError (no listener: the owner is starting, ending or dead;
 * or an address no socket can have, as a damaged owner.json may hold). It throws nothing else.
 */
export function connectChannel(address: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    try {
      socket = net.createConnection(address);
    } catch (err) {
      // An empty address is taken for a TCP port and thrown at once.
      reject(new ChannelUnreachableError(`no socket at ${JSON.stringify(address)}: ${(err as Error).message}`));
      return;
    }
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (err: Error): void => {
      socket.destroy();
      reject(new ChannelUnreachableError(err.message));
    };
    socket.once('error', onError);
  });
}

/** Sends one request on a connected socket and reads the answer. */
export async function exchange(socket: net.Socket, request: HandoffRequest): Promise<HandoffResponse> {
  const answer = readLine(socket, MAX_ANSWER);
  socket.write(`${JSON.stringify(request)}\n`);
  const line = await answer.finally(() => socket.destroy());
  if (line === null) throw new Error('the owning imagewatch ended before it answered; see its log, then run the command again');
  const parsed = JSON.parse(line) as HandoffResponse;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.ok !== 'boolean') throw new Error('the owning imagewatch sent an unreadable answer');
  return parsed;
}
