// A new test bed clears the beds whose runner died: their processes stopped, their mounts
// unmounted (as root, which CI is), their directories removed. A live runner's bed stays.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIdentity, selfIdentity } from '../../electron/core/owner/identity.js';
import { claimBed, sweepDeadBeds } from '../bed/dead-beds.js';

const root = process.getuid?.() === 0;

describe('dead test beds', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'iw-sweep-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('stops, unmounts and removes a bed whose owner is gone, and keeps a live one', async () => {
    const dead = path.join(tmp, 'iw-bed-dead');
    const live = path.join(tmp, 'iw-bed-live');
    const mine = path.join(tmp, 'iw-bed-mine');
    for (const dir of [dead, live, mine]) mkdirSync(dir);
    // The dead bed's owner: a process that has exited.
    const exited = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(path.join(dead, 'owner'), formatIdentity({ ...selfIdentity(), pid: Number(exited.stdout.trim()), start: 1 }));
    claimBed(live);
    // A server the dead runner left behind, its command line naming the bed.
    const server = spawn('sh', ['-c', 'sleep 60', path.join(dead, 'dockerd')], { stdio: 'ignore' });
    const exitedServer = new Promise((resolve) => server.on('exit', resolve));
    if (root) {
      mkdirSync(path.join(dead, 'netns'));
      execFileSync('mount', ['-t', 'tmpfs', 'none', path.join(dead, 'netns')]);
    }

    expect(sweepDeadBeds(mine, tmp)).toEqual([dead]);
    await exitedServer;
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(mine)).toBe(true);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(dead);
  });
});
