// `imagewatch serve`: the window and the contract over HTTP, events over server-sent events,
// and the origin's admin endpoint. Loopback by default; every request must pass the guard.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ApiEvent } from '../../shared/api.js';
import type { AppController } from '../core/app/controller.js';
import { ApiError, dispatch } from '../core/app/dispatch.js';
import { handleAdminRefresh } from './admin.js';
import { sameSecret } from '../core/util/same-secret.js';
import { allowedHosts, bearer, checkHostAndOrigin, presentedToken, SESSION_COOKIE } from './guard.js';
import { securityHeaders, serveStatic } from './static.js';
import { windowPage } from './window-page.js';
import type { CoreMetrics } from '../core/metrics/metrics.js';

export interface ServeOptions {
  controller: AppController;
  /** Served at /metrics (Bearer token, unless the `metrics.public` setting). */
  metrics?: CoreMetrics;
  token: string;
  host: string;
  port: number;
  staticDir: string;
  /** The window's server-side build (window-page.ts); without it the page draws itself. */
  windowRenderer?: string;
  /** Problems worth an operator's eye that are not a request's answer. */
  log?: (line: string) => void;
  /** Extra `host[:port]` names the page may be reached by (for a LAN bind). */
  allowHosts?: string[];
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError({ error: `request body over ${MAX_BODY} bytes`, code: 'invalid-argument' }, 413);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { args: [] };
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError({ error: 'request body is not valid JSON', code: 'invalid-argument' }, 400);
  }
}

export function startServer(options: ServeOptions): Promise<RunningServer> {
  const { controller, token } = options;
  let hosts = allowedHosts(options.host, options.port, options.allowHosts);
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = controller.onEvent((event: ApiEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  const page = options.windowRenderer
    ? windowPage({
        template: path.join(options.staticDir, 'index.html'),
        renderer: options.windowRenderer,
        state: () => controller.getState(),
        log: options.log ?? (() => undefined),
      })
    : undefined;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      const apiError = err instanceof ApiError ? err : new ApiError({ error: (err as Error).message, code: 'internal' }, 500);
      if (!res.headersSent) json(res, apiError.status, apiError.body);
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    securityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    // For uptime checks and Prometheus on other machines: neither uses a cookie, so the Host
    // and Origin rules that guard the cookie-carrying window do not apply to them.
    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const health = controller.health();
      json(res, health.status === 'ok' ? 200 : 503, health);
      return;
    }
    if (url.pathname === '/metrics' && options.metrics && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!controller.metricsPublic && !sameSecret(bearer(req), token)) {
        res.setHeader('www-authenticate', 'Bearer realm="imagewatch"');
        json(res, 401, { error: 'missing or wrong bearer token (or set metrics.public in the config)' });
        return;
      }
      const text = await options.metrics.text();
      res.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
      return;
    }
    const verdict = checkHostAndOrigin(req, hosts);
    if (!verdict.ok) {
      json(res, verdict.status, { error: verdict.reason, code: 'forbidden' });
      return;
    }

    if (url.pathname === '/admin/workspace-images/refresh') {
      if (!sameSecret(bearer(req), token)) {
        res.setHeader('www-authenticate', 'Bearer realm="imagewatch"');
        json(res, 401, { error: 'missing or wrong bearer token' });
        return;
      }
      await handleAdminRefresh(controller, req, res, url);
      return;
    }

    // The printed URL carries the token once; it becomes a same-site cookie and leaves the address bar.
    const queryToken = url.searchParams.get('token');
    if (req.method === 'GET' && queryToken !== null && sameSecret(queryToken, token)) {
      res.setHeader('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(303, { location: url.pathname }).end();
      return;
    }
    if (!sameSecret(presentedToken(req), token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('imagewatch: open the URL that `imagewatch serve` printed (it carries the access token).\n');
      return;
    }

    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') throw new ApiError({ error: 'use GET', code: 'invalid-argument' }, 405);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`data: ${JSON.stringify({ type: 'app-changed', state: controller.getState() } satisfies ApiEvent)}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') throw new ApiError({ error: 'use POST with {"args":[...]}', code: 'invalid-argument' }, 405);
      const body = await readBody(req);
      const args = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { args?: unknown }).args : undefined;
      const result = await dispatch(controller, url.pathname.slice('/api/'.length), args ?? []);
      json(res, 200, { result });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError({ error: 'not found', code: 'unknown-method' }, 404);
    await serveStatic(options.staticDir, url.pathname, res, page && (() => page(url)));
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      hosts = allowedHosts(options.host, port, options.allowHosts);
      const shown = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
      resolve({
        port,
        url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/?token=${token}`,
        close: () =>
          new Promise((done) => {
            unsubscribe();
            clearInterval(heartbeat);
            for (const res of streams) res.end();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
