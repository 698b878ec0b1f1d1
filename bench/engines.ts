// What more engines cost, and how a check grows with the number of images:
// - the same images on the bed's three engines (a socket, tcp+TLS, ssh) against one engine:
//   registry requests per image per check (one lookup per tag, not one per engine), the check's
//   time (alternating runs, medians), and the daemon's RSS watching all three;
// - one engine at 20, 200 and 2,000 images: a check's time at the bench's round trip, and the
//   daemon's RSS.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BedInfo } from '../test/bed/testbed.js';
import { measureIdle } from './idle.js';
import { steadyChecks, type BenchEngines } from './lookups.js';
import { seedRepositories } from './seed.js';
import { median } from './stats.js';

export interface EngineResults {
  engines: number;
  requestsPerRefPerTick: number;
  oneEngineMs: number;
  threeEnginesMs: number;
  ratio: number;
  rssMb: number;
  /** The daemon's ssh sessions (separate processes), at the end of the run. */
  sshPssMb: number;
}

export interface ScaleRow {
  refs: number;
  checkMs: number;
  rssMb: number;
}

/** The bed's three engines, with a home whose ssh key and known_hosts reach the third. */
export function threeEngines(bed: BedInfo): BenchEngines {
  const home = mkdtempSync(path.join(os.tmpdir(), 'iw-bench-home-'));
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  copyFileSync(bed.ssh.identity, path.join(home, '.ssh', 'id_ed25519'));
  chmodSync(path.join(home, '.ssh', 'id_ed25519'), 0o600);
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `${bed.engines.vps.knownHosts}\n`);
  return {
    engines: [
      { name: 'local', host: bed.dockerHost },
      { name: 'nas', host: bed.engines.nas.host },
      { name: 'vps', host: bed.engines.vps.host },
    ],
    env: { HOME: home, DOCKER_CERT_PATH: bed.tls.certDir, DOCKER_TLS_VERIFY: '1', SSH_AUTH_SOCK: '' },
  };
}

export async function measureEngines(
  bed: BedInfo,
  options: { cli: string; repos: readonly string[]; rttMs: number; checks: number; pairs: number; idleTicks: number },
): Promise<EngineResults> {
  const { repos, rttMs } = options;
  const three = threeEngines(bed);
  const one: BenchEngines = { dockerHost: bed.dockerHost };
  const upstream = bed.registries.open;
  const counted = await steadyChecks(upstream, repos, 0, 300, options.checks, three);
  // Alternating runs, so a drift of the machine during the run falls on both sides alike.
  const oneMs: number[] = [];
  const threeMs: number[] = [];
  for (let i = 0; i < options.pairs; i++) {
    oneMs.push((await steadyChecks(upstream, repos, rttMs, 300, 1, one)).ms);
    threeMs.push((await steadyChecks(upstream, repos, rttMs, 300, 1, three)).ms);
  }
  const idle = await measureIdle({ cli: options.cli, registry: upstream, repos, ticks: options.idleTicks, on: three });
  return {
    engines: 3,
    requestsPerRefPerTick: counted.requests,
    oneEngineMs: median(oneMs),
    threeEnginesMs: median(threeMs),
    ratio: median(threeMs) / median(oneMs),
    rssMb: idle.rssMb,
    sshPssMb: idle.childrenPssMb,
  };
}

/** A check's time and the daemon's RSS at each size, on one engine; sizes past the seeded ones are seeded here. */
export async function measureScale(
  bed: BedInfo,
  options: { cli: string; id: string; seeded: readonly string[]; sizes: readonly number[]; rttMs: number; idleTicks: number },
): Promise<ScaleRow[]> {
  const largest = Math.max(...options.sizes);
  const extra = Array.from({ length: Math.max(0, largest - options.seeded.length) }, (_, i) => `bench-${options.id}/more-${i}`);
  await seedRepositories(bed.registries.open, extra, 'v1');
  const all = [...options.seeded, ...extra];
  const rows: ScaleRow[] = [];
  for (const refs of options.sizes) {
    const repos = all.slice(0, refs);
    const checked = await steadyChecks(bed.registries.open, repos, options.rttMs, 300, 1, { dockerHost: bed.dockerHost });
    const idle = await measureIdle({ cli: options.cli, registry: bed.registries.open, repos, ticks: options.idleTicks, on: { dockerHost: bed.dockerHost } });
    rows.push({ refs, checkMs: checked.ms, rssMb: idle.rssMb });
  }
  return rows;
}
