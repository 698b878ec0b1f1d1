// The per-request signal: follows its parents, times out with its own reason, and leaves
// nothing behind (no listener on a long-lived parent, no pending timer) once disposed.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { linkedSignal } from '../../electron/core/util/linked-signal.js';

describe('linkedSignal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is aborted with the reason of whichever parent aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkedSignal([a.signal, undefined, b.signal], 60_000);
    b.abort(new Error('shutting down'));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe('shutting down');
    expect(linked.timedOut).toBe(false);
    linked.dispose();
  });

  it('starts aborted when a parent already is', () => {
    const a = new AbortController();
    a.abort(new Error('gone'));
    const linked = linkedSignal([a.signal]);
    expect((linked.signal.reason as Error).message).toBe('gone');
    linked.dispose();
  });

  it('times out on its own, and says so', () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    const linked = linkedSignal([parent.signal], 1_000);
    vi.advanceTimersByTime(999);
    expect(linked.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(linked.timedOut).toBe(true);
    expect((linked.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(parent.signal.aborted).toBe(false);
    linked.dispose();
  });

  it('once disposed, leaves no listener on a long-lived parent and no pending timer', () => {
    vi.useFakeTimers();
    const daemon = new AbortController();
    for (let i = 0; i < 1_000; i++) linkedSignal([daemon.signal], 30_000).dispose();
    expect(getEventListeners(daemon.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    // Disposed means cut loose: the parent aborting later does not reach it.
    const linked = linkedSignal([daemon.signal], 30_000);
    linked.dispose();
    daemon.abort();
    expect(linked.signal.aborted).toBe(false);
  });
});
