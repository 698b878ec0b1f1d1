// Settings as the core gets them: every default, every unit turned into milliseconds, and every
// mistake in engines and windows refused with the key that holds it.
import { describe, expect, it } from 'vitest';
import { checkEngines, checkWindows, resolveSettings } from '../../electron/core/config/load.js';

describe('resolved settings', () => {
  it('fill every default, in the units the core uses', () => {
    const c = resolveSettings({ runtimes: [{ name: 'a', image: 'nginx' }] }, 'c.json', {});
    expect(c).toMatchObject({
      source: 'c.json',
      intervalMs: 300_000,
      autoRefresh: false,
      recreate: 'replace',
      insecureRegistries: [],
      credentials: {},
      caFiles: {},
      startGraceMs: 3000,
      healthTimeoutMs: 120_000,
      pullStallMs: 120_000,
      concurrency: 8,
      discover: false,
      metricsPublic: false,
      notify: [],
      tagsIntervalMs: 6 * 3600_000,
      minAgeMinutes: 0,
      cleanup: true,
      keepPrevious: 1,
      hooks: false,
    });
  });

  it('take what is set, in seconds turned to milliseconds', () => {
    const c = resolveSettings(
      {
        runtimes: [{ name: 'a', image: 'nginx' }],
        intervalSeconds: 60,
        autoRefresh: true,
        startGraceSeconds: 2,
        healthTimeoutSeconds: 30,
        pullStallSeconds: 45,
        tagsIntervalSeconds: 3600,
        insecureRegistries: ['reg.lan:5000'],
        credentials: { 'reg.lan:5000': { username: 'u', password: 'p' } },
        metrics: { public: true },
        notify: ['json://hooks.lan/x'],
        hooks: true,
      },
      'c.json',
      {},
    );
    expect(c).toMatchObject({
      intervalMs: 60_000,
      autoRefresh: true,
      startGraceMs: 2000,
      healthTimeoutMs: 30_000,
      pullStallMs: 45_000,
      tagsIntervalMs: 3_600_000,
      insecureRegistries: ['reg.lan:5000'],
      credentials: { 'reg.lan:5000': { username: 'u', password: 'p' } },
      metricsPublic: true,
      notify: ['json://hooks.lan/x'],
      hooks: true,
    });
    expect(resolveSettings({ runtimes: [], metrics: { public: false } }, 'c', {}).metricsPublic).toBe(false);
    // The origin's switch turns auto-refresh on, whatever the file says.
    expect(resolveSettings({ runtimes: [], autoRefresh: false }, 'c', { IMAGE_AUTO_REFRESH: 'TRUE' }).autoRefresh).toBe(true);
  });

  it("watch the origin's eight by default, and only the containers' images in discovery mode", () => {
    expect(resolveSettings({}, 'defaults', {}).runtimes).toHaveLength(8);
    expect(resolveSettings({ discover: true }, 'c', {}).runtimes).toEqual([]);
    expect(resolveSettings({ discover: 'opt-in' }, 'c', {}).runtimes).toEqual([]);
  });
});

describe('mistakes in engines and windows', () => {
  it('name the key and what is wrong', () => {
    expect(() => checkEngines({ dockerHost: 'unix:///x', engines: [{ name: 'a', host: 'unix:///y' }] }, 'c.json')).toThrow(
      'c.json: dockerHost and engines are both set; give that host as one of the engines',
    );
    expect(() => checkEngines({ runtimes: [{ name: 'web', image: 'nginx', engines: ['nas'] }] }, 'c.json')).toThrow(
      'c.json: runtimes[0].engines (runtime "web") names engine "nas", but no "engines" are configured',
    );
    expect(() =>
      checkEngines(
        {
          engines: [
            { name: 'laptop', host: 'unix:///x' },
            { name: 'vps', host: 'ssh://v' },
          ],
          runtimes: [{ name: 'web', image: 'nginx', engines: ['laptop', 'nas'] }],
        },
        'c.json',
      ),
    ).toThrow('names engine "nas", but the engines are laptop, vps');
    expect(() =>
      checkEngines({ engines: [{ name: 'nas', host: 'ssh://n' }], runtimes: [{ name: 'web', image: 'nginx', engines: ['nas'] }] }, 'c.json'),
    ).not.toThrow();
    expect(() => checkWindows({ window: '25:00-26:00' }, 'c.json')).toThrow(/^c\.json: window: update window "25:00-26:00": write/);
    expect(() => checkWindows({ runtimes: [{ name: 'db', image: 'postgres', window: '01:00-01:00' }] }, 'c.json')).toThrow(
      'c.json: runtimes[0].window (runtime "db"): update window "01:00-01:00" is empty',
    );
    expect(() => checkWindows({ window: '02:00-05:00', runtimes: [{ name: 'db', image: 'postgres' }] }, 'c.json')).not.toThrow();
  });
});
