// Registry lookups through the user's proxy (HTTP_PROXY/HTTPS_PROXY, NO_PROXY), against a
// small CONNECT proxy in front of the bed's real registry that counts its tunnels. The
// registry is named by a host only the proxy can resolve, as behind a corporate proxy.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRun } from '../../shared/dto.js';
import { publish, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();
const FAR_HOST = 'registry.imagewatch.test';

describe.skipIf(bed === null)('registry lookups through a proxy', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const port = b.registries.open.split(':')[1]!;
  const farRegistry = `${FAR_HOST}:${port}`;
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  let proxy: http.Server;
  let proxyUrl: string;
  let digest: string;

  beforeAll(async () => {
    digest = (await publish(b, `${b.registries.open}/proxy/app-${id}:latest`, { version: 'v1' })).digest;
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, targetPort] = (req.url ?? '').split(':');
      // Only the proxy knows where the far registry is.
      const upstream = net.connect(Number(targetPort), host === FAR_HOST || host === '127.0.0.2' ? '127.0.0.1' : host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => client.destroy());
        s.on('close', () => sockets.delete(s));
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => proxy.close(r));
  });

  const check = (name: string, image: string, env: NodeJS.ProcessEnv) =>
    runCli(
      [
        'check',
        '--config',
        writeConfig(path.join(dir), { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost, insecureRegistries: [farRegistry] }),
        '--state',
        path.join(dir, name, 'state.json'),
      ],
      env,
    );

  it('goes through HTTP_PROXY to a registry only the proxy can reach', async () => {
    const run = await check('through', `${farRegistry}/proxy/app-${id}:latest`, { HTTP_PROXY: proxyUrl, NO_PROXY: '' });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as CheckRun).runtimes[0]).toMatchObject({ outcome: 'seeded', remoteDigest: digest });
    expect(tunnels).toContain(farRegistry);
  });

  it('goes direct for a host in NO_PROXY, and for localhost and 127.0.0.1 always, as the docker CLI does', async () => {
    // 127.0.0.2:port has no registry of its own; only the proxy maps it to the bed's.
    const other = `127.0.0.2:${port}/proxy/app-${id}:latest`;
    const proxied = await check('proxied', other, { HTTP_PROXY: proxyUrl, NO_PROXY: 'example.org' });
    expect(proxied.code, proxied.stderr).toBe(0);
    expect(tunnels).toContain(`127.0.0.2:${port}`);

    const before = tunnels.length;
    const excepted = await check('excepted', other, { HTTP_PROXY: proxyUrl, NO_PROXY: 'example.org,127.0.0.2' });
    // Direct, nothing listens there: the lookup fails, and the proxy saw nothing.
    expect(excepted.code).toBe(1);
    expect(excepted.stdout).toContain('ECONNREFUSED');
    const loopback = await check('loopback', `${b.registries.open}/proxy/app-${id}:latest`, { HTTP_PROXY: proxyUrl, NO_PROXY: '' });
    expect(loopback.code, loopback.stderr).toBe(0);
    expect(tunnels.length).toBe(before);
  });
});
