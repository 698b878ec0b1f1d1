// A loopback HTTP proxy in front of a real test registry, for injecting the faults a real
// registry will not produce on demand: 429s, missing or malformed digest headers, 500s on
// blobs, silence. Everything it does not intercept goes through untouched.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; times?: number }
  | { kind: 'strip-digest' }
  | { kind: 'digest'; value: string }
  | { kind: 'hang' }
  /** Headers and the first bytes of the body go through, then nothing more. */
  | { kind: 'stall-body'; bytes: number }
  /** Requests without a Bearer token get a 401 sending them to this realm; others pass, token stripped. */
  | { kind: 'bearer-challenge'; realm: string }
  /** A 401 from upstream gets these WWW-Authenticate lines before its own (an SSO front end's). */
  | { kind: 'extra-challenges'; before: string[] }
  /**
   * The tags API paged as Docker Hub, GHCR and distribution 3 page it (`n=`, `last=`, and a
   * `Link: <…>; rel="next"`), which the bed's registry 2.8 does not: upstream's list, sorted, cut.
   */
  | { kind: 'page-tags' };

export interface FaultProxy {
  host: string;
  /** Requests seen, as `METHOD /path`. */
  seen: string[];
  /** The same requests with who sent them (User-Agent), to tell imagewatch's lookups from an engine's pulls. */
  requests: Array<{ method: string; path: string; agent: string }>;
  /** `agent`: the request's User-Agent, to fault an engine's pulls and not imagewatch's own reads. */
  setFault(match: (method: string, path: string, agent: string) => boolean, fault: Fault | null): void;
  close(): Promise<void>;
}

export function startFaultProxy(target: string): Promise<FaultProxy> {
  const seen: string[] = [];
  const requests: FaultProxy['requests'] = [];
  let rule: { match: (method: string, path: string, agent: string) => boolean; fault: Fault } | null = null;
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    seen.push(`${method} ${path}`);
    requests.push({ method, path, agent: req.headers['user-agent'] ?? '' });
    const fault = rule && rule.match(method, path, req.headers['user-agent'] ?? '') ? rule.fault : null;
    if (fault?.kind === 'hang') {
      hanging.add(res);
      return;
    }
    if (fault?.kind === 'bearer-challenge') {
      if (!/^Bearer /i.test(req.headers.authorization ?? '')) {
        res.writeHead(401, {
          'content-type': 'application/json',
          'docker-distribution-api-version': 'registry/2.0',
          'www-authenticate': `Bearer realm="${fault.realm}",service="fake"`,
        });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'injected challenge' }] }));
        return;
      }
      delete req.headers.authorization;
    }
    if (fault?.kind === 'status') {
      if (fault.times !== undefined) {
        fault.times--;
        if (fault.times <= 0) rule = null;
      }
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify({ errors: [{ code: 'INJECTED', message: `injected ${fault.status}` }] }));
      return;
    }
    if (fault?.kind === 'page-tags') {
      const url = new URL(path, 'http://proxy');
      const whole = http.request({ host: target.split(':')[0], port: Number(target.split(':')[1]), method, path: url.pathname, headers: req.headers }, (up) => {
        let body = '';
        up.on('data', (d: Buffer) => (body += d.toString()));
        up.on('end', () => {
          const doc = JSON.parse(body) as { name: string; tags: string[] };
          const n = Number(url.searchParams.get('n') ?? '100');
          const last = url.searchParams.get('last');
          const sorted = [...doc.tags].sort();
          const from = last === null ? 0 : sorted.findIndex((t) => t > last);
          const page = from < 0 ? [] : sorted.slice(from, from + n);
          const more = from >= 0 && from + n < sorted.length;
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (more) headers.link = `<${url.pathname}?n=${n}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`;
          res.writeHead(200, headers);
          res.end(JSON.stringify({ name: doc.name, tags: page }));
        });
      });
      whole.end();
      return;
    }
    const upstream = http.request({ host: target.split(':')[0], port: Number(target.split(':')[1]), method, path, headers: req.headers }, (up) => {
      const headers = { ...up.headers };
      if (fault?.kind === 'strip-digest') delete headers['docker-content-digest'];
      if (fault?.kind === 'digest') headers['docker-content-digest'] = fault.value;
      if (fault?.kind === 'extra-challenges' && up.statusCode === 401) {
        const lines = headers as Record<string, string | string[] | undefined>;
        const own = lines['www-authenticate'];
        lines['www-authenticate'] = [...fault.before, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])];
      }
      res.writeHead(up.statusCode ?? 502, headers);
      if (fault?.kind === 'stall-body') {
        hanging.add(res);
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= fault.bytes) return;
          const part = chunk.subarray(0, fault.bytes - sent);
          sent += part.length;
          res.write(part);
        });
        return;
      }
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        host: `127.0.0.1:${port}`,
        seen,
        requests,
        setFault(match, fault) {
          rule = fault ? { match, fault } : null;
        },
        close: () =>
          new Promise((done) => {
            for (const res of hanging) res.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
