// `imagewatch serve` over real HTTP: the access token, DNS-rebinding and cross-origin
// refusals, contract calls validated before they reach the engine, server-sent events, and
// the origin's admin endpoint with its exact contract.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, AppState } from '../../shared/api.js';
import { docker, publish, removeContainers, requireBed, startServe, tempDir, uid, writeConfig, type ServeProcess } from './helpers.js';

const bed = requireBed();
const TOKEN = 'test-token-0123456789abcdef';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function raw(port: number, method: string, urlPath: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(bed === null)('imagewatch serve', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/serve/app-${id}:latest`;
  let server: ServeProcess;
  const cookie = `iw_session=${TOKEN}`;
  const call = (method: string, args: unknown[], headers: Record<string, string> = {}): Promise<Reply> =>
    raw(server.port, 'POST', `/api/${method}`, { cookie, 'content-type': 'application/json', ...headers }, JSON.stringify({ args }));

  beforeAll(async () => {
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `serve-${id}`, image]);
    const config = writeConfig(dir, {
      runtimes: [{ name: 'app', image, match: { namePrefix: `serve-${id}` } }],
      dockerHost: b.dockerHost,
      startGraceSeconds: 0.5,
    });
    server = await startServe(config, path.join(dir, 'state.json'), { IMAGEWATCH_TOKEN: TOKEN });
  });

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await removeContainers(b, `name=${id}`);
  });

  it('prints a loopback URL carrying a token, and turns the token into a same-site cookie', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${TOKEN}$`));
    const landing = await raw(server.port, 'GET', `/?token=${TOKEN}`);
    expect(landing.status).toBe(303);
    expect(landing.headers.location).toBe('/');
    expect(landing.headers['set-cookie']?.[0]).toBe(`iw_session=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
    expect(landing.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('refuses requests without the token, with a foreign Host, or from a foreign Origin', async () => {
    expect((await raw(server.port, 'GET', '/')).status).toBe(401);
    expect((await raw(server.port, 'POST', '/api/getState', {}, '{"args":[]}')).status).toBe(401);
    expect((await raw(server.port, 'GET', '/?token=wrong')).status).toBe(401);
    const rebinding = await raw(server.port, 'POST', '/api/getState', { cookie, host: 'attacker.example:80' }, '{"args":[]}');
    expect(rebinding.status).toBe(421);
    const crossSite = await call('getState', [], { origin: 'http://attacker.example' });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body).error).toContain('attacker.example');
    expect((await call('getState', [], { origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a wrong token of the right length through the URL, the cookie and Bearer, and a malformed cookie', async () => {
    // Same length, last character changed: a compare that looked only at the length would pass it.
    const near = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('f') ? 'e' : 'f'}`;
    expect(near).toHaveLength(TOKEN.length);
    expect((await raw(server.port, 'GET', `/?token=${near}`)).status).toBe(401);
    expect((await raw(server.port, 'POST', '/api/getState', { cookie: `iw_session=${near}` }, '{"args":[]}')).status).toBe(401);
    expect((await raw(server.port, 'POST', '/api/getState', { authorization: `Bearer ${near}` }, '{"args":[]}')).status).toBe(401);
    expect((await raw(server.port, 'POST', '/admin/workspace-images/refresh', { authorization: `Bearer ${near}` })).status).toBe(401);
    expect((await raw(server.port, 'POST', '/api/getState', { cookie: 'iw_session=%E0%A4%A' }, '{"args":[]}')).status).toBe(401);
    expect((await raw(server.port, 'POST', '/api/getState', { authorization: `Bearer ${TOKEN}` }, '{"args":[]}')).status).toBe(200);
  });

  it('answers contract calls and validates their arguments before the engine sees them', async () => {
    const state = JSON.parse((await call('getState', [])).body).result as AppState;
    expect(state.runtimes.map((r) => r.config.name)).toEqual(['app']);
    expect(state.settings).toMatchObject({ autoRefresh: false, intervalSeconds: 300, recreate: 'replace', credentialRegistries: [] });

    const badArg = await call('refresh', [42]);
    expect(badArg.status).toBe(400);
    expect(JSON.parse(badArg.body)).toMatchObject({ code: 'invalid-argument', error: expect.stringContaining('refresh: argument 1') as string });
    const unknown = await call('refresh', ['ghost']);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: 'unknown runtime: ghost', code: 'unknown-runtime' });
    const badRef = await call('addRuntime', [{ name: 'x', image: 'Not A Ref' }]);
    expect(badRef.status).toBe(400);
    expect(JSON.parse(badRef.body).error).toContain('invalid image reference "Not A Ref"');
    // A name that differs from one watched only in letter case would make `--runtime app` a trap.
    const cased = await call('addRuntime', [{ name: 'App', image: 'registry.example/other:latest' }]);
    expect(cased.status).toBe(409);
    expect(JSON.parse(cased.body).error).toBe('a runtime named "app" already exists; names differ in more than letter case');
    const badTag = await call('refresh', ['app', { toTag: 'no spaces' }]);
    expect(badTag.status).toBe(400);
    const extra = await call('updateSettings', [{ intervalSeconds: 60, wipe: true }]);
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.body).error).toContain('unknown key "wipe"');
    expect((await call('nope', [])).status).toBe(404);
    expect((await raw(server.port, 'POST', '/api/getState', { cookie }, '{oops')).status).toBe(400);
    // Nothing above changed the settings.
    expect((JSON.parse((await call('getState', [])).body).result as AppState).settings.intervalSeconds).toBe(300);
  });

  it('streams events over SSE', async () => {
    const events: ApiEvent[] = [];
    const req = http.get({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { cookie, host: `127.0.0.1:${server.port}` } });
    const connected = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        let buffer = '';
        res.on('data', (d: Buffer) => {
          buffer += d.toString();
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith('data: ')) events.push(JSON.parse(frame.slice(6)) as ApiEvent);
            end = buffer.indexOf('\n\n');
          }
          if (events.length) resolve();
        });
      });
    });
    await connected;
    expect(events[0]!.type).toBe('app-changed');
    expect((await call('setAutoRefresh', [true])).status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!events.some((e) => e.type === 'app-changed' && e.state.settings.autoRefresh) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(events.some((e) => e.type === 'app-changed' && e.state.settings.autoRefresh)).toBe(true);
    await call('setAutoRefresh', [false]);
    req.destroy();
  });

  describe('admin endpoint', () => {
    const admin = (query: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, method = 'POST'): Promise<Reply> =>
      raw(server.port, method, `/admin/workspace-images/refresh${query}`, headers);

    it('needs the bearer token (a cookie is not enough)', async () => {
      expect((await admin('', {})).status).toBe(401);
      expect((await admin('', { cookie })).status).toBe(401);
      expect((await admin('', { authorization: 'Bearer nope' })).status).toBe(401);
      expect((await admin('', undefined, 'GET')).status).toBe(405);
    });

    it('answers 400 with the known runtimes for an unknown one', async () => {
      const reply = await admin('?runtime=ghost');
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body)).toEqual({ error: 'unknown runtime: ghost', known_runtimes: ['app'] });
      // As in the origin, "all" is not a runtime name; leaving `runtime` out means all.
      expect((await admin('?runtime=all')).status).toBe(400);
    });

    it('answers 200 with {pulled, failed, recreated}; recreate is true only when absent or exactly true', async () => {
      const v2 = await publish(b, image, { version: 'v2' });
      const pullOnly = await admin('?runtime=app&recreate=TRUE');
      expect(pullOnly.status).toBe(200);
      expect(JSON.parse(pullOnly.body)).toEqual({ pulled: ['app'], failed: [], recreated: [] });
      const full = await admin('?runtime=app');
      expect(JSON.parse(full.body)).toEqual({ pulled: ['app'], failed: [], recreated: [`serve-${id}`] });
      expect(JSON.parse(await docker(b, ['inspect', `serve-${id}`]))[0].Image).toBe(v2.id);
    });

    it('answers 500 with the partial result when containers cannot be listed', async () => {
      const broken = await startServe(
        writeConfig(tempDir(), { runtimes: [{ name: 'app', image }], dockerHost: `unix://${dir}/none.sock` }),
        path.join(tempDir(), 's.json'),
        { IMAGEWATCH_TOKEN: TOKEN },
      );
      try {
        const reply = await raw(broken.port, 'POST', '/admin/workspace-images/refresh', { host: `127.0.0.1:${broken.port}`, authorization: `Bearer ${TOKEN}` });
        expect(reply.status).toBe(500);
        const body = JSON.parse(reply.body) as { error: string; partial_result: unknown };
        expect(body.error).toMatch(/cannot list containers/);
        expect(body.partial_result).toEqual({ pulled: [], failed: ['app'], recreated: [] });
      } finally {
        broken.child.kill('SIGTERM');
      }
    });
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
