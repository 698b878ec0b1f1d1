// The work a client may hand to the owner, and how its failures cross the channel and come
// back as the same errors the CLI prints (unknown runtime: exit 2; listing failed: the
// origin's partial result).
import type { CheckRun, RefreshResult } from '../../../shared/dto.js';
import type { HandoffHandler, HandoffResponse, HandoffWork } from './channel.js';
import type { ClientClaim } from './claim.js';
import { RefreshListError, UnknownEngineError, UnknownRuntimeError } from '../errors.js';

export interface HandoffTarget {
  /** `engines`: only these (the CLI's --engine); every engine when absent or empty. */
  check(autoRefresh: boolean, engines?: string[]): Promise<CheckRun>;
  /** `toTag`: move the one runtime's containers to that tag (refresh --to-tag). */
  refresh(runtimes: string[], pullOnly: boolean, engines?: string[], toTag?: string): Promise<RefreshResult>;
}

export function handoffHandler(target: HandoffTarget): HandoffHandler {
  return async (work: HandoffWork): Promise<HandoffResponse> => {
    try {
      if (work.method === 'check') return { ok: true, result: await target.check(work.autoRefresh, work.engines) };
      return { ok: true, result: await target.refresh(work.runtimes, work.pullOnly, work.engines, work.toTag) };
    } catch (err) {
      if (err instanceof UnknownRuntimeError)
        return { ok: false, failure: { kind: 'unknown-runtime', message: err.message, runtime: err.runtime, known: err.known } };
      if (err instanceof UnknownEngineError)
        return { ok: false, failure: { kind: 'unknown-engine', message: err.message, engine: err.engine, known: err.known } };
      if (err instanceof RefreshListError) return { ok: false, failure: { kind: 'list-failed', message: err.message, partial: err.partial } };
      return { ok: false, failure: { kind: 'failed', message: (err as Error).message } };
    }
  };
}

function unwrap(response: HandoffResponse): CheckRun | RefreshResult {
  if (response.ok) return response.result;
  const failure = response.failure;
  switch (failure.kind) {
    case 'unknown-runtime':
      throw new UnknownRuntimeError(failure.runtime, failure.known);
    case 'unknown-engine':
      throw new UnknownEngineError(failure.engine, failure.known);
    case 'list-failed':
      throw new RefreshListError(failure.message, failure.partial);
    default:
      throw new Error(failure.message);
  }
}

/** The owner, seen from a client, as the same target the owner itself works on. */
export function remoteTarget(client: ClientClaim): HandoffTarget {
  return {
    check: async (autoRefresh, engines) => unwrap(await client.send({ method: 'check', autoRefresh, ...(engines?.length ? { engines } : {}) })) as CheckRun,
    refresh: async (runtimes, pullOnly, engines, toTag) =>
      unwrap(
        await client.send({ method: 'refresh', runtimes, pullOnly, ...(engines?.length ? { engines } : {}), ...(toTag ? { toTag } : {}) }),
      ) as RefreshResult,
  };
}
