// Lookups reuse their connections: a HEAD does not close its socket, within a check and
// across checks. A loopback server here counts the TCP connections it accepts.
import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../../electron/core/image/reference.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { poolFor } from '../../electron/core/registry/connections.js';
import { CredentialChain } from '../../electron/core/registry/credentials.js';
import { TransportPolicy } from '../../electron/core/registry/transport.js';

describe('registry connections', () => {
  let server: http.Server;
  let host = '';
  let connections = 0;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests++;
      const body = JSON.stringify({ schemaVersion: 2, path: req.url });
      res.writeHead(200, {
        'content-type': 'application/vnd.docker.distribution.manifest.v2+json',
        'docker-content-digest': `sha256:${createHash('sha256').update(body).digest('hex')}`,
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps one pool per registry, sized by concurrency, open across checks', async () => {
    const client = new RegistryClient({ credentials: new CredentialChain([]), env: {}, pool: poolFor(4, 60_000) });
    const refs = Array.from({ length: 40 }, (_, i) => parseReference(`${host}/app/r${i}:latest`));
    for (let tick = 0; tick < 3; tick++) {
      // Four at a time, as the watcher's concurrency limit runs them.
      for (let i = 0; i < refs.length; i += 4) await Promise.all(refs.slice(i, i + 4).map((ref) => client.getDigest(ref)));
    }
    await client.close();
    expect(requests).toBe(120);
    expect(connections).toBeLessThanOrEqual(4);
  });

  it('through a proxy, keeps its tunnels open across lookups and checks, as many as the pool', async () => {
    let tunnels = 0;
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    // A CONNECT proxy that alone knows where far.example is: the test server.
    proxy.on('connect', (_req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels++;
      const upstream = net.connect(Number(host.split(':')[1]), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const far = `far.example:${host.split(':')[1]}`;
    const client = new RegistryClient({
      credentials: new CredentialChain([]),
      env: { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` },
      transport: new TransportPolicy([far]),
      pool: poolFor(4, 60_000),
    });
    try {
      const refs = Array.from({ length: 40 }, (_, i) => parseReference(`${far}/app/p${i}:latest`));
      for (let tick = 0; tick < 3; tick++) {
        for (let i = 0; i < refs.length; i += 4) await Promise.all(refs.slice(i, i + 4).map((ref) => client.getDigest(ref)));
      }
      expect(tunnels).toBeGreaterThan(0);
      expect(tunnels).toBeLessThanOrEqual(4);
    } finally {
      await client.close();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('keeps idle connections past the interval, within bounds', () => {
    expect(poolFor(4, 60_000)).toEqual({ connections: 4, idleMs: 90_000 });
    expect(poolFor(8, 5_000).idleMs).toBe(30_000);
    expect(poolFor(4, 24 * 3600_000).idleMs).toBe(600_000);
  });

  it('waits out a short Retry-After and leaves no listener on a long-lived signal', async () => {
    let limited = 0;
    const busy = http.createServer((_req, res) => {
      if (limited++ === 0) {
        res.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': `sha256:${'a'.repeat(64)}` }).end();
    });
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const client = new RegistryClient({ credentials: new CredentialChain([]), env: {}, maxRetryWaitMs: 2_000 });
    const daemon = new AbortController();
    try {
      const result = await client.getDigest(parseReference(`127.0.0.1:${(busy.address() as AddressInfo).port}/app/x:latest`), daemon.signal);
      expect(result.digest).toBe(`sha256:${'a'.repeat(64)}`);
      expect(limited).toBe(2);
      expect(getEventListeners(daemon.signal, 'abort')).toHaveLength(0);
    } finally {
      await client.close();
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });
});
