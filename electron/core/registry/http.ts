// One bounded HTTP exchange with a registry: a timeout over connect, headers and body, a cap
// on the body size, and errors that name the URL and the cause.
import type { Route } from './connections.js';
import { BodyTooLargeError, httpRequest } from '../util/http-request.js';
import { RegistryError } from '../errors.js';
import { linkedSignal } from '../util/linked-signal.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type Send = (
  method: 'GET' | 'HEAD' | 'POST',
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  body?: string,
) => Promise<RegistryResponse>;

export function header(res: RegistryResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every line of a header the server may send more than once (WWW-Authenticate). */
export function headerLines(res: RegistryResponse, name: string): string[] {
  const value = res.headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export interface SendOptions {
  routeFor: (url: URL) => Promise<Route>;
  timeoutMs: number;
  userAgent: string;
  onRequest: () => void;
  /** Told every answer's status, or 'error' when none came (metrics). */
  onAnswer?: (url: URL, status: number | 'error') => void;
}

export function makeSend(options: SendOptions): Send {
  const { routeFor, timeoutMs, userAgent } = options;
  return async (method, url, headers, signal, body) => {
    const bound = linkedSignal([signal], timeoutMs);
    options.onRequest();
    try {
      const route = await routeFor(url);
      const res = await httpRequest(url, {
        method,
        headers: { 'user-agent': userAgent, ...headers },
        ...(body !== undefined ? { body } : {}),
        agent: route.agent,
        ...(route.ca ? { ca: route.ca } : {}),
        signal: bound.signal,
        maxBodyBytes: MAX_BODY_BYTES,
      });
      options.onAnswer?.(url, res.status);
      return res;
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw new RegistryError(`${method} ${url.href}: response larger than ${MAX_BODY_BYTES} bytes`);
      options.onAnswer?.(url, 'error');
      if (bound.timedOut && !signal?.aborted) {
        throw new RegistryError(`${method} ${url.href}: timed out after ${timeoutMs} ms`);
      }
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
      throw new RegistryError(`${method} ${url.href}: ${cause ?? (err as Error).message}`);
    } finally {
      bound.dispose();
    }
  };
}
