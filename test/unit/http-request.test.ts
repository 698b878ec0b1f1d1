// One HTTP exchange on Node's client: the body capped, repeated headers kept apart, a response
// cut short is an error, and a GET or HEAD on a kept-alive connection the server has just
// dropped is sent once more (a POST is not).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannel } from '../../electron/core/notify/channels.js';
import { BodyTooLargeError, httpRequest } from '../../electron/core/util/http-request.js';

describe('httpRequest', () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const socket = req.socket as typeof req.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (req.url === '/drop-reused' && socket.served > 1) {
        // A server closing an idle connection just as the next request arrives.
        socket.destroy();
        return;
      }
      if (req.url === '/big') return res.end('x'.repeat(2048));
      if (req.url === '/hook') {
        // A webhook that answers a delivery with a large page.
        req.resume();
        return req.on('end', () => res.end('y'.repeat(200 * 1024)));
      }
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => socket.destroy(), 20);
        return;
      }
      if (req.url === '/challenge') {
        res.setHeader('www-authenticate', ['Bearer realm="https://a.example/token"', 'Basic realm="registry"']);
        res.writeHead(401);
        return res.end();
      }
      req.resume();
      // With its length, as registries send it: a HEAD answer without one ends its connection.
      const body = `ok ${req.method}`;
      req.on('end', () => res.writeHead(200, { 'content-length': String(body.length) }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const send = (path: string, method = 'GET', agent = new http.Agent({ keepAlive: true, maxSockets: 1 }), maxBodyBytes = 1024) =>
    httpRequest(new URL(path, base), {
      method,
      headers: {},
      agent,
      signal: new AbortController().signal,
      maxBodyBytes,
      ...(method === 'POST' ? { body: '{}' } : {}),
    });

  it('sends a GET or HEAD once more when a kept-alive connection was dropped, on a new one', async () => {
    for (const method of ['GET', 'HEAD']) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      expect((await send('/drop-reused', method, agent)).status).toBe(200);
      const before = seen.length;
      const answer = await send('/drop-reused', method, agent);
      expect(answer.status).toBe(200);
      expect(seen.slice(before), method).toEqual([`${method} /drop-reused`, `${method} /drop-reused`]);
      agent.destroy();
    }
  });

  it('does not send a POST again', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send('/drop-reused', 'POST', agent)).body.toString()).toBe('ok POST');
    await expect(send('/drop-reused', 'POST', agent)).rejects.toMatchObject({ code: 'ECONNRESET' });
    agent.destroy();
  });

  it('stops reading past the cap', async () => {
    await expect(send('/big')).rejects.toBeInstanceOf(BodyTooLargeError);
    expect((await send('/big', 'GET', undefined, 4096)).body.length).toBe(2048);
  });

  it('keeps only the start of an answer when asked, and a channel delivery with a large answer succeeds', async () => {
    const answer = await httpRequest(new URL('/big', base), {
      method: 'GET',
      headers: {},
      agent: new http.Agent(),
      signal: new AbortController().signal,
      maxBodyBytes: 1024,
      overflow: 'truncate',
    });
    expect(answer.body.length).toBe(1024);
    const channel = parseChannel(`generic+http://${new URL(base).host}/hook`, 'test');
    const sent = await channel.send({ kind: 'test', title: 'imagewatch test', body: 'hello', at: new Date().toISOString() });
    expect(sent).toBe('HTTP 200');
  });

  it('fails a response cut short', async () => {
    await expect(send('/cut')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('keeps every line of a repeated header', async () => {
    const answer = await send('/challenge');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toEqual(['Bearer realm="https://a.example/token"', 'Basic realm="registry"']);
  });
});
