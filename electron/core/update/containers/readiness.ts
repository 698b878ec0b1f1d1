// When a started replacement counts as ready: running and staying so for the grace period,
// or healthy when it has a healthcheck. A failure says why, with the container's last output.
import { lastLogLines } from '../../docker/logs.js';
import { safeText } from '../../util/safe-text.js';
import { abortableSleep } from '../../util/time.js';
import type { ReplaceOptions } from './frame.js';
import type { ContainerHandle, ContainerInspect } from '../../engines/client.js';

/** The container's configured values, masked wherever its output is shown. */
export function envSecrets(info: Pick<ContainerInspect, 'Config'>): string[] {
  return (info.Config.Env ?? []).map((e) => e.slice(e.indexOf('=') + 1));
}

function hasHealthcheck(info: ContainerInspect): boolean {
  const test = info.Config.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

async function describeExit(container: ContainerHandle, info: ContainerInspect): Promise<string> {
  const state = info.State;
  // Output and engine errors are the container's text: escapes stripped, its own env values masked.
  const secrets = envSecrets(info);
  const logs = safeText(await lastLogLines(container, 3).catch(() => ''), { secrets, max: 300 });
  const what = state.Restarting ? 'keeps restarting' : `exited (code ${state.ExitCode})`;
  const error = state.Error ? safeText(state.Error, { secrets, max: 200 }) : '';
  return `new container ${what}${error ? `: ${error}` : ''}${logs ? `; last output: ${logs}` : ''}`;
}

/**
 * Waits until the container is running and stays so (or turns healthy); throws with the reason
 * otherwise. `health: false` waits out the grace period even where a healthcheck exists.
 */
export async function waitReady(container: ContainerHandle, options: ReplaceOptions, judge: { health: boolean } = { health: true }): Promise<void> {
  const poll = options.pollMs ?? 200;
  const started = Date.now();
  const first = await container.inspect();
  const restarts = first.RestartCount;
  const health = judge.health && hasHealthcheck(first);
  if (health) options.onStep?.('wait-healthy');
  for (;;) {
    const info = await container.inspect();
    const state = info.State;
    if (!state.Running || state.Restarting || info.RestartCount !== restarts) {
      throw new Error(await describeExit(container, info));
    }
    const elapsed = Date.now() - started;
    if (health) {
      const status = state.Health?.Status;
      if (status === 'healthy') return;
      if (status === 'unhealthy') {
        const last = safeText(state.Health?.Log?.at(-1)?.Output ?? '', { secrets: envSecrets(info), max: 200 });
        throw new Error(`new container is unhealthy${last ? `: ${last}` : ''}`);
      }
      if (elapsed >= options.healthTimeoutMs) {
        throw new Error(`new container not healthy after ${Math.round(options.healthTimeoutMs / 1000)}s (status ${status ?? 'none'})`);
      }
    } else if (elapsed >= options.startGraceMs) {
      return;
    }
    await abortableSleep(poll);
  }
}
