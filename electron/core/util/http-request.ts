// One HTTP exchange on Node's own client, with the body read up to a cap. Why not undici (a
// well-kept client imagewatch used before): Node's client is already loaded for the Docker
// connection, and undici cost a daemon 12–20 MB more (its modules, its WebAssembly parser, its
// per-request allocations), measured with 200 images checked back to back. TLS (node:https)
// is loaded only when a URL needs it.
import http from 'node:http';
import type https from 'node:https';

export interface HttpAnswer {
  status: number;
  /** Lower-case names; a header sent more than once (WWW-Authenticate) is an array. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpRequestOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  agent: http.Agent;
  /** Aborts the exchange: the caller's stop and its timeout. */
  signal: AbortSignal;
  maxBodyBytes: number;
  /** Past the cap: fail (a registry's answer must be whole), or keep the start and read on (an answer only shown in an error). */
  overflow?: 'fail' | 'truncate';
  /** The private CA a TLS connection must chain to, if the host has one. */
  ca?: Buffer;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

let httpsModule: Promise<typeof https> | undefined;
export const loadHttps = (): Promise<typeof https> => (httpsModule ??= import('node:https').then((m) => m.default));

function headersOf(res: http.IncomingMessage): HttpAnswer['headers'] {
  const out: HttpAnswer['headers'] = {};
  for (const [name, values] of Object.entries(res.headersDistinct)) {
    if (values) out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

function once(request: typeof http.request, url: URL, options: HttpRequestOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // Settled once: a capped body ends the exchange, whatever the socket says after.
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const headers = { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) };
    const req = request(
      url,
      { method: options.method, headers, agent: options.agent, signal: options.signal, ...(options.ca ? { ca: options.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          const room = options.maxBodyBytes - size;
          size += chunk.length;
          if (size <= options.maxBodyBytes) {
            chunks.push(chunk);
            return;
          }
          if (options.overflow === 'truncate') {
            if (room > 0) chunks.push(chunk.subarray(0, room));
            return;
          }
          fail(new BodyTooLargeError(options.maxBodyBytes));
          req.destroy();
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: headersOf(res), body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('connection closed before the whole response came'), { code: 'ECONNRESET' }));
        });
      },
    );
    req.on('error', (err) => fail(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(options.body);
  });
}

/**
 * Sends one request. A GET or HEAD that fails on a kept-alive connection the server has just
 * closed is sent once more on a new one, as Node's documentation advises: the server closes idle
 * connections on its own clock, and that race is no fault of the registry's.
 */
export async function httpRequest(url: URL, options: HttpRequestOptions): Promise<HttpAnswer> {
  const request = url.protocol === 'https:' ? (await loadHttps()).request : http.request;
  try {
    return await once(request, url, options);
  } catch (err) {
    const { code, reusedSocket } = err as { code?: string; reusedSocket?: boolean };
    const idempotent = options.method === 'GET' || options.method === 'HEAD';
    if (!idempotent || !reusedSocket || options.signal.aborted || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw err;
    return once(request, url, options);
  }
}
