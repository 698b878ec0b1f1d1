// Who owns a state directory, at the edges of asking the system: a process whose name holds
// spaces and parentheses has its start time read right (a wrong one makes a live owner look
// dead, and two owners run at once), and what kill(pid, 0) answers is taken for what it means.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveness, procStartTicks, selfIdentity } from '../../electron/core/owner/identity.js';

afterEach(() => vi.restoreAllMocks());

describe.runIf(process.platform === 'linux')('a process with an odd name', () => {
  it('has its start time read past the name, and is alive with it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-odd-'));
    // The kernel's name for a process is its program file's name: spaces and parens included.
    const name = 'a) b (c d';
    const program = path.join(dir, name);
    copyFileSync('/bin/sleep', program);
    const odd = spawn(program, ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => odd.once('spawn', resolve));
      const stat = readFileSync(`/proc/${odd.pid}/stat`, 'utf8');
      // Read here knowing the name: the 22nd field, the 20th after "(name) ".
      const expected = Number(stat.slice(stat.indexOf(`(${name}) `) + name.length + 3).split(' ')[19]);
      expect(expected).toBeGreaterThan(0);
      expect(procStartTicks(odd.pid!)).toBe(expected);
      expect(liveness({ host: selfIdentity().host, pid: odd.pid!, start: expected })).toBe('alive');
      expect(liveness({ host: selfIdentity().host, pid: odd.pid!, start: expected + 1 })).toBe('dead');
    } finally {
      odd.kill('SIGKILL');
    }
  });
});

describe('what kill(pid, 0) answers', () => {
  const other = (): { host: string; pid: number; start: number } => ({ host: selfIdentity().host, pid: process.pid + 1_000_000, start: 1 });
  const failing = (code: string): void => {
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error(code), { code });
    });
  };

  it('takes a pid that belongs to another user for no owner of ours', () => {
    failing('EPERM');
    expect(liveness(other())).toBe('dead');
  });

  it('takes no such process for dead, and any other failure for unknown', () => {
    failing('ESRCH');
    expect(liveness(other())).toBe('dead');
    vi.restoreAllMocks();
    failing('EINVAL');
    expect(liveness(other())).toBe('unknown');
  });
});
