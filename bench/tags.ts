// Newer version tags at scale: a check of every image with `newerTags` on for all of them and
// the listing due (each repository's tags API read once), beside the plain check of the same
// images, through the latency proxy: requests counted and time, both printed.
import { performance } from 'node:perf_hooks';
import { createCore } from '../electron/core/core.js';
import { resolveSettings } from '../electron/core/config/load.js';
import { MemoryStateStore } from '../electron/core/state/store.js';
import { startLatencyProxy } from './latency-proxy.js';

export interface TagResults {
  refs: number;
  /** Requests of a plain check, and of a check with every repository's tags due. */
  plainRequests: number;
  listingRequests: number;
  plainMs: number;
  listingMs: number;
  ratio: number;
}

const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** Gives each repository's `latest` the version tags 1.0.0 and 1.1.0 (the same manifest): a runtime on 1.0.0 has one newer tag. */
export async function tagVersions(registry: string, repos: readonly string[]): Promise<void> {
  for (let i = 0; i < repos.length; i += 16) {
    await Promise.all(
      repos.slice(i, i + 16).map(async (repo) => {
        const res = await fetch(`http://${registry}/v2/${repo}/manifests/latest`, { headers: { accept: MANIFEST } });
        const body = Buffer.from(await res.arrayBuffer());
        for (const tag of ['1.0.0', '1.1.0']) {
          const put = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': MANIFEST }, body });
          if (put.status !== 201) throw new Error(`tag ${repo}:${tag}: ${put.status}`);
        }
      }),
    );
  }
}

export async function measureTags(options: { upstream: string; repos: readonly string[]; rttMs: number; dockerHost: string }): Promise<TagResults> {
  const { upstream, repos, rttMs, dockerHost } = options;
  await tagVersions(upstream, repos);
  const proxy = await startLatencyProxy({ upstream, rttMs, tokenLifetimeS: 3600 });
  let clock = Date.now();
  const run = async (newerTags: 'minor' | false): Promise<{ requests: number; ms: number; found: number }> => {
    const config = resolveSettings(
      { runtimes: repos.map((repo, i) => ({ name: `r${i}`, image: `${proxy.host}/${repo}:1.0.0`, newerTags })), dockerHost, tagsIntervalSeconds: 6 * 3600 },
      'bench',
      {},
    );
    const core = createCore({ config, store: new MemoryStateStore(), now: () => clock, notice: () => undefined });
    // Seeded, tokens and labels read, tags listed once: the next check with listing due is measured.
    await core.watcher.tick();
    clock += 6 * 3600_000 + 7_000;
    await proxy.reset();
    const started = performance.now();
    const reports = await core.watcher.tick();
    const ms = performance.now() - started;
    const seen = await proxy.counts();
    await core.close();
    return {
      requests: seen.manifests + seen.blobs + seen.tagLists + seen.tokens + seen.unauthorized,
      ms,
      found: reports.filter((r) => r.newerTag === '1.1.0').length,
    };
  };
  const plain = await run(false);
  const listing = await run('minor');
  await proxy.close();
  if (listing.found !== repos.length) throw new Error(`newer tags found for ${listing.found} of ${repos.length} images`);
  return {
    refs: repos.length,
    plainRequests: plain.requests,
    listingRequests: listing.requests,
    plainMs: plain.ms,
    listingMs: listing.ms,
    ratio: listing.ms / plain.ms,
  };
}
