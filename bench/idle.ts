// The daemon's footprint: a real `imagewatch watch` process watching the seeded images. Checks
// are asked for through its owner channel (as a cron `check` hands its work over), so hundreds
// of checks run in a minute instead of hours. RSS and CPU time are read from /proc after each.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connectChannel, exchange } from '../electron/core/owner/channel.js';
import { writeBenchConfig } from './seed.js';
import { median } from './stats.js';
import type { BenchEngines } from './lookups.js';

export interface IdleResults {
  rssMb: number;
  rssGrowthMbPer1000Ticks: number;
  cpuMsPerTick: number;
  /** The PSS of the daemon's child processes at the end (ssh sessions to ssh:// engines), counted apart. */
  childrenPssMb: number;
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/** A process's proportional set size: its own pages, and its share of those it shares (ssh's libraries). */
function pssMb(pid: number): number {
  const kb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/**
 * What a process's children (ssh sessions) add to memory, so that moving work out of the process
 * is not counted as saved. PSS, not RSS: the sessions share ssh's libraries with each other and
 * the system, and RSS would count those once per session.
 */
function childrenPssMb(pid: number): number {
  let children: string[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return 0;
  }
  return children.reduce((sum, child) => {
    try {
      return sum + pssMb(Number(child));
    } catch {
      return sum; // exited meanwhile
    }
  }, 0);
}

function cpuMs(pid: number): number {
  // utime and stime are fields 14 and 15, in clock ticks (100 per second on Linux).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Least-squares slope of y over x. */
function slope(ys: number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

export async function measureIdle(options: { cli: string; registry: string; repos: readonly string[]; ticks: number; on: BenchEngines }): Promise<IdleResults> {
  const { on } = options;
  const where = 'engines' in on ? { engines: on.engines } : { dockerHost: on.dockerHost };
  const { dir, config } = writeBenchConfig('iw-bench-idle-', options.registry, options.repos, { ...where, intervalSeconds: 3600 });
  const child = spawn(process.execPath, [options.cli, 'watch', '--config', config, '--state', path.join(dir, 'state.json')], {
    stdio: 'ignore',
    ...('env' in on ? { env: { ...process.env, ...on.env } } : {}),
  });
  try {
    let owner: { channel: string; token: string } | null = null;
    const deadline = Date.now() + 30_000;
    while (!owner) {
      try {
        owner = JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8')) as { channel: string; token: string };
      } catch {
        if (Date.now() > deadline) throw new Error('imagewatch watch did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // owner.json is written as the lock is taken; the channel listens a moment later.
    for (;;) {
      try {
        (await connectChannel(owner.channel)).destroy();
        break;
      } catch {
        if (Date.now() > deadline) throw new Error('imagewatch watch did not open its channel');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const pid = child.pid!;
    const rss: number[] = [];
    const warmup = Math.max(1, Math.floor(options.ticks / 10));
    let cpuAtWarmup = 0;
    for (let tick = 0; tick < options.ticks; tick++) {
      const answer = await exchange(await connectChannel(owner.channel), { token: owner.token, method: 'check', autoRefresh: false });
      if (!answer.ok) throw new Error(`check failed: ${answer.failure.message}`);
      if (tick === warmup - 1) cpuAtWarmup = cpuMs(pid);
      if (tick >= warmup) rss.push(rssMb(pid));
    }
    const measured = options.ticks - warmup;
    return {
      rssMb: rss.length ? median(rss) : rssMb(pid),
      rssGrowthMbPer1000Ticks: rss.length > 1 ? slope(rss) * 1000 : 0,
      cpuMsPerTick: measured > 0 ? (cpuMs(pid) - cpuAtWarmup) / measured : 0,
      childrenPssMb: childrenPssMb(pid),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
