// Running one hook inside a container: `sh -c <command>` through the engine's exec, its output
// (stdout and stderr, as the engine multiplexes them) kept to the last few kilobytes, and its
// exit code. The engine offers no way to stop an exec, so a hook past its timeout is left to
// finish inside the container while the update goes on without it (pre-update: not replaced).
import type { Duplex } from 'node:stream';
import { engineMessage } from '../../engines/connect.js';
import type { ContainerHandle } from '../../engines/client.js';
import { safeText } from '../../util/safe-text.js';
import type { Hook } from './read.js';

export interface HookRun {
  exitCode: number;
  /** The hook's last output, escapes stripped, the container's own env values masked, bounded. */
  output: string;
}

/** Output kept while the hook runs: the end says what went wrong, the start rarely does. */
const KEEP_BYTES = 16 * 1024;
/** Output shown in an outcome or a log line. */
const SHOW_CHARS = 400;

/**
 * Reads the engine's multiplexed exec stream (8-byte frame headers, then the payload) as it
 * comes, keeping only the last KEEP_BYTES of payload. Hand-written: docker-modem's demuxer
 * wants two writable streams and keeps nothing bounded.
 */
export class BoundedDemux {
  private pending: Buffer = Buffer.alloc(0);
  private kept: Buffer[] = [];
  private keptBytes = 0;

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) return;
      this.keep(this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }

  private keep(payload: Buffer): void {
    this.kept.push(Buffer.from(payload));
    this.keptBytes += payload.length;
    while (this.keptBytes - (this.kept[0]?.length ?? 0) >= KEEP_BYTES) this.keptBytes -= this.kept.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.kept);
    return all.subarray(Math.max(0, all.length - KEEP_BYTES)).toString('utf8');
  }
}

/** Runs `hook` in `container`; throws (with the reason) when it cannot be run or does not end in time. */
export async function runHook(container: ContainerHandle, hook: Hook, secrets: readonly string[]): Promise<HookRun> {
  let exec;
  let stream: Duplex;
  try {
    exec = await container.exec({ Cmd: ['sh', '-c', hook.command], AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
    stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  } catch (err) {
    throw new Error(`${hook.when} hook could not be started: ${safeText(engineMessage(err), { secrets, max: 300 })}`, { cause: err });
  }
  const demux = new BoundedDemux();
  const ended = new Promise<'ended'>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => demux.push(chunk));
    stream.on('end', () => resolve('ended'));
    stream.on('close', () => resolve('ended'));
    stream.on('error', reject);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), hook.timeoutMs);
  });
  const output = (): string => safeText(demux.text(), { secrets, max: SHOW_CHARS });
  try {
    const how = await Promise.race([ended, timedOut]);
    if (how === 'timeout') {
      stream.destroy();
      const said = output();
      throw new Error(`${hook.when} hook did not finish within ${Math.round(hook.timeoutMs / 1000)}s${said ? `; last output: ${said}` : ''}`);
    }
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(`${hook.when} hook`)) throw err;
    throw new Error(`${hook.when} hook's output could not be read: ${safeText(engineMessage(err), { secrets, max: 300 })}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  // The stream ends as the process exits; the engine may take a moment more to record the code.
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return { exitCode: info.ExitCode, output: output() };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${hook.when} hook ended but the engine reports no exit code`);
}
