// The contract over HTTP, for the window served by `imagewatch serve`. The session cookie set
// from the printed URL authenticates both calls and the event stream.
import { API_METHODS, type ApiEvent, type ApiMethod, type ImagewatchApi } from '../../../shared/api.js';

export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
  const res = await fetch(`./api/${method}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args }),
  });
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status}`, code: 'internal' }))) as { result?: unknown; error?: string; code?: string };
  if (!res.ok) throw new ApiCallError(body.error ?? `HTTP ${res.status}`, body.code ?? 'internal');
  return body.result;
}

export function httpApi(): ImagewatchApi {
  const listeners = new Set<(event: ApiEvent) => void>();
  let source: EventSource | null = null;
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) api[method] = (...args: unknown[]) => call(method, args);
  api.onEvent = (listener: (event: ApiEvent) => void) => {
    listeners.add(listener);
    if (!source) {
      source = new EventSource('./api/events');
      source.onmessage = (message: MessageEvent<string>) => {
        const event = JSON.parse(message.data) as ApiEvent;
        for (const l of listeners) l(event);
      };
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        source?.close();
        source = null;
      }
    };
  };
  return api as unknown as ImagewatchApi;
}
