// Two small rules that decide big things. Who wrote a note (a journal entry, a lock): a pid
// alone is not enough, since the OS reuses pids, and a process on another host cannot be
// asked. And when a registry token is reused: never at or past its expiry, renewed a little
// early, one registry's tokens forgotten without touching another's.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatIdentity, liveness, parseIdentity, procStartTicks, sameIdentity, selfIdentity } from '../../electron/core/owner/identity.js';
import { TokenCache } from '../../electron/core/registry/token-cache.js';

describe('who wrote a note', () => {
  it('reads back what it wrote, and nothing else', () => {
    const me = selfIdentity();
    expect(parseIdentity(formatIdentity(me))).toEqual(me);
    expect(parseIdentity('host.lan/42/-')).toEqual({ host: 'host.lan', pid: 42, start: null });
    expect(parseIdentity('a/b/42/7')).toEqual({ host: 'a/b', pid: 42, start: 7 });
    for (const bad of ['', 'host/42', 'host/x/7', 'host/42/7/extra', 'host/42/7 ', ' /42/7x', undefined]) expect(parseIdentity(bad)).toBeNull();
    expect(formatIdentity({ host: 'h', pid: 1, start: null })).toBe('h/1/-');
  });

  it('tells this process, a reused pid, a dead one and another host apart', () => {
    const me = selfIdentity();
    expect(me).toMatchObject({ host: os.hostname(), pid: process.pid });
    expect(sameIdentity(me, { ...me })).toBe(true);
    expect(sameIdentity(me, { ...me, host: 'other' })).toBe(false);
    expect(sameIdentity(me, { ...me, pid: me.pid + 1 })).toBe(false);
    expect(sameIdentity(me, { ...me, start: (me.start ?? 0) + 1 })).toBe(false);
    expect(liveness(me)).toBe('alive');
    // Our pid, started at another time: the process that wrote it is gone.
    expect(liveness({ ...me, start: (me.start ?? 0) + 1 })).toBe('dead');
    expect(liveness({ ...me, host: 'another-host' })).toBe('unknown');
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    expect(liveness({ host: me.host, pid: Number(exited), start: null })).toBe('dead');
    // pid 1 runs (and is not ours); with its start time it is alive, with another it was reused.
    const init = procStartTicks(1);
    expect(liveness({ host: me.host, pid: 1, start: init })).toBe(process.getuid?.() === 0 ? 'alive' : 'dead');
  });
});

describe('registry tokens', () => {
  it('are reused until just before they expire, and never at or after', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.set('ghcr.io', 'repo:a:pull', 't1', 300);
    // 300 s less a 10 s margin.
    now += 289_999;
    expect(cache.get('ghcr.io', 'repo:a:pull')).toBe('t1');
    now += 1;
    expect(cache.get('ghcr.io', 'repo:a:pull')).toBeNull();
    // Short lifetimes keep a 10 % margin; a missing, zero or nonsense lifetime means the spec's 60 s.
    cache.set('ghcr.io', 'short', 't2', 20);
    now += 17_999;
    expect(cache.get('ghcr.io', 'short')).toBe('t2');
    now += 1;
    expect(cache.get('ghcr.io', 'short')).toBeNull();
    for (const lifetime of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      cache.set('r', 's', 't', lifetime);
      const start = now;
      now = start + 53_999;
      expect(cache.get('r', 's')).toBe('t');
      now = start + 54_000;
      expect(cache.get('r', 's')).toBeNull();
    }
  });

  it("forgets one scope, or one registry's tokens, and leaves the others", () => {
    const cache = new TokenCache(() => 0);
    cache.set('ghcr.io', 'a', 'ta', 300);
    cache.set('ghcr.io', 'b', 'tb', 300);
    cache.set('docker.io', 'a', 'da', 300);
    cache.set('my.ghcr.io', 'a', 'ma', 300);
    cache.delete('ghcr.io', 'a');
    expect([cache.get('ghcr.io', 'a'), cache.get('ghcr.io', 'b')]).toEqual([null, 'tb']);
    cache.deleteRegistry('ghcr.io');
    expect([cache.get('ghcr.io', 'b'), cache.get('docker.io', 'a'), cache.get('my.ghcr.io', 'a')]).toEqual([null, 'da', 'ma']);
  });
});
