// The daemon's guard, request by request (serve.test.ts proves the same over real HTTP): only
// our own hosts (DNS rebinding), only our own origin (CSRF), the token from a Bearer header or
// the session cookie, compared in full, and a short token refused where others can connect.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { allowedHosts, bearer, checkHostAndOrigin, presentedToken, SESSION_COOKIE, tokenProblem } from '../../electron/serve/guard.js';
import { sameSecret } from '../../electron/core/util/same-secret.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('which hosts the daemon answers to', () => {
  it('answers loopback names on its port, its bound address, and the names it was told', () => {
    expect([...allowedHosts('127.0.0.1', 8765)].sort()).toEqual(['127.0.0.1:8765', '[::1]:8765', 'localhost:8765']);
    expect(allowedHosts('192.168.1.5', 8765).has('192.168.1.5:8765')).toBe(true);
    expect(allowedHosts('fd00::5', 8765).has('[fd00::5]:8765')).toBe(true);
    // Bound to every address: no wildcard host is ever answered to.
    expect(allowedHosts('0.0.0.0', 8765).has('0.0.0.0:8765')).toBe(false);
    expect(allowedHosts('::', 8765).has('[::]:8765')).toBe(false);
    const extra = allowedHosts('0.0.0.0', 8765, ['NAS.lan', 'proxy.lan:443']);
    expect(extra.has('nas.lan:8765')).toBe(true);
    expect(extra.has('proxy.lan:443')).toBe(true);
    expect(extra.has('proxy.lan:8765')).toBe(false);
  });

  it('refuses a foreign Host (DNS rebinding) with 421, and a foreign or opaque Origin with 403', () => {
    const hosts = allowedHosts('127.0.0.1', 8765);
    expect(checkHostAndOrigin(req({ host: '127.0.0.1:8765' }), hosts)).toEqual({ ok: true });
    expect(checkHostAndOrigin(req({ host: 'LOCALHOST:8765', origin: 'http://localhost:8765' }), hosts)).toEqual({ ok: true });
    expect(checkHostAndOrigin(req({ host: 'evil.example:8765' }), hosts)).toEqual({
      ok: false,
      status: 421,
      reason: 'host "evil.example:8765" is not served here',
    });
    expect(checkHostAndOrigin(req({}), hosts)).toMatchObject({ ok: false, status: 421 });
    expect(checkHostAndOrigin(req({ host: '127.0.0.1:8765', origin: 'http://evil.example' }), hosts)).toEqual({
      ok: false,
      status: 403,
      reason: 'origin "http://evil.example" may not call this API',
    });
    // Our host, but over another scheme, or not a URL at all: not our page.
    expect(checkHostAndOrigin(req({ host: '127.0.0.1:8765', origin: 'https://127.0.0.1:8765' }), hosts)).toMatchObject({ ok: false, status: 403 });
    expect(checkHostAndOrigin(req({ host: '127.0.0.1:8765', origin: 'not a url' }), hosts)).toMatchObject({ ok: false, status: 403 });
    expect(checkHostAndOrigin(req({ host: '127.0.0.1:8765', origin: 'null' }), hosts)).toEqual({
      ok: false,
      status: 403,
      reason: 'opaque origin may not call this API',
    });
  });
});

describe('the token a request presents', () => {
  it('is read from a Bearer header first, else the session cookie, and a malformed cookie is none', () => {
    expect(bearer(req({ authorization: 'Bearer  abc ' }))).toBe('abc');
    expect(bearer(req({ authorization: 'Basic abc' }))).toBeUndefined();
    expect(presentedToken(req({ authorization: 'Bearer one', cookie: `${SESSION_COOKIE}=two` }))).toBe('one');
    expect(presentedToken(req({ cookie: `other=x; ${SESSION_COOKIE}=a%20b ; more=y` }))).toBe('a b');
    expect(presentedToken(req({ cookie: `x${SESSION_COOKIE}=no; =empty` }))).toBeUndefined();
    expect(presentedToken(req({ cookie: `${SESSION_COOKIE}=%E0%A4%A` }))).toBeUndefined();
    expect(presentedToken(req({}))).toBeUndefined();
  });

  it('matches only the whole secret, and never throws on another length', () => {
    expect(sameSecret('s3cret-token', 's3cret-token')).toBe(true);
    expect(sameSecret('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(sameSecret('s3cret', 's3cret-token')).toBe(false);
    expect(sameSecret('s3cret-token-and-more', 's3cret-token')).toBe(false);
    expect(sameSecret('', 's3cret-token')).toBe(false);
    expect(sameSecret(undefined, 's3cret-token')).toBe(false);
  });

  it('must be 24 characters or more where the daemon listens beyond loopback', () => {
    expect(tokenProblem('short', '127.0.0.1')).toBeNull();
    expect(tokenProblem('short', 'localhost')).toBeNull();
    expect(tokenProblem('short', '::1')).toBeNull();
    expect(tokenProblem('x'.repeat(23), '0.0.0.0')).toMatch(/^IMAGEWATCH_TOKEN is 23 characters; serving on 0\.0\.0\.0, .* needs at least 24/);
    expect(tokenProblem('x'.repeat(24), '0.0.0.0')).toBeNull();
  });
});

describe('the guard, word for word', () => {
  const hosts = allowedHosts('127.0.0.1', 8765);
  it('names a missing or overlong host and origin, cut to 100 characters', () => {
    expect(checkHostAndOrigin(req({}), hosts)).toEqual({ ok: false, status: 421, reason: 'host "" is not served here' });
    const long = `${'h'.repeat(150)}:8765`;
    expect(checkHostAndOrigin(req({ host: long }), hosts)).toEqual({ ok: false, status: 421, reason: `host "${'h'.repeat(100)}" is not served here` });
    const origin = `http://${'o'.repeat(150)}`;
    expect(checkHostAndOrigin(req({ host: '127.0.0.1:8765', origin }), hosts)).toEqual({
      ok: false,
      status: 403,
      reason: `origin "${origin.slice(0, 100)}" may not call this API`,
    });
  });

  it('reads only a cookie named exactly so, and a malformed one is none even when another follows', () => {
    expect(presentedToken(req({ cookie: `${SESSION_COOKIE}X` }))).toBeUndefined();
    expect(presentedToken(req({ cookie: `${SESSION_COOKIE}` }))).toBeUndefined();
    expect(presentedToken(req({ cookie: `${SESSION_COOKIE}=%E0%A4%A; ${SESSION_COOKIE}=later` }))).toBeUndefined();
  });
});
