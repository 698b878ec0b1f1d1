// `imagewatch serve`'s /healthz and /metrics on the bed: health without a token and without
// secrets, metrics behind the token in a format Debian's promtool accepts, scraped by a real
// Prometheus that then answers a query for them.
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '../bed/prometheus.js';
import { docker, publish, removeContainers, requireBed, startServe, tempDir, uid, until, writeConfig, type ServeProcess } from './helpers.js';

const bed = requireBed();
const TOKEN = 'metrics-token-0123456789abcdef';

function get(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, headers: { host: `example.lan:${port}`, ...headers } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
      })
      .on('error', reject);
  });
}

function promtool(text: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
    child.stdin!.end(text);
  });
}

describe.skipIf(bed === null)('health and metrics', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/metrics/app-${id}:latest`;
  let server: ServeProcess;
  let prometheus: RunningPrometheus | null = null;

  beforeAll(async () => {
    await publish(b, image, { version: 'v1' });
    await docker(b, ['run', '-d', '--name', `metrics-${id}`, image]);
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image, match: { namePrefix: `metrics-${id}` } }], dockerHost: b.dockerHost });
    server = await startServe(config, path.join(dir, 'state.json'), { IMAGEWATCH_TOKEN: TOKEN });
  });

  afterAll(async () => {
    await prometheus?.stop();
    server?.child.kill('SIGKILL');
    await removeContainers(b, `name=metrics-${id}`);
  });

  it('answers /healthz without a token, from any host name, with nothing secret', async () => {
    const health = await until('a healthy answer', async () => {
      const res = await get(server.port, '/healthz');
      return res.status === 200 ? res : undefined;
    });
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
  });

  it('serves /metrics only with the token, in a format promtool accepts', async () => {
    expect((await get(server.port, '/metrics')).status).toBe(401);
    expect((await get(server.port, '/metrics', { authorization: 'Bearer wrong-token-of-the-same-length!!' })).status).toBe(401);
    const metrics = await until('a check counted', async () => {
      const res = await get(server.port, '/metrics', { authorization: `Bearer ${TOKEN}` });
      return /^imagewatch_checks_total [1-9]/m.test(res.body) ? res : undefined;
    });
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const lint = await promtool(metrics.body);
    expect(lint.code, lint.out).toBe(0);
    const registry = b.registries.open;
    expect(metrics.body).toContain(`imagewatch_lookups_total{registry="${registry}",result="ok"}`);
    expect(metrics.body).toMatch(
      new RegExp(`imagewatch_registry_requests_total\\{registry="${registry.replace(/\./g, '\\.')}",kind="manifest",status="200"\\} [1-9]`),
    );
    expect(metrics.body).toMatch(/^imagewatch_update_available\{runtime="app"\} 0$/m);
    expect(metrics.body).toMatch(/^imagewatch_last_successful_check_timestamp_seconds\{runtime="app"\} \d{10}/m);
    expect(metrics.body).toMatch(/^imagewatch_process_resident_memory_bytes \d+/m);
    expect(metrics.body).not.toContain(TOKEN);
  });

  it('is scraped by a real Prometheus, which answers a query for it', async () => {
    prometheus = await startPrometheus(`127.0.0.1:${server.port}`, TOKEN);
    expect(await prometheus.value('imagewatch_checks_total{job="imagewatch"}')).toBeGreaterThanOrEqual(1);
    expect(await prometheus.value('up{job="imagewatch"}')).toBe(1);
  });

  it('turns /healthz to 503 with the reason when the engine does not answer', async () => {
    const downDir = tempDir();
    const config = writeConfig(downDir, { runtimes: [{ name: 'app', image }], dockerHost: `unix://${path.join(downDir, 'gone.sock')}` });
    const down = await startServe(config, path.join(downDir, 'state.json'), { IMAGEWATCH_TOKEN: TOKEN });
    try {
      const res = await until('an unhealthy answer', async () => {
        const r = await get(down.port, '/healthz');
        return r.status === 503 ? r : undefined;
      });
      expect(JSON.parse(res.body)).toEqual({ status: 'unhealthy', reasons: ['the container engine does not answer'] });
    } finally {
      down.child.kill('SIGKILL');
    }
  });
});
