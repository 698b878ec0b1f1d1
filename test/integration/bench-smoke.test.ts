// `npm run bench` at tiny sizes on the running bed, so the bench cannot rot: it must run to
// the end and print every field as a number. Its numbers are not judged here (timing belongs
// to the bench, not to tests).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, requireBed } from './helpers.js';

const run = promisify(execFile);
const bed = requireBed();

const SHAPE = {
  requestsPerRefPerTick: ['interval60', 'interval300'],
  newConnectionsPerRefPerTick: null,
  requestsPerMovedRef: null,
  tick: ['refs', 'rttMs', 'oursMs', 'originMs', 'limitMs', 'speedupVsOrigin', 'overLimit'],
  downtime: ['oursMs', 'naiveMs', 'ratio', 'overlapFailedRequests'],
  idle: ['rssMb', 'rssGrowthMbPer1000Ticks', 'cpuMsPerTick', 'childrenPssMb'],
  ui: ['runtimes', 'renderMs', 'progressEventsPerSec'],
  engines: ['engines', 'requestsPerRefPerTick', 'oneEngineMs', 'threeEnginesMs', 'ratio', 'rssMb', 'sshPssMb'],
  scale: null,
  swarm: ['oursMs', 'cliMs', 'ratio'],
  tags: ['refs', 'plainRequests', 'listingRequests', 'plainMs', 'listingMs', 'ratio'],
} as const;

describe.skipIf(bed === null)('the bench', () => {
  it('runs at smoke sizes and prints exactly the documented fields, all numbers', async () => {
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'dist/bench/run.js'), '--smoke', '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, IMAGEWATCH_BENCH_BED: JSON.stringify(bed) },
      timeout: 170_000,
      maxBuffer: 1024 * 1024,
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(Object.keys(SHAPE).sort());
    for (const [key, fields] of Object.entries(SHAPE)) {
      if (key === 'scale') {
        // One row per size of the cost curve.
        const rows = result.scale as Array<Record<string, unknown>>;
        expect(rows.map((r) => r.refs)).toEqual([5, 10, 20]);
        for (const row of rows) for (const field of ['refs', 'checkMs', 'rssMb']) expect(Number.isFinite(row[field]), `scale.${field}`).toBe(true);
        continue;
      }
      if (fields === null) {
        expect(Number.isFinite(result[key]), key).toBe(true);
        continue;
      }
      const group = result[key] as Record<string, unknown>;
      expect(Object.keys(group).sort(), key).toEqual([...fields].sort());
      for (const field of fields) expect(Number.isFinite(group[field]), `${key}.${field}`).toBe(true);
    }
  });
});
