// Following a Swarm service update to its end. Swarm reports it in the service's UpdateStatus:
// `updating` (or `rollback_started`) while it runs, then `completed`, `paused`,
// `rollback_completed` or `rollback_paused`. The status of an earlier update stays there until
// this one begins, so only a status that started after `since` counts. The wait is bounded by
// what the service's own update settings allow (batches × (delay + monitor + a task's start)).
import type { ServiceHandle, ServiceInspect, ServiceSpec, ServiceUpdateStatus, TaskSummary, EngineClient } from '../../engines/client.js';
import { abortableSleep } from '../../util/time.js';

/** A task's pull and start, beyond the service's own delay and monitor period. */
const TASK_START_MS = 60_000;
/** Swarm's own bookkeeping between batches, and the first status to appear. */
const MARGIN_MS = 30_000;
/** Swarm's defaults when the spec names none (docker service create's). */
const DEFAULT_MONITOR_NS = 5e9;

export type EndState = 'completed' | 'paused' | 'rollback_completed' | 'rollback_paused';
const END_STATES = new Set<string>(['completed', 'paused', 'rollback_completed', 'rollback_paused']);

export interface FollowOptions {
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export type Followed = { ended: true; state: EndState; message: string; service: ServiceInspect } | { ended: false; state: string; service: ServiceInspect };

/** How long an update (or rollback) of this service may take, from its own settings. */
export function updateBoundMs(spec: ServiceSpec | undefined, tasks: number, which: 'UpdateConfig' | 'RollbackConfig' = 'UpdateConfig'): number {
  const config = spec?.[which];
  const parallelism = config?.Parallelism ?? 1;
  const batches = parallelism <= 0 ? 1 : Math.ceil(Math.max(1, tasks) / parallelism);
  const perBatch = (config?.Delay ?? 0) / 1e6 + (config?.Monitor ?? DEFAULT_MONITOR_NS) / 1e6 + TASK_START_MS;
  return batches * perBatch + MARGIN_MS;
}

/** Whether this status belongs to an update that started after `since` (the previous one's start). */
function isNew(status: ServiceUpdateStatus | undefined, since: string | undefined): boolean {
  if (!status?.StartedAt) return false;
  return since === undefined || Date.parse(status.StartedAt) > Date.parse(since);
}

/** Polls the service until an update that started after `since` ends, or the bound passes. */
export async function followUpdate(service: ServiceHandle, since: string | undefined, boundMs: number, options: FollowOptions = {}): Promise<Followed> {
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, options.signal));
  const deadline = Date.now() + boundMs;
  for (;;) {
    const info = await service.inspect();
    const status = info.UpdateStatus;
    if (isNew(status, since) && status?.State && END_STATES.has(status.State)) {
      return { ended: true, state: status.State as EndState, message: status.Message ?? '', service: info };
    }
    if (Date.now() >= deadline) return { ended: false, state: isNew(status, since) ? (status?.State ?? 'unknown') : 'not started', service: info };
    await sleep(options.pollMs ?? 250);
  }
}

/** The tasks Swarm wants running for a service. */
export function desiredTasks(docker: EngineClient, serviceId: string): Promise<TaskSummary[]> {
  return docker.listTasks({ filters: { service: [serviceId], 'desired-state': ['running'] } });
}

/** The tasks Swarm wants running, in words: "2 of 2 tasks running" (with the first failure's message, if any). */
export async function tasksSummary(docker: EngineClient, serviceId: string): Promise<string> {
  let tasks: TaskSummary[];
  try {
    tasks = await desiredTasks(docker, serviceId);
  } catch {
    return 'tasks unknown';
  }
  const running = tasks.filter((t) => t.Status?.State === 'running').length;
  const failed = tasks.find((t) => t.Status?.Err);
  return `${running} of ${tasks.length} tasks running${failed ? ` (${failed.Status!.Err})` : ''}`;
}
