// What a check costs against a distant registry: requests and new connections per image per
// steady check, at the default 300 s interval and at 60 s, and how long a check of every image
// takes, beside the origin's algorithm against the same proxy.
import { performance } from 'node:perf_hooks';
import { createCore } from '../electron/core/core.js';
import { resolveSettings } from '../electron/core/config/load.js';
import { MemoryStateStore } from '../electron/core/state/store.js';
import { startLatencyProxy } from './latency-proxy.js';
import { originCheck } from './origin.js';
import { median } from './stats.js';
import { seedRepositories } from './seed.js';
import type { Settings } from '../shared/schemas.js';

export interface LookupResults {
  requestsPerRefPerTick: { interval60: number; interval300: number };
  /** The check right after every tag moved: requests per moved image (its lookup, then its labels' manifest and config, once). */
  requestsPerMovedRef: number;
  newConnectionsPerRefPerTick: number;
  tick: { refs: number; rttMs: number; oursMs: number; originMs: number; limitMs: number; speedupVsOrigin: number; overLimit: number };
}

/** Where the checked containers run: one engine's host, or several engines (with the environment they need). */
export type BenchEngines = { dockerHost: string } | { engines: Settings['engines']; env: NodeJS.ProcessEnv };

/** Steady checks of `repos` through a proxy `rttMs` away, the clock moved `intervalS` (plus jitter) between them. */
export async function steadyChecks(
  upstream: string,
  repos: readonly string[],
  rttMs: number,
  intervalS: number,
  checks: number,
  on: BenchEngines,
  /** Moves every tag after the steady checks; the next check's requests are counted apart. */
  move?: () => Promise<void>,
) {
  const proxy = await startLatencyProxy({ upstream, rttMs, tokenLifetimeS: 300 });
  let clock = Date.now();
  const env = 'env' in on ? on.env : {};
  const config = resolveSettings(
    {
      runtimes: repos.map((repo, i) => ({ name: `r${i}`, image: `${proxy.host}/${repo}:latest` })),
      intervalSeconds: intervalS,
      ...('engines' in on ? { engines: on.engines } : { dockerHost: on.dockerHost }),
    },
    'bench',
    env,
  );
  const core = createCore({ config, store: new MemoryStateStore(), env, now: () => clock, notice: () => undefined });
  await core.watcher.tick(); // learns the challenge, seeds
  const counts: Array<{ requests: number; connections: number }> = [];
  const durations: number[] = [];
  for (let i = 0; i < checks; i++) {
    clock += intervalS * 1000 + 7_000; // the loop's jitter
    await proxy.reset();
    const started = performance.now();
    await core.watcher.tick();
    durations.push(performance.now() - started);
    const seen = await proxy.counts();
    counts.push({ requests: seen.manifests + seen.blobs + seen.tokens + seen.unauthorized, connections: seen.connections });
  }
  let moved = 0;
  if (move) {
    await move();
    clock += intervalS * 1000 + 7_000;
    await proxy.reset();
    await core.watcher.tick();
    const seen = await proxy.counts();
    moved = (seen.manifests + seen.blobs + seen.tokens + seen.unauthorized) / repos.length;
  }
  await core.close();
  await proxy.close();
  const perRef = (key: 'requests' | 'connections'): number => counts.reduce((sum, c) => sum + c[key], 0) / (checks * repos.length);
  return { requests: perRef('requests'), connections: perRef('connections'), ms: median(durations), concurrency: config.concurrency, moved };
}

export async function measureLookups(options: {
  upstream: string;
  repos: readonly string[];
  rttMs: number;
  checks: number;
  dockerHost: string;
}): Promise<LookupResults> {
  const { upstream, repos, rttMs, checks, dockerHost } = options;
  // Request counts do not depend on latency: measured without it, so the run stays short.
  // Every tag moves once after the steady checks, and is put back (the same content, so the same digest) for what follows.
  const at300 = await steadyChecks(upstream, repos, 0, 300, checks, { dockerHost }, async () => {
    await seedRepositories(upstream, repos, 'v1-moved');
  });
  await seedRepositories(upstream, repos, 'v1');
  const at60 = await steadyChecks(upstream, repos, 0, 60, checks, { dockerHost });
  // Timing: tokens expired (300 s), so a check pays its token requests too.
  const timed = await steadyChecks(upstream, repos, rttMs, 300, Math.max(1, Math.min(checks, 3)), { dockerHost });
  const proxy = await startLatencyProxy({ upstream, rttMs, tokenLifetimeS: 300 });
  const originMs = await originCheck(proxy.host, repos);
  await proxy.close();
  const limitMs = Math.ceil(repos.length / timed.concurrency) * rttMs;
  return {
    requestsPerRefPerTick: { interval60: at60.requests, interval300: at300.requests },
    requestsPerMovedRef: at300.moved,
    newConnectionsPerRefPerTick: at60.connections,
    tick: {
      refs: repos.length,
      rttMs,
      oursMs: timed.ms,
      originMs,
      limitMs,
      speedupVsOrigin: originMs / timed.ms,
      overLimit: limitMs > 0 ? timed.ms / limitMs : 0,
    },
  };
}
