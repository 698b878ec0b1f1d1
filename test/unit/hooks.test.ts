// Hooks read from labels (imagewatch's own win, Watchtower's in minutes, bad values named),
// planned only when the config allows and the container runs, their output read from the
// engine's multiplexed stream with a bound, and a put-off refresh recorded as neither applied
// nor failed, with the runtime retried later.
import { describe, expect, it } from 'vitest';
import type { ContainerInspect } from '../../electron/core/engines/client.js';
import { PassThrough } from 'node:stream';
import type { ContainerHandle } from '../../electron/core/engines/client.js';
import { planHooks, postUpdate, preUpdate } from '../../electron/core/update/hooks/around.js';
import { DEFAULT_HOOK_TIMEOUT_MS, hasHookLabels, HookLabelError, hooksOf, MAX_HOOK_TIMEOUT_MS } from '../../electron/core/update/hooks/read.js';
import { BoundedDemux } from '../../electron/core/update/hooks/run.js';
import { emptyRuntimeState } from '../../electron/core/state/store.js';
import { recordRefresh } from '../../electron/core/watch/transitions.js';

const WT = 'com.centurylinklabs.watchtower.lifecycle';

describe('hook labels', () => {
  it("reads imagewatch's labels (seconds) before Watchtower's (minutes, 0 meaning the longest allowed)", () => {
    expect(hooksOf({ 'imagewatch.pre-update': ' dump ', [`${WT}.pre-update`]: 'other' }).pre).toEqual({
      when: 'pre-update',
      command: 'dump',
      timeoutMs: DEFAULT_HOOK_TIMEOUT_MS,
      label: 'imagewatch.pre-update',
    });
    expect(hooksOf({ 'imagewatch.post-update': 'check', 'imagewatch.post-update-timeout': '5' }).post?.timeoutMs).toBe(5000);
    expect(hooksOf({ [`${WT}.post-update`]: 'check', [`${WT}.post-update-timeout`]: '2' }).post).toMatchObject({
      label: `${WT}.post-update`,
      timeoutMs: 120_000,
    });
    expect(hooksOf({ [`${WT}.pre-update`]: 'dump', [`${WT}.pre-update-timeout`]: '0' }).pre?.timeoutMs).toBe(MAX_HOOK_TIMEOUT_MS);
    expect(hooksOf({ 'imagewatch.pre-update': '   ' })).toEqual({});
    expect(hooksOf(null)).toEqual({});
  });

  it('names the label whose value cannot be used', () => {
    expect(() => hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': 'soon' })).toThrow(
      new HookLabelError('label imagewatch.pre-update-timeout="soon" is not a number of seconds from 1 to 3600'),
    );
    expect(() => hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': '0' })).toThrow(/not a number of seconds/);
    expect(() => hooksOf({ [`${WT}.post-update`]: 'x', [`${WT}.post-update-timeout`]: '-1' })).toThrow(
      `label ${WT}.post-update-timeout="-1" is not a number of minutes`,
    );
    expect(() => hooksOf({ 'imagewatch.post-update': 'y'.repeat(5000) })).toThrow(
      'label imagewatch.post-update holds 5000 characters; a hook command may have 4096',
    );
    // A long bad value is quoted by its first 40 characters only.
    expect(() => hooksOf({ 'imagewatch.pre-update': 'x', 'imagewatch.pre-update-timeout': `${'9'.repeat(40)}tail` })).toThrow(
      `label imagewatch.pre-update-timeout="${'9'.repeat(40)}" is not a number of seconds from 1 to 3600`,
    );
    expect(() => hooksOf({ [`${WT}.pre-update`]: 'x', [`${WT}.pre-update-timeout`]: `${'z'.repeat(40)}tail` })).toThrow(
      `label ${WT}.pre-update-timeout="${'z'.repeat(40)}" is not a number of minutes`,
    );
  });

  it('takes a label of blanks for no hook, whichever name it is under', () => {
    expect(hooksOf({ [`${WT}.pre-update`]: '  ' })).toEqual({});
    expect(hooksOf({ 'imagewatch.pre-update': ' ', [`${WT}.pre-update`]: 'dump' }).pre).toMatchObject({ command: 'dump', label: `${WT}.pre-update` });
    expect(hasHookLabels(null)).toBe(false);
    expect(hasHookLabels({ 'imagewatch.post-update': ' ', [`${WT}.pre-update`]: '\t' })).toBe(false);
    expect(hasHookLabels({ [`${WT}.post-update`]: 'x' })).toBe(true);
    expect(hasHookLabels({ 'imagewatch.pre-update': 'x' })).toBe(true);
  });

  it('plans hooks only when the config allows them and the container runs, and says why not', () => {
    const info = (running: boolean, labels: Record<string, string>): ContainerInspect =>
      ({ Config: { Labels: labels }, State: { Running: running } }) as unknown as ContainerInspect;
    const labels = { 'imagewatch.pre-update': 'dump' };
    expect(planHooks(info(true, labels), true).hooks.pre?.command).toBe('dump');
    expect(planHooks(info(true, labels), false)).toEqual({ hooks: {}, note: 'hook labels ignored: hooks are off ("hooks": true in the config runs them)' });
    expect(planHooks(info(false, labels), true)).toEqual({ hooks: {}, note: 'hooks not run: the container was not running' });
    expect(planHooks(info(true, {}), true)).toEqual({ hooks: {} });
  });
});

describe("a hook's output", () => {
  const frame = (kind: number, text: string): Buffer => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = kind;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };

  it('is read from frames split anywhere across chunks, stdout and stderr alike', () => {
    const demux = new BoundedDemux();
    const all = Buffer.concat([frame(1, 'hello '), frame(2, 'world')]);
    for (let i = 0; i < all.length; i += 3) demux.push(all.subarray(i, i + 3));
    expect(demux.text()).toBe('hello world');
  });

  it('keeps only its end when there is a lot of it', () => {
    const demux = new BoundedDemux();
    for (let i = 0; i < 1000; i++) demux.push(frame(1, `line ${i}\n`.padEnd(100, '.')));
    const text = demux.text();
    expect(text.length).toBeLessThanOrEqual(16 * 1024);
    expect(text.endsWith('line 999\n'.padEnd(100, '.'))).toBe(true);
    expect(text).not.toContain('line 1\n');
  });
});

describe('a refresh put off by a hook', () => {
  const A = `sha256:${'a'.repeat(64)}`;
  const B = `sha256:${'b'.repeat(64)}`;
  const NOW = Date.parse('2026-06-01T00:00:00Z');

  it('is recorded, leaves the digest unapplied and no error, and is retried with backoff', () => {
    const before = { ...emptyRuntimeState(), seenDigest: B, appliedDigest: A, updateAvailable: true };
    const detail = { image: 'x', ok: true, deferred: 'app: put off by its pre-update hook (exit 75)', containers: [] };
    const policy = { baseMs: 30_000, maxMs: 1_800_000, random: () => 0.5 };
    const once = recordRefresh(before, B, detail, NOW, policy);
    expect(once.appliedDigest).toBe(A);
    expect(once.lastError).toBeNull();
    expect(once.history.at(-1)).toMatchObject({ kind: 'refresh-deferred', digest: B, message: detail.deferred });
    expect(once.retry).toMatchObject({ digest: B, attempt: 1 });
    const twice = recordRefresh(once, B, detail, NOW, policy);
    expect(twice.retry?.attempt).toBe(2);
    expect(Date.parse(twice.retry!.nextAt)).toBeGreaterThan(Date.parse(once.retry!.nextAt));
    // A user's refresh (no retry policy) is recorded, and nothing is planned.
    expect(recordRefresh(before, B, detail, NOW, null).retry).toBeNull();
  });
});

describe('what a hook’s exit code means', () => {
  const info = { Id: 'old-id', Name: '/db', Config: { Env: ['DB_PASSWORD=hunter2-secret'] }, State: { Running: true } } as unknown as ContainerInspect;
  /** A container whose exec answers with `output` and `exitCode`, as the engine's multiplexed stream does. */
  function container(exitCode: number, output: string, opts: { neverEnds?: boolean } = {}) {
    return {
      exec: async () => ({
        start: async () => {
          const stream = new PassThrough();
          const payload = Buffer.from(output);
          const header = Buffer.alloc(8);
          header[0] = 1;
          header.writeUInt32BE(payload.length, 4);
          setTimeout(() => {
            stream.write(Buffer.concat([header, payload]));
            if (!opts.neverEnds) stream.end();
          }, 5);
          return stream;
        },
        inspect: async () => ({ Running: false, ExitCode: exitCode }),
      }),
    } as unknown as ContainerHandle;
  }
  const hook = (when: 'pre-update' | 'post-update', timeoutMs = 5000) => ({ when, command: 'x', timeoutMs, label: `imagewatch.${when}` }) as const;

  it('pre-update: 0 goes on, 75 puts the update off, anything else stops it with nothing touched', async () => {
    expect(await preUpdate(container(0, 'dumped'), info, hook('pre-update'))).toBeNull();
    expect(await preUpdate(container(75, 'backup running'), info, hook('pre-update'))).toEqual({
      name: 'db',
      id: 'old-id',
      action: 'skipped',
      deferred: true,
      reason: 'put off by its pre-update hook (exit 75); tried again later; output: backup running',
    });
    expect(await preUpdate(container(74, ''), info, hook('pre-update'))).toEqual({
      name: 'db',
      id: 'old-id',
      action: 'failed',
      reason: 'not replaced: pre-update hook failed (exit 74)',
      restored: true,
    });
    // The container's own secrets never reach the outcome.
    const leaked = await preUpdate(container(1, 'cannot log in with hunter2-secret'), info, hook('pre-update'));
    expect(leaked?.reason).toBe('not replaced: pre-update hook failed (exit 1); output: cannot log in with ***');
    const slow = await preUpdate(container(0, 'still dumping', { neverEnds: true }), info, hook('pre-update', 50));
    expect(slow).toMatchObject({
      action: 'failed',
      restored: true,
      reason: 'not replaced: pre-update hook did not finish within 0s; last output: still dumping',
    });
  });

  it('post-update: anything but 0 fails the replacement (which then rolls back)', async () => {
    await expect(postUpdate(info, hook('post-update'))(container(0, 'ok'))).resolves.toBeUndefined();
    await expect(postUpdate(info, hook('post-update'))(container(75, ''))).rejects.toThrow(new Error('post-update hook failed (exit 75)'));
    await expect(postUpdate(info, hook('post-update'))(container(3, 'migration failed'))).rejects.toThrow(
      'post-update hook failed (exit 3); output: migration failed',
    );
  });
});
