// A loopback front end for the bed's open registry that behaves like a distant public one:
// every response is held back one round trip, a new connection pays two more (the TCP and TLS
// handshakes a real HTTPS registry costs), and manifests need a Bearer token from its /token
// endpoint, as Docker Hub's and GHCR's do (several `scope`s per request allowed). It counts
// what a client costs: manifest requests, token requests, 401s and new connections.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxyCounts {
  manifests: number;
  /** Blob GETs (an image's config, read for its labels when a tag moves). */
  blobs: number;
  /** Tag list pages (newer version tags). */
  tagLists: number;
  tokens: number;
  unauthorized: number;
  connections: number;
}

export interface ProxyOptions {
  upstream: string;
  rttMs: number;
  tokenLifetimeS: number;
}

export interface ProxyServer {
  host: string;
  counts: ProxyCounts;
  reset(): void;
  close(): Promise<void>;
}

/** The proxy itself; `startLatencyProxy` (latency-proxy.ts) runs it in a process of its own. */
export async function serveLatencyProxy(options: ProxyOptions): Promise<ProxyServer> {
  const counts: ProxyCounts = { manifests: 0, blobs: 0, tagLists: 0, tokens: 0, unauthorized: 0, connections: 0 };
  const tokens = new Map<string, { scopes: Set<string>; until: number }>();
  const fresh = new WeakSet<Socket>();
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let host = '';

  const later = (socket: Socket, send: () => void): void => {
    const handshake = fresh.has(socket) ? 2 * options.rttMs : 0;
    fresh.delete(socket);
    setTimeout(send, options.rttMs + handshake);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      counts.tokens++;
      const token = randomBytes(16).toString('hex');
      tokens.set(token, { scopes: new Set(url.searchParams.getAll('scope')), until: Date.now() + options.tokenLifetimeS * 1000 });
      later(req.socket, () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token, expires_in: options.tokenLifetimeS }));
      });
      return;
    }
    const repo = /^\/v2\/(.+)\/(?:manifests\/|tags\/list$)/.exec(url.pathname)?.[1];
    if (repo) {
      const grant = tokens.get(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
      if (!grant || grant.until < Date.now() || !grant.scopes.has(`repository:${repo}:pull`)) {
        counts.unauthorized++;
        later(req.socket, () => {
          res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="bench"`, 'content-type': 'application/json' });
          res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        });
        return;
      }
      if (url.pathname.endsWith('/tags/list')) counts.tagLists++;
      else counts.manifests++;
    }
    if (/^\/v2\/.+\/blobs\//.test(url.pathname)) counts.blobs++;
    const headers = { ...req.headers, host: options.upstream };
    delete headers.authorization;
    const forward = http.request(
      { host: options.upstream.split(':')[0], port: Number(options.upstream.split(':')[1]), method: req.method, path: req.url, headers, agent: upstream },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () =>
          later(req.socket, () => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(chunks));
          }),
        );
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 10 * 60_000;
  server.on('connection', (socket: Socket) => {
    counts.connections++;
    fresh.add(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    counts,
    reset: () => Object.assign(counts, { manifests: 0, blobs: 0, tagLists: 0, tokens: 0, unauthorized: 0, connections: 0 }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        upstream.destroy();
        server.close(() => r());
      }),
  };
}
