// What is refreshing, keyed by engine and runtime: one piece of work per key, shared by a
// second request, visible before the work's first event and gone before its last.
import { describe, expect, it } from 'vitest';
import { InFlight } from '../../electron/core/refresh/in-flight.js';

describe('work in flight', () => {
  it('shares one piece of work per engine and runtime, and keeps engines apart', async () => {
    const flight = new InFlight<string>();
    let started = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const start = async (): Promise<string> => {
      const run = ++started;
      await gate;
      return `run ${run}`;
    };
    const a = flight.run('local', 'app', start);
    const b = flight.run('local', 'app', start);
    const c = flight.run('nas', 'app', start);
    expect(started).toBe(2);
    expect(flight.keys()).toEqual([
      { engine: 'local', runtime: 'app' },
      { engine: 'nas', runtime: 'app' },
    ]);
    expect(flight.runtimes()).toEqual(new Set(['app']));
    release();
    expect(await a).toBe('run 1');
    expect(await b).toBe('run 1');
    expect(await c).toBe('run 2');
    expect(flight.size).toBe(0);
  });

  it('is in the map before the work starts, and out of it when the work says done, before it ends', async () => {
    const flight = new InFlight<void>();
    const seen: boolean[] = [];
    await flight.run('local', 'app', async (done) => {
      seen.push(flight.has('local', 'app'));
      await Promise.resolve();
      done();
      seen.push(flight.has('local', 'app'));
      // A new request after done starts new work rather than joining the ending one.
      let again = false;
      await flight.run('local', 'app', async () => void (again = true));
      seen.push(again);
    });
    expect(seen).toEqual([true, false, true]);
  });

  it('is idle only once work that started while waiting has ended too, failures included', async () => {
    const flight = new InFlight<void>();
    const order: string[] = [];
    void flight.run('local', 'a', async () => {
      await new Promise((r) => setTimeout(r, 10));
      order.push('a');
      void flight
        .run('local', 'b', async () => {
          await new Promise((r) => setTimeout(r, 10));
          order.push('b');
          throw new Error('b failed');
        })
        .catch(() => undefined);
    });
    await flight.idle();
    expect(order).toEqual(['a', 'b']);
    expect(flight.size).toBe(0);
  });
});
