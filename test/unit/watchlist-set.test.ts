// Discovery across engines: a tag found on several engines is one runtime on each of them, and a
// name two engines give to two different tags is kept apart.
import { describe, expect, it } from 'vitest';
import type { RuntimeConfig, UnwatchedImage } from '../../shared/dto.js';
import type { Watchlist } from '../../electron/core/targets/watchlist.js';
import { WatchlistSet } from '../../electron/core/targets/watchlist-set.js';

const list = (discovered: RuntimeConfig[], unwatched: UnwatchedImage[] = []): Watchlist =>
  ({ discovered: () => discovered, unwatched: () => unwatched, runtimes: () => discovered, update: async () => undefined }) as unknown as Watchlist;

describe('the watchlists of several engines', () => {
  it('merges a tag found on several engines into one runtime on each, and keeps clashing names apart', () => {
    const set = new WatchlistSet({
      mode: () => true,
      configured: () => [{ name: 'web', image: 'reg/web:latest' }],
      lists: () => [
        {
          engine: 'nas',
          watchlist: list([
            { name: 'db', image: 'reg/db:16' },
            { name: 'app', image: 'reg/app:latest' },
          ]),
        },
        {
          engine: 'vps',
          watchlist: list(
            [
              { name: 'db', image: 'reg/db:16' },
              { name: 'app', image: 'other/app:latest' },
            ],
            [{ image: 'local/x', reason: 'local-build', detail: 'local build', containers: ['x'] }],
          ),
        },
      ],
    });
    expect(set.runtimes()).toEqual([
      { name: 'web', image: 'reg/web:latest' },
      { name: 'db', image: 'reg/db:16', engines: ['nas', 'vps'] },
      { name: 'app', image: 'reg/app:latest', engines: ['nas'] },
      { name: 'app-vps', image: 'other/app:latest', engines: ['vps'] },
    ]);
    expect(set.isDiscovered('db')).toBe(true);
    expect(set.isDiscovered('web')).toBe(false);
    expect(set.unwatched()).toEqual([{ image: 'local/x', reason: 'local-build', detail: 'local build', containers: ['x'], engine: 'vps' }]);
  });

  it('is the one engine’s list, unchanged, with one engine, and only the configured runtimes without discovery', () => {
    const one = list([{ name: 'db', image: 'reg/db:16' }]);
    expect(new WatchlistSet({ mode: () => true, configured: () => [], lists: () => [{ engine: 'local', watchlist: one }] }).runtimes()).toEqual([
      { name: 'db', image: 'reg/db:16' },
    ]);
    expect(
      new WatchlistSet({ mode: () => false, configured: () => [{ name: 'web', image: 'w' }], lists: () => [{ engine: 'local', watchlist: one }] }).runtimes(),
    ).toEqual([{ name: 'web', image: 'w' }]);
  });
});
