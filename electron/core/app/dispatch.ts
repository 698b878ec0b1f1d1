// One entry for every transport: validate the method name and its arguments against the
// contract, call the controller, and turn failures into the contract's error body.
import type { ApiErrorBody, ApiMethod } from '../../../shared/api.js';
import { InvalidArgumentError, isApiMethod, parseApiArgs } from '../../../shared/api-schemas.js';
import { type AppController } from './controller.js';
import type { EngineSetting } from '../../../shared/dto.js';
import { ConflictError, UnknownEngineError, UnknownRuntimeError } from '../errors.js';

export class ApiError extends Error {
  constructor(
    readonly body: ApiErrorBody,
    readonly status: number,
  ) {
    super(body.error);
    this.name = 'ApiError';
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof InvalidArgumentError) return new ApiError({ error: err.message, code: 'invalid-argument' }, 400);
  if (err instanceof UnknownRuntimeError) return new ApiError({ error: `unknown runtime: ${err.runtime}`, code: 'unknown-runtime' }, 404);
  if (err instanceof UnknownEngineError) return new ApiError({ error: err.message, code: 'unknown-engine' }, 404);
  if (err instanceof ConflictError) return new ApiError({ error: err.message, code: 'conflict' }, 409);
  return new ApiError({ error: err instanceof Error ? err.message : String(err), code: 'internal' }, 500);
}

type Handler = (controller: AppController, args: unknown[]) => Promise<unknown>;

const HANDLERS: Record<ApiMethod, Handler> = {
  getState: async (c) => c.getState(),
  checkNow: (c) => c.checkNow(),
  refresh: (c, [target, options]) => c.refresh(target as string, (options ?? {}) as { pullOnly?: boolean; engine?: string }),
  setAutoRefresh: (c, [enabled]) => c.setAutoRefresh(enabled as boolean),
  updateSettings: (c, [patch]) => c.updateSettings(patch as Parameters<AppController['updateSettings']>[0]),
  addRuntime: (c, [runtime]) => c.addRuntime(runtime as Parameters<AppController['addRuntime']>[0]),
  removeRuntime: (c, [name]) => c.removeRuntime(name as string),
  getHistory: (c, [name]) => c.getHistory(name as string),
  setCredential: (c, [credential]) => c.setCredential(credential as Parameters<AppController['setCredential']>[0]),
  removeCredential: (c, [registry]) => c.removeCredential(registry as string),
  useEngine: (c, [host]) => c.useEngine(host as string),
  addEngine: (c, [engine]) => c.addEngine(engine as EngineSetting),
  removeEngine: (c, [name]) => c.removeEngine(name as string),
  addChannel: (c, [channel]) => c.addChannel(channel as Parameters<AppController['addChannel']>[0]),
  removeChannel: (c, [id]) => c.removeChannel(id as string),
  testChannel: (c, [id]) => c.testChannel(id as string),
};

/** Validates and runs one call. Arguments that fail validation never reach the controller. */
export async function dispatch(controller: AppController, method: unknown, args: unknown): Promise<unknown> {
  if (!isApiMethod(method)) {
    throw new ApiError({ error: `unknown method: ${String(method).slice(0, 100)}`, code: 'unknown-method' }, 404);
  }
  let parsed: unknown[];
  try {
    parsed = parseApiArgs(method, args);
  } catch (err) {
    throw toApiError(err);
  }
  try {
    return await HANDLERS[method](controller, parsed);
  } catch (err) {
    throw toApiError(err);
  }
}
