// Pulling an image and reading the engine's progress stream. The engine reports most pull
// failures (a blob that 500s, a layer that fails to extract) as an `error` line inside a
// stream that began with HTTP 200; the origin ignored those and called the pull a success.
import { linkedSignal } from '../util/linked-signal.js';
import type { PullCounters } from '../../../shared/dto.js';
import { engineMessage } from '../engines/connect.js';
import { PullError } from '../errors.js';
import type { EngineClient } from '../engines/client.js';

export type PullProgress = PullCounters & { status?: string };

export interface PullOptions {
  platform?: string;
  authconfig?: { username?: string; password?: string; identitytoken?: string; serveraddress: string };
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
  /** Abort when the stream shows no progress for this long; a stalled registry must not hang a refresh. */
  stallMs?: number;
}

export interface PullOutcome {
  /** From the engine's `Digest: sha256:…` line, when it printed one. */
  digest?: string;
}

interface StreamEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** Folds the per-layer events into totals a UI can show. */
export class PullTracker {
  private readonly layers = new Map<string, { current: number; total: number; done: boolean }>();
  digest: string | undefined;
  error: string | undefined;

  feed(event: StreamEvent): boolean {
    if (event.error !== undefined || event.errorDetail?.message !== undefined) {
      this.error ??= event.errorDetail?.message ?? event.error ?? 'unknown pull error';
      return false;
    }
    const status = event.status ?? '';
    const digest = /^Digest: (sha256:[a-f0-9]{64})$/.exec(status);
    if (digest) this.digest = digest[1];
    if (!event.id || status.startsWith('Pulling from')) return false;
    // Only layer lines carry an id that is a short hex layer id.
    if (!/^[a-f0-9]{12,64}$/.test(event.id)) return false;
    const layer = this.layers.get(event.id) ?? { current: 0, total: 0, done: false };
    if (status === 'Downloading' && event.progressDetail) {
      layer.current = event.progressDetail.current ?? layer.current;
      layer.total = event.progressDetail.total ?? layer.total;
    } else if (status === 'Download complete' || status === 'Verifying Checksum') {
      layer.current = layer.total;
    } else if (status === 'Pull complete' || status === 'Already exists') {
      layer.current = layer.total;
      layer.done = true;
    }
    this.layers.set(event.id, layer);
    return true;
  }

  snapshot(status?: string): PullProgress {
    let layersDone = 0;
    let bytesCurrent = 0;
    let bytesTotal = 0;
    for (const layer of this.layers.values()) {
      if (layer.done) layersDone++;
      bytesCurrent += layer.current;
      bytesTotal += layer.total;
    }
    const out: PullProgress = { layersDone, layersTotal: this.layers.size, bytesCurrent, bytesTotal };
    if (status !== undefined) out.status = status;
    return out;
  }
}

/**
 * Aborts a pull whose stream has been silent for `ms`: every chunk counts as progress, since
 * the engine sends a line per layer step and byte batch. Without `ms` it never fires.
 */
class StallWatch {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private stream: { destroy?: (err?: Error) => void } | null = null;

  constructor(
    private readonly name: string,
    private readonly ms: number | undefined,
  ) {
    this.progress();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error to report when the stall fired, else null. */
  get reason(): PullError | null {
    return this.controller.signal.aborted ? (this.controller.signal.reason as PullError) : null;
  }

  watch(stream: NodeJS.ReadableStream): void {
    this.stream = stream as unknown as { destroy?: (err?: Error) => void };
  }

  progress(): void {
    if (this.ms === undefined) return;
    const ms = this.ms;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.controller.abort(new PullError(`pull ${this.name}: no progress for ${Math.round(ms / 1000)}s (pullStallSeconds); aborted`));
      this.stream?.destroy?.(this.reason!);
    }, ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export async function pullImage(docker: EngineClient, name: string, options: PullOptions = {}): Promise<PullOutcome> {
  const stall = new StallWatch(name, options.stallMs);
  const linked = linkedSignal([stall.signal, options.signal]);
  const pullOptions: Record<string, unknown> = {
    abortSignal: linked.signal,
  };
  if (options.platform) pullOptions.platform = options.platform;
  if (options.authconfig) pullOptions.authconfig = options.authconfig;
  try {
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await docker.pull(name, pullOptions)) as NodeJS.ReadableStream;
    } catch (err) {
      throw stall.reason ?? new PullError(`pull ${name}: ${engineMessage(err)}`);
    }
    stall.watch(stream);

    const tracker = new PullTracker();
    let buffered = '';
    const handleLine = (line: string): void => {
      if (!line.trim()) return;
      let event: StreamEvent;
      try {
        event = JSON.parse(line) as StreamEvent;
      } catch {
        tracker.error ??= `unreadable line in pull stream: ${line.slice(0, 200)}`;
        return;
      }
      if (tracker.feed(event)) options.onProgress?.(tracker.snapshot(event.status));
    };
    try {
      for await (const chunk of stream) {
        stall.progress();
        buffered += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          handleLine(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
      }
      handleLine(buffered);
    } catch (err) {
      throw stall.reason ?? new PullError(`pull ${name}: stream broke: ${engineMessage(err)}`);
    }
    if (stall.reason) throw stall.reason;
    if (tracker.error !== undefined) throw new PullError(`pull ${name}: ${tracker.error}`);
    const outcome: PullOutcome = {};
    if (tracker.digest !== undefined) outcome.digest = tracker.digest;
    return outcome;
  } finally {
    stall.stop();
    linked.dispose();
  }
}
