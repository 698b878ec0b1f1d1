// Channel URLs as shoutrrr and Apprise users write them: each parsed, its label masked, and a
// bad one refused with its place named and its secret left out.
import { describe, expect, it } from 'vitest';
import { parseChannel } from '../../electron/core/notify/channels.js';
import { MessageMaker, messageFields } from '../../electron/core/notify/message.js';

describe('notification channel URLs', () => {
  it('masks every secret in the label', () => {
    const labels = [
      'json://hooks.lan/path-s3cret?+Authorization=Bearer%20s3cret',
      'generic://user:s3cret@hooks.lan/x',
      'ntfys://ntfy.sh/topic-s3cret',
      'gotifys://push.lan/sub/s3cret-token',
      'discord://123/s3cret',
      'discord://s3cret@123',
      'slack://T0/B0/s3cret',
      'apprises://apprise.lan/s3cret-key',
      'mqtt://ha:s3cret@broker.lan:1883/home',
      'mailto://me%40lan:s3cret@smtp.lan:587?to=ops@lan',
    ].map((url) => parseChannel(url, 'c.json: notify[0]').label);
    expect(labels).toEqual([
      'json://hooks.lan/*** (headers Authorization)',
      'generic://user:***@hooks.lan/***',
      'ntfys://ntfy.sh/t***',
      'gotifys://push.lan/sub/***',
      'discord://***',
      'discord://***',
      'slack://***',
      'apprises://apprise.lan/s***',
      'mqtt://ha:***@broker.lan:1883/home',
      'mailto://me@lan:***@smtp.lan:587 → ops@lan',
    ]);
    expect(labels.join(' ')).not.toContain('s3cret');
  });

  it('refuses what cannot work, naming the place and never the secret', () => {
    expect(() => parseChannel('irc://me:s3cret@irc.lan/#ops', 'c.json: notify[2]')).toThrow(/^c\.json: notify\[2\]: unsupported notification URL scheme "irc"/);
    expect(() => parseChannel('mailto://me:s3cret@smtp.lan', 'w')).toThrow(/mailto:\/\/ needs a server and recipients/);
    expect(() => parseChannel('ntfy://ntfy.sh', 'c.json: notify[0]')).toThrow(/ntfy:\/\/ needs a host and a topic/);
    expect(() => parseChannel('slack://only-s3cret', 'w')).toThrow(/slack:\/\/ needs an incoming webhook/);
    expect(() => parseChannel('not a url s3cret', 'w')).toThrow(/^w: not a URL/);
    for (const bad of ['irc://me:s3cret@irc.lan/#ops', 'mailto://me:s3cret@smtp.lan', 'slack://only-s3cret', 'not a url s3cret']) {
      try {
        parseChannel(bad, 'w');
      } catch (err) {
        expect((err as Error).message).not.toContain('s3cret');
      }
    }
  });

  it('tells a new version once per digest', () => {
    const maker = new MessageMaker(() => 0);
    const moved = {
      type: 'digest-moved' as const,
      runtime: 'app',
      image: 'ghcr.io/o/app:latest',
      from: `sha256:${'a'.repeat(64)}`,
      to: `sha256:${'b'.repeat(64)}`,
    };
    expect(maker.fromEvent(moved)).toMatchObject({ kind: 'new-version', runtime: 'app', digest: moved.to });
    expect(maker.fromEvent(moved)).toBeNull();
    expect(maker.fromEvent({ type: 'update-found', runtime: 'app', image: moved.image, digest: moved.to })).toBeNull();
  });

  it('tells a new version as people read it, with what changed and its age', () => {
    const maker = new MessageMaker(() => Date.parse('2026-12-07T10:00:00Z'));
    const message = maker.fromEvent({
      type: 'digest-moved',
      runtime: 'app',
      image: 'ghcr.io/o/app:latest',
      from: `sha256:${'a'.repeat(64)}`,
      to: `sha256:${'b'.repeat(64)}`,
      version: '0.87.1',
      previousVersion: '0.86.0',
      link: 'https://github.com/o/app/releases/tag/v0.87.1',
      created: '2026-12-07T08:00:00Z',
    })!;
    expect(message.title).toBe('New version of app: 0.86.0 → 0.87.1');
    expect(message.body).toBe(
      `ghcr.io/o/app:latest now points at sha256:bbbbbbbbbbbb · built 2 h ago · what changed: https://github.com/o/app/releases/tag/v0.87.1`,
    );
    expect(messageFields(message)).toMatchObject({ version: '0.87.1', previousVersion: '0.86.0', link: 'https://github.com/o/app/releases/tag/v0.87.1' });
    const refreshed = maker.fromEvent({ type: 'refresh-finished', runtime: 'app', version: '0.87.1', detail: { image: 'x', ok: true, containers: [] } })!;
    expect(refreshed).toMatchObject({ title: 'Refreshed app to 0.87.1', version: '0.87.1' });
  });

  it('tells a newer tag once, saying it is never moved to by itself; a refused move tells no channel', () => {
    const maker = new MessageMaker(() => 0);
    const event = { type: 'new-tag' as const, runtime: 'nginx', image: 'nginx:1.25.3', current: '1.25.3', tag: '1.27.0' };
    expect(maker.fromEvent(event)).toMatchObject({
      kind: 'new-tag',
      title: 'nginx 1.25.3 → 1.27.0 available',
      version: '1.27.0',
      previousVersion: '1.25.3',
      body: expect.stringContaining('imagewatch refresh --runtime nginx --to-tag 1.27.0'),
    });
    expect(maker.fromEvent(event)).toBeNull();
    expect(
      maker.fromEvent({ type: 'refresh-finished', runtime: 'nginx', detail: { image: 'x', ok: false, refused: true, error: 'no', containers: [] } }),
    ).toBeNull();
  });

  it('says Swarm services apart from containers in a refresh', () => {
    const maker = new MessageMaker(() => 0);
    const refreshed = (containers: Array<{ name: string; action: 'replaced' | 'skipped'; kind?: 'service' }>) =>
      maker.fromEvent({
        type: 'refresh-finished',
        runtime: 'app',
        detail: { image: 'x', ok: true, containers: containers.map((c, i) => ({ id: String(i), ...c })) },
      });
    expect(refreshed([{ name: 'web', action: 'replaced', kind: 'service' }])).toMatchObject({ body: '1 service updated by Swarm: web', containers: ['web'] });
    expect(
      refreshed([
        { name: 'db', action: 'replaced' },
        { name: 'web', action: 'replaced', kind: 'service' },
        { name: 'api', action: 'replaced', kind: 'service' },
      ]),
    ).toMatchObject({
      body: '1 container replaced: db; 2 services updated by Swarm: web, api',
    });
    expect(refreshed([{ name: 'db', action: 'skipped' }])).toMatchObject({ body: '0 containers replaced' });
  });
});
