// One bounded HTTP exchange with a registry: a timeout over connect, headers and body, a cap
// on the body size, and errors that name the URL and the cause.
import { request, type Dispatcher } from '../util/undici.js';
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
  dispatcherFor: (url: URL) => Dispatcher;
  timeoutMs: number;
  userAgent: string;
  onRequest: () => void;
  /** Told every answer's status, or 'error' when none came (metrics). */
  onAnswer?: (url: URL, status: number | 'error') => void;
}

export function makeSend(options: SendOptions): Send {
  const { dispatcherFor, timeoutMs, userAgent } = options;
  return async (method, url, headers, signal, body) => {
    const bound = linkedSignal([signal], timeoutMs);
    options.onRequest();
    try {
      const res = await request(url, {
        method,
        headers: { 'user-agent': userAgent, ...headers },
        body,
        dispatcher: dispatcherFor(url),
        signal: bound.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // undici closes the connection after every HEAD (for servers that wrongly send a body
        // with one). Registries do not, and a lookup is a HEAD: without this each lookup pays a
        // new TCP (and TLS) handshake.
        ...(method === 'HEAD' ? { reset: false } : {}),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > MAX_BODY_BYTES) {
          res.body.destroy();
          throw new RegistryError(`${method} ${url.href}: response larger than ${MAX_BODY_BYTES} bytes`);
        }
        chunks.push(buf);
      }
      options.onAnswer?.(url, res.statusCode);
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
    } catch (err) {
      if (!(err instanceof RegistryError)) options.onAnswer?.(url, 'error');
      if (err instanceof RegistryError) throw err;
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
