// Who may talk to the daemon: requests must name one of our own hosts (DNS rebinding), come
// from our own origin when they say where they come from (CSRF), and carry the access token.
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'iw_session';

/** A token that guards a daemon reachable from other machines: at least this long (24 random bytes in base64url make 32). */
export const MIN_REMOTE_TOKEN_LENGTH = 24;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** Why a token the user set cannot guard a daemon bound to `host`, or null. */
export function tokenProblem(token: string, host: string): string | null {
  if (LOOPBACK_HOSTS.has(host) || token.length >= MIN_REMOTE_TOKEN_LENGTH) return null;
  return `IMAGEWATCH_TOKEN is ${token.length} characters; serving on ${host}, reachable from other machines, needs at least ${MIN_REMOTE_TOKEN_LENGTH} (for example: openssl rand -base64 24)`;
}

export function allowedHosts(bindHost: string, port: number, extra: readonly string[] = []): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (bindHost !== '0.0.0.0' && bindHost !== '::') hosts.add(bindHost.includes(':') ? `[${bindHost}]:${port}` : `${bindHost}:${port}`);
  for (const host of extra) hosts.add(host.includes(':') ? host.toLowerCase() : `${host.toLowerCase()}:${port}`);
  return hosts;
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; reason: string };

export function checkHostAndOrigin(req: IncomingMessage, hosts: ReadonlySet<string>): GuardVerdict {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return { ok: false, status: 421, reason: `host "${host.slice(0, 100)}" is not served here` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let originHost: string;
    try {
      const url = new URL(origin);
      originHost = url.protocol === 'http:' ? url.host.toLowerCase() : '';
    } catch {
      originHost = '';
    }
    if (!hosts.has(originHost)) return { ok: false, status: 403, reason: `origin "${origin.slice(0, 100)}" may not call this API` };
  } else if (origin === 'null') {
    return { ok: false, status: 403, reason: 'opaque origin may not call this API' };
  }
  return { ok: true };
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        // Malformed %-escapes: no token, so a 401, not a 500.
        return undefined;
      }
    }
  }
  return undefined;
}

export function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** The token from the session cookie or an Authorization header. */
export function presentedToken(req: IncomingMessage): string | undefined {
  return bearer(req) ?? cookie(req, SESSION_COOKIE);
}
