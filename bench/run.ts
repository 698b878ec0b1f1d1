// `npm run bench`: imagewatch measured side by side with the origin and the naive way, against
// the test bed (the real registry behind a latency proxy, the real dockerd, Debian's Chromium).
//   --json   one JSON object (the fields below), instead of the table
//   --smoke  tiny sizes, to prove the bench still runs (part of `npm test`); numbers mean little
//   --long   the daemon's footprint over 1,440 checks instead of 300
// With IMAGEWATCH_BENCH_BED (a running bed's BedInfo as JSON) it uses that bed; else it starts one.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestBed, type BedInfo } from '../test/bed/testbed.js';
import { measureDowntime, type DowntimeResults } from './downtime.js';
import { measureIdle, type IdleResults } from './idle.js';
import { measureLookups, type LookupResults } from './lookups.js';
import { seedRepositories } from './seed.js';
import { measureUi, type UiResults } from './ui.js';
import { measureEngines, measureScale, type EngineResults, type ScaleRow } from './engines.js';
import { measureSwarm, type SwarmResults } from './swarm.js';
import { measureTags, type TagResults } from './tags.js';

type BenchResult = LookupResults & {
  downtime: DowntimeResults;
  idle: IdleResults;
  ui: UiResults;
  engines: EngineResults;
  scale: ScaleRow[];
  swarm: SwarmResults;
  tags: TagResults;
};

const args = new Set(process.argv.slice(2));
const smoke = args.has('--smoke');
const sizes = {
  refs: smoke ? 10 : 200,
  rttMs: smoke ? 5 : 50,
  checks: smoke ? 2 : 5,
  pairs: smoke ? 1 : 3,
  idleTicks: smoke ? 12 : args.has('--long') ? 1440 : 300,
  /** The cost curve's sizes on one engine, and the daemon checks measured at each. */
  scale: smoke ? [5, 10, 20] : [20, 200, 2000],
  scaleTicks: smoke ? 4 : 40,
};
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'dist/electron/cli/main.js');

function table(r: BenchResult, staticMs: number): string {
  const f = (n: number, digits = 2): string => n.toFixed(digits);
  const rows: Array<[string, string, string]> = [
    ['registry requests per image per check, 300 s interval', f(r.requestsPerRefPerTick.interval300, 3), 'target ≤ 1.01'],
    ['registry requests per image per check, 60 s interval', f(r.requestsPerRefPerTick.interval60, 3), 'target ≤ 1.01'],
    ['registry requests per image, the check after its tag moved (lookup + labels)', f(r.requestsPerMovedRef, 3), 'target ≤ 4 (1 + 3, once)'],
    ['new connections per image per check, 60 s interval', f(r.newConnectionsPerRefPerTick, 3), 'target ≤ 0.05'],
    [
      `check of ${r.tick.refs} images at ${r.tick.rttMs} ms round trip`,
      `${f(r.tick.oursMs, 0)} ms`,
      `limit ${r.tick.limitMs} ms, ×${f(r.tick.overLimit)} (target ≤ 1.15)`,
    ],
    ['the origin, same images and proxy', `${f(r.tick.originMs, 0)} ms`, `imagewatch ${f(r.tick.speedupVsOrigin, 1)}× faster (target ≥ 15)`],
    [
      'downtime of a replace (published port)',
      `${f(r.downtime.oursMs, 0)} ms`,
      `naive stop/rm/run ${f(r.downtime.naiveMs, 0)} ms, ×${f(r.downtime.ratio)} (target ≤ 0.6)`,
    ],
    ['failed calls across an overlapping replace', String(r.downtime.overlapFailedRequests), 'target 0'],
    [
      `daemon RSS, ${r.tick.refs} images`,
      `${f(r.idle.rssMb, 1)} MB`,
      `growth ${f(r.idle.rssGrowthMbPer1000Ticks)} MB / 1000 checks; CPU ${f(r.idle.cpuMsPerTick, 1)} ms / check (target ≤ 64 MB)`,
    ],
    [
      `window: ${r.ui.runtimes} runtimes drawn`,
      `${f(r.ui.renderMs, 0)} ms`,
      `target ≤ 150 ms; the same table as a static page here: ${f(staticMs, 0)} ms (×${f(r.ui.renderMs / staticMs)})`,
    ],
    ['window: progress events handled with frames ≤ 50 ms', `${r.ui.progressEventsPerSec} /s`, 'target ≥ 200 /s'],
    [
      `registry requests per image per check, ${r.engines.engines} engines`,
      f(r.engines.requestsPerRefPerTick, 3),
      'target ≤ 1.01 (one lookup per tag, not per engine)',
    ],
    [
      `check of ${r.tick.refs} images on ${r.engines.engines} engines`,
      `${f(r.engines.threeEnginesMs, 0)} ms`,
      `one engine ${f(r.engines.oneEngineMs, 0)} ms, ×${f(r.engines.ratio)} (target ≤ 1.1)`,
    ],
    [
      'Swarm service update (2 replicas), digest move to complete',
      `${f(r.swarm.oursMs, 0)} ms`,
      `docker service update --image ${f(r.swarm.cliMs, 0)} ms, ×${f(r.swarm.ratio)} (target ≤ 1.1)`,
    ],
    [
      `check of ${r.tags.refs} images with newerTags on, every tag listing due`,
      `${f(r.tags.listingMs, 0)} ms`,
      `${r.tags.listingRequests} requests; plain check ${f(r.tags.plainMs, 0)} ms, ${r.tags.plainRequests} requests; ×${f(r.tags.ratio)}`,
    ],
    [
      `daemon RSS, ${r.tick.refs} images on ${r.engines.engines} engines`,
      `${f(r.engines.rssMb, 1)} MB`,
      `target ≤ 70 MB; its ssh sessions (own processes, PSS) ${f(r.engines.sshPssMb, 1)} MB more`,
    ],
    ...r.scale.map((row): [string, string, string] => [
      `one engine, ${row.refs} images: check at ${r.tick.rttMs} ms round trip; daemon RSS`,
      `${f(row.checkMs, 0)} ms`,
      `${f(row.rssMb, 1)} MB (cost curve)`,
    ]),
  ];
  const w0 = Math.max(...rows.map((row) => row[0].length));
  const w1 = Math.max(...rows.map((row) => row[1].length));
  return rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`).join('\n');
}

async function main(): Promise<void> {
  let bed: BedInfo;
  let own: TestBed | null = null;
  if (process.env.IMAGEWATCH_BENCH_BED) {
    bed = JSON.parse(process.env.IMAGEWATCH_BENCH_BED) as BedInfo;
  } else {
    own = new TestBed();
    bed = await own.start();
  }
  try {
    const id = Math.random().toString(36).slice(2, 8);
    const repos = Array.from({ length: sizes.refs }, (_, i) => `bench-${id}/app-${i}`);
    await seedRepositories(bed.registries.open, repos, 'v1');
    const lookups = await measureLookups({ upstream: bed.registries.open, repos, rttMs: sizes.rttMs, checks: sizes.checks, dockerHost: bed.dockerHost });
    const downtime = await measureDowntime(bed, { pairs: sizes.pairs, id });
    const idle = await measureIdle({ cli: CLI, registry: bed.registries.open, repos, ticks: sizes.idleTicks, on: { dockerHost: bed.dockerHost } });
    const { results: ui, staticMs } = await measureUi({ cli: CLI, registry: bed.registries.open, repos, dockerHost: bed.dockerHost });
    const engines = await measureEngines(bed, {
      cli: CLI,
      repos,
      rttMs: sizes.rttMs,
      checks: sizes.checks,
      pairs: sizes.pairs,
      idleTicks: Math.min(sizes.idleTicks, 100),
    });
    const scale = await measureScale(bed, { cli: CLI, id, seeded: repos, sizes: sizes.scale, rttMs: sizes.rttMs, idleTicks: sizes.scaleTicks });
    const swarm = await measureSwarm(bed, { id, pairs: sizes.pairs });
    const tags = await measureTags({ upstream: bed.registries.open, repos, rttMs: sizes.rttMs, dockerHost: bed.dockerHost });
    const result: BenchResult = { ...lookups, downtime, idle, ui, engines, scale, swarm, tags };
    if (args.has('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`imagewatch bench, ${new Date().toISOString()}${smoke ? ' (smoke sizes)' : ''}\n\n${table(result, staticMs)}\n`);
  } finally {
    await own?.stop();
  }
}

await main();
