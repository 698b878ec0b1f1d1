// A registry token server (the Docker token auth spec) for the test bed: it signs RS256 JWTs
// with the certificate the test registry trusts, grants push to the test user and pull to
// anyone, and counts requests so tests can prove that tokens are reused.
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServer {
  url: string;
  close(): Promise<void>;
}

export interface TokenServerOptions {
  keyFile: string;
  certFile: string;
  user: { username: string; password: string };
  issuer: string;
  service: string;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function parseScope(scope: string): { type: string; name: string; actions: string[] } | null {
  const parts = scope.split(':');
  if (parts.length < 3) return null;
  const type = parts[0]!;
  const actions = parts[parts.length - 1]!.split(',').filter(Boolean);
  const name = parts.slice(1, -1).join(':');
  return { type, name, actions };
}

export function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(readFileSync(options.keyFile));
  const certDer = readFileSync(options.certFile, 'utf8')
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  const stats = { tokenRequests: 0, authenticated: 0, denied: 0 };
  let expiresIn = 300;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(stats));
      return;
    }
    if (url.pathname === '/settings') {
      expiresIn = Number(url.searchParams.get('expires_in') ?? expiresIn);
      stats.tokenRequests = 0;
      stats.denied = 0;
      stats.authenticated = 0;
      res.end('{}');
      return;
    }
    if (url.pathname !== '/token') {
      res.statusCode = 404;
      res.end();
      return;
    }
    stats.tokenRequests++;
    let authenticated = false;
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      authenticated = decoded === `${options.user.username}:${options.user.password}`;
      if (authenticated) stats.authenticated++;
      if (!authenticated) {
        stats.denied++;
        res.statusCode = 401;
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
        return;
      }
    }
    const access = url.searchParams
      .getAll('scope')
      .map(parseScope)
      .filter((s): s is NonNullable<typeof s> => s !== null)
      .map((s) => ({ ...s, actions: authenticated ? s.actions : s.actions.filter((a) => a === 'pull') }));
    const now = Math.floor(Date.now() / 1000);
    const headerJson = { typ: 'JWT', alg: 'RS256', x5c: [certDer] };
    const claims = {
      iss: options.issuer,
      sub: authenticated ? options.user.username : '',
      aud: options.service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signingInput = `${b64url(JSON.stringify(headerJson))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), key);
    const token = `${signingInput}.${b64url(signature)}`;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ token, access_token: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }));
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
