// One ssh session as the socket an HTTP request is written to: bytes written go to ssh's stdin,
// ssh's stdout is what is read. Node's http.Agent treats its connections as net.Sockets, so the
// few socket methods it calls (keep-alive, no-delay, idle timeout, ref/unref) are given their
// meaning for a child process here.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';

/** Makes the error a failed session ends with, from what ssh wrote to stderr and its exit code. */
export type SessionFailure = (stderr: string, code: number | null, spawnError?: Error) => Error;

/** ssh's stderr kept for the error: its last lines are the ones that say why. */
const STDERR_KEPT = 4096;

export class SshStream extends Duplex {
  /** As net.Socket's: the idle timeout in ms; http.Agent reads it. */
  timeout = 0;
  private stderr = '';
  private received = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Whether this session holds the process open (http.Agent unrefs a session it keeps unused). */
  private referenced = true;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    failure: SessionFailure,
  ) {
    super();
    child.stdout.on('data', (chunk: Buffer) => {
      this.received = true;
      this.touch();
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEPT);
    });
    // Writing after ssh exited fails with EPIPE; the exit below says why it exited.
    child.stdin.on('error', () => undefined);
    child.once('error', (err) => this.destroy(failure(this.stderr, null, err)));
    child.once('close', (code) => {
      // A session that ends before the engine said anything never reached it: that is ssh's
      // failure to report. One that ends after answering is a connection closed, as a socket's.
      // Either way it is gone, so it leaves the agent's free list (a closed socket does).
      if (!this.received && code !== 0) {
        this.destroy(failure(this.stderr, code));
        return;
      }
      this.push(null);
      if (this.readableLength === 0) this.destroy();
      else this.once('end', () => this.destroy());
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.touch();
    this.child.stdin.write(chunk, (err) => done(err ?? null));
  }

  override _final(done: (err?: Error | null) => void): void {
    this.child.stdin.end(() => done());
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    done(err);
  }

  /** As net.Socket: emits 'timeout' after `ms` with nothing read or written (0 turns it off). */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.timeout = ms;
    // As net.Socket: 0 with a callback takes that callback off (http's requests do this when done).
    if (onTimeout) {
      if (ms === 0) this.removeListener('timeout', onTimeout);
      else this.once('timeout', onTimeout);
    }
    this.touch();
    return this;
  }

  setKeepAlive(): this {
    return this; // ssh keeps the session alive itself (ServerAliveInterval)
  }

  setNoDelay(): this {
    return this;
  }

  /** As net.Socket: an unused session does not keep the process running (a CLI run exits). */
  unref(): this {
    this.referenced = false;
    for (const handle of this.handles()) handle.unref?.();
    this.idleTimer?.unref();
    return this;
  }

  ref(): this {
    this.referenced = true;
    for (const handle of this.handles()) handle.ref?.();
    this.idleTimer?.ref();
    return this;
  }

  /** The child and its pipes (net.Sockets underneath), each of which holds the event loop. */
  private handles(): Array<{ ref?: () => void; unref?: () => void }> {
    const { child } = this;
    return [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?: () => void; unref?: () => void }>;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.timeout <= 0 || this.destroyed) return;
    // A timer set after unref() must not hold the process either (the agent sets its idle
    // timeout right after unref-ing a session it keeps).
    this.idleTimer = setTimeout(() => this.emit('timeout'), this.timeout);
    if (!this.referenced) this.idleTimer.unref();
  }
}
