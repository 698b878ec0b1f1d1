// `npm run bench`: what a check costs. Runs the real registry client and watcher against an
// in-process registry that speaks the Bearer token flow, and reports requests per check,
// token fetches, lookup throughput, memory for a large install, and state-file cost.
import { createHash } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { summarize } from '../shared/api.js';
import { parseReference } from '../electron/core/image/reference.js';
import { RegistryClient } from '../electron/core/registry/client.js';
import { CredentialChain } from '../electron/core/registry/credentials.js';
import { JsonFileStateStore, MemoryStateStore } from '../electron/core/state/store.js';
import { Watcher } from '../electron/core/watch/watcher.js';

interface Counters {
  manifest: number;
  token: number;
  unauthorized: number;
}

function startRegistry(counters: Counters): Promise<{ host: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      counters.token++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: `t-${url.searchParams.get('scope')}`, expires_in: 300 }));
      return;
    }
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      counters.unauthorized++;
      const host = req.headers.host;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="bench"` });
      res.end();
      return;
    }
    counters.manifest++;
    const body = JSON.stringify({ schemaVersion: 2, path: url.pathname });
    res.writeHead(200, {
      'content-type': 'application/vnd.oci.image.index.v1+json',
      'docker-content-digest': `sha256:${createHash('sha256').update(body).digest('hex')}`,
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ host: `127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const counters: Counters = { manifest: 0, token: 0, unauthorized: 0 };
  const registry = await startRegistry(counters);
  const runtimes = Array.from({ length: 200 }, (_, i) => ({ name: `rt-${i}`, image: `${registry.host}/org/app-${i % 100}:latest` }));
  const client = new RegistryClient({ credentials: new CredentialChain([]) });
  const store = new MemoryStateStore();
  const watcher = new Watcher({
    settings: () => ({ runtimes, intervalMs: 300_000, autoRefresh: false, concurrency: 4 }),
    lookupDigest: async (ref) => (await client.getDigest(ref)).digest,
    localView: async () => ({ present: true, hasDigest: true }),
    refresher: { refreshOne: async () => Promise.reject(new Error('unused')), idle: async () => undefined },
    store,
  });

  const ticks = 10;
  const durations: number[] = [];
  for (let i = 0; i < ticks; i++) {
    const started = performance.now();
    await watcher.tick();
    durations.push(performance.now() - started);
  }
  const uniqueRefs = new Set(runtimes.map((r) => r.image)).size;
  const steady = durations.slice(1);
  const avg = steady.reduce((a, b) => a + b, 0) / steady.length;
  console.log(`runtimes=${runtimes.length} unique references=${uniqueRefs} ticks=${ticks}`);
  console.log(
    `first tick: ${durations[0]!.toFixed(1)} ms; steady tick: ${avg.toFixed(1)} ms (${((uniqueRefs / avg) * 1000).toFixed(0)} lookups/s at concurrency 4)`,
  );
  console.log(`registry requests: manifest=${counters.manifest} token=${counters.token} 401=${counters.unauthorized}`);
  console.log(`steady-state requests per reference per tick: ${((counters.manifest - uniqueRefs) / (uniqueRefs * (ticks - 1))).toFixed(2)}`);
  console.log(`client requests total=${client.metrics.requests} tokens=${client.metrics.tokenRequests}`);

  // Memory for a big install with full histories.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const big = await store.load();
  for (const r of runtimes) {
    const s = watcher.stateOf(r.name);
    const history = Array.from({ length: 200 }, () => ({
      at: new Date().toISOString(),
      kind: 'moved' as const,
      digest: s.seenDigest!,
      previousDigest: s.seenDigest!,
    }));
    watcher.state.set(r.name, { ...s, history: [...s.history, ...history] });
  }
  gc?.();
  const after = process.memoryUsage().heapUsed;
  console.log(`heap for ${runtimes.length} runtimes x 200 history entries: ${mb(after - before)}${gc ? '' : ' (run with --expose-gc for accuracy)'}`);
  void big;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-bench-'));
  const file = new JsonFileStateStore(path.join(dir, 'state.json'));
  const snapshot = watcher.state.snapshot();
  const saves = 20;
  const started = performance.now();
  for (let i = 0; i < saves; i++) await file.save(snapshot);
  const perSave = (performance.now() - started) / saves;
  const loadStart = performance.now();
  await file.load();
  console.log(
    `state file: ${mb(statSync(path.join(dir, 'state.json')).size)}, atomic save ${perSave.toFixed(1)} ms, load+validate ${(performance.now() - loadStart).toFixed(1)} ms`,
  );

  // What one app-changed push weighs: runtime summaries versus full states with history.
  const full = JSON.stringify(Object.values(snapshot.runtimes));
  const summaries = JSON.stringify(Object.values(snapshot.runtimes).map(summarize));
  console.log(
    `app-changed payload for ${runtimes.length} runtimes: ${(summaries.length / 1024).toFixed(1)} KiB as summaries (would be ${mb(full.length)} with histories)`,
  );

  const refs = runtimes.map((r) => r.image);
  const parseStart = performance.now();
  let parsed = 0;
  for (let i = 0; i < 200; i++) for (const ref of refs) parsed += parseReference(ref).repository.length > 0 ? 1 : 0;
  console.log(`reference parsing: ${((parsed / (performance.now() - parseStart)) * 1000).toFixed(0)} refs/s`);

  await client.close();
  await registry.close();
}

await main();
