// How long a replaced web service stops answering, seen from outside: a client polls its
// published port every 10 ms, and the longest stretch without a successful answer counts.
// imagewatch's replace and the naive `docker stop; docker rm; docker run` take turns on the
// same container, and the medians are compared. Then the overlap mode on a user network,
// with a client container calling the service by name: its failed calls are counted.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createCore } from '../electron/core/core.js';
import { resolveSettings } from '../electron/core/config/load.js';
import { MemoryStateStore } from '../electron/core/state/store.js';
import { docker, makeImage, publish } from '../test/bed/images.js';
import { freePort, type BedInfo } from '../test/bed/testbed.js';
import { median } from './stats.js';

export interface DowntimeResults {
  oursMs: number;
  naiveMs: number;
  ratio: number;
  overlapFailedRequests: number;
}

/** Exits at once on TERM, as a well-behaved server does, so both ways pay the same stop. */
const SERVE = "httpd -p 8080 -h /; trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done";

function poll(port: number): { stop: () => Promise<number> } {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/version', agent: false, timeout: 500 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) {
            const now = performance.now();
            longest = Math.max(longest, now - last);
            last = now;
          }
          resolve();
        });
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve());
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return longest;
    },
  };
}

async function waitAnswering(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/version', agent: false, timeout: 500 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answers on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function measureDowntime(bed: BedInfo, options: { pairs: number; id: string }): Promise<DowntimeResults> {
  const { id } = options;
  const network = `bench-${id}`;
  const image = `${bed.registries.open}/bench/web-${id}:latest`;
  const name = `bench-web-${id}`;
  const port = await freePort();
  const runArgs = ['run', '-d', '--name', name, '--network', network, '-p', `127.0.0.1:${port}:8080`, image];
  await docker(bed, ['network', 'create', network]);
  let version = 1;
  await publish(bed, image, { version: `v${version}`, script: SERVE });
  await docker(bed, runArgs);
  await waitAnswering(port);

  const config = resolveSettings(
    { runtimes: [{ name: 'web', image, match: { namePrefix: name } }], dockerHost: bed.dockerHost, startGraceSeconds: 1 },
    'bench',
    {},
  );
  const core = createCore({ config, store: new MemoryStateStore(), env: {}, notice: () => undefined });
  const ours: number[] = [];
  const naive: number[] = [];
  try {
    for (let pair = 0; pair < options.pairs; pair++) {
      await publish(bed, image, { version: `v${++version}`, script: SERVE });
      let watch = poll(port);
      const result = await core.watcher.refresh(['web']);
      if (result.failed.length) throw new Error(`bench refresh failed: ${JSON.stringify(result.details)}`);
      await waitAnswering(port);
      await new Promise((r) => setTimeout(r, 200));
      ours.push(await watch.stop());

      await publish(bed, image, { version: `v${++version}`, script: SERVE });
      await docker(bed, ['pull', image]); // as imagewatch's pull, before the clock matters
      watch = poll(port);
      await docker(bed, ['stop', name]);
      await docker(bed, ['rm', name]);
      await docker(bed, runArgs);
      await waitAnswering(port);
      await new Promise((r) => setTimeout(r, 200));
      naive.push(await watch.stop());
    }
  } finally {
    await core.close();
    await docker(bed, ['rm', '-f', name]).catch(() => '');
  }
  const overlapFailedRequests = await measureOverlap(bed, network, id);
  await docker(bed, ['network', 'rm', network]).catch(() => '');
  const oursMs = median(ours);
  const naiveMs = median(naive);
  return { oursMs, naiveMs, ratio: oursMs / naiveMs, overlapFailedRequests };
}

async function measureOverlap(bed: BedInfo, network: string, id: string): Promise<number> {
  const image = `${bed.registries.open}/bench/overlap-${id}:latest`;
  const name = `bench-ov-${id}`;
  const client = `bench-client-${id}`;
  await publish(bed, image, { version: 'v1', script: SERVE });
  await makeImage(bed, `local/bench-client-${id}:1`, {
    version: 'client',
    script: `while :; do if wget -q -O - http://${name}:8080/version >/dev/null; then echo ok; else echo FAIL; fi; sleep 0.01; done`,
  });
  await docker(bed, ['run', '-d', '--name', name, '--network', network, image]);
  await docker(bed, ['run', '-d', '--name', client, '--network', network, `local/bench-client-${id}:1`]);
  const config = resolveSettings(
    { runtimes: [{ name: 'web', image, overlap: true, match: { namePrefix: name } }], dockerHost: bed.dockerHost, startGraceSeconds: 1 },
    'bench',
    {},
  );
  const core = createCore({ config, store: new MemoryStateStore(), env: {}, notice: () => undefined });
  try {
    await new Promise((r) => setTimeout(r, 500));
    await publish(bed, image, { version: 'v2', script: SERVE });
    const result = await core.watcher.refresh(['web']);
    if (result.failed.length) throw new Error(`bench overlap refresh failed: ${JSON.stringify(result.details)}`);
    await new Promise((r) => setTimeout(r, 500));
    await docker(bed, ['stop', '-t', '0', client]);
    return (await docker(bed, ['logs', client])).split('\n').filter((line) => line === 'FAIL').length;
  } finally {
    await core.close();
    await docker(bed, ['rm', '-f', name, client]).catch(() => '');
  }
}
