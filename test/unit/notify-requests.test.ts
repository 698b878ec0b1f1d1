// What each notification service is sent, exactly, against a local server standing in for it:
// the method, the path, the headers it reads (auth, title, priority) and the body. A wrong
// priority or a lost header is what a user notices first: a failure that arrives as a quiet
// message, or not at all. And what a failing service's answer becomes: the masked label, the
// status, and the service's words without the secret.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannel } from '../../electron/core/notify/channels.js';
import type { NotifyMessage } from '../../electron/core/notify/message.js';
import { done, down, failed, news } from '../fixtures/notify-messages.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let host = '';
const seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: 'ok' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.statusCode = answer.status;
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function sent(url: string, message: NotifyMessage, env: NodeJS.ProcessEnv = {}): Promise<Seen> {
  seen.length = 0;
  expect(await parseChannel(url, 'test', env).send(message)).toBe('HTTP 200');
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

describe('what each service is sent', () => {
  it('a JSON webhook: the message and its fields, headers from the query, Basic auth from the URL', async () => {
    const req = await sent(`json://user:p%40ss@${host}/hook/path?+X-Api-Key=k%2B1&@X-Other=two&keep=1`, news);
    expect([req.method, req.url]).toEqual(['POST', '/hook/path?keep=1']);
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'x-api-key': 'k+1',
      'x-other': 'two',
      'user-agent': 'imagewatch',
      authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    });
    expect(JSON.parse(req.body)).toEqual({
      event: 'new-version',
      title: 'New version of web',
      message: 'now 1.2',
      runtime: 'web',
      version: '1.2',
      at: '2026-12-07T00:00:00.000Z',
    });
    const plain = await sent(`generic+http://${host}/x`, done);
    expect(plain.headers.authorization).toBeUndefined();
    expect(plain.url).toBe('/x');
  });

  it('ntfy: the topic as the path, the title and a priority that makes failures stand out', async () => {
    const bad = await sent(`ntfy://me:pw@${host}/my%20topic`, failed);
    expect([bad.url, bad.body]).toEqual(['/my%20topic', 'pull failed']);
    expect(bad.headers).toMatchObject({
      title: encodeURIComponent('Refresh of web failed'),
      tags: 'warning',
      priority: 'high',
      'content-type': 'text/plain; charset=utf-8',
    });
    expect(bad.headers.authorization).toBe(`Basic ${Buffer.from('me:pw').toString('base64')}`);
    expect((await sent(`ntfy://${host}/t`, down)).headers).toMatchObject({ tags: 'warning', priority: 'high' });
    expect((await sent(`ntfy://${host}/t`, news)).headers).toMatchObject({ tags: 'package', priority: 'default' });
  });

  it('Gotify: the token as a header, under a sub-path if given, failures at priority 8', async () => {
    const req = await sent(`gotify://${host}/sub/dir/app-token`, failed);
    expect([req.url, req.headers['x-gotify-key']]).toEqual(['/sub/dir/message', 'app-token']);
    expect(JSON.parse(req.body)).toEqual({ title: 'Refresh of web failed', message: 'pull failed', priority: 8 });
    const plain = await sent(`gotify://${host}/app-token`, news);
    expect(plain.url).toBe('/message');
    expect(JSON.parse(plain.body).priority).toBe(5);
  });

  it('Discord and Slack: their webhook paths, in either URL form', async () => {
    const env = { IMAGEWATCH_DISCORD_API: `http://${host}/api/webhooks`, IMAGEWATCH_SLACK_API: `http://${host}/services` };
    const apprise = await sent('discord://12345/tok%20en', news, env);
    expect(apprise.url).toBe('/api/webhooks/12345/tok%20en');
    expect(JSON.parse(apprise.body)).toEqual({ username: 'imagewatch', content: '**New version of web**\nnow 1.2' });
    expect((await sent('discord://token@12345', news, env)).url).toBe('/api/webhooks/12345/token');
    const slack = await sent('slack://TA/TB/TC', failed, env);
    expect(slack.url).toBe('/services/TA/TB/TC');
    expect(JSON.parse(slack.body)).toEqual({ text: '*Refresh of web failed*\npull failed' });
  });

  it('an Apprise server: its notify path and the kind of message', async () => {
    const req = await sent(`apprise://u:p@${host}/base/cfg-key`, failed);
    expect(req.url).toBe('/base/notify/cfg-key');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(JSON.parse(req.body)).toEqual({ title: 'Refresh of web failed', body: 'pull failed', type: 'failure' });
    expect(JSON.parse((await sent(`apprise://${host}/k`, down)).body).type).toBe('failure');
    expect(JSON.parse((await sent(`apprise://${host}/k`, done)).body).type).toBe('success');
    const info = await sent(`apprise://${host}/k`, news);
    expect([info.url, JSON.parse(info.body).type]).toEqual(['/notify/k', 'info']);
  });
});

describe("a service's refusal", () => {
  it('says the masked label, the status and what the service said, never the secret', async () => {
    answer = { status: 403, body: 'topic s3cret-topic is reserved' };
    try {
      await expect(parseChannel(`ntfy://${host}/s3cret-topic`, 'test').send(news)).rejects.toThrow(`ntfy://${host}/s***: HTTP 403: topic *** is reserved`);
      answer = { status: 500, body: '' };
      await expect(parseChannel(`json://${host}/x`, 'test').send(news)).rejects.toThrow(new Error(`json://${host}/***: HTTP 500`));
      answer = { status: 300, body: 'moved' };
      await expect(parseChannel(`json://${host}/x`, 'test').send(news)).rejects.toThrow('HTTP 300: moved');
    } finally {
      answer = { status: 200, body: 'ok' };
    }
    expect(await parseChannel(`json://${host}/x`, 'test').send(news)).toBe('HTTP 200');
  });

  it('says a closed port by its code, without the URL', async () => {
    await expect(parseChannel('json://127.0.0.1:9/s3cret-path', 'test').send(news)).rejects.toThrow(/^json:\/\/127\.0\.0\.1:9\/\*\*\*: ECONNREFUSED$/);
  });
});

describe('URLs that cannot work', () => {
  it.each([
    ['ntfy://host', 'test: ntfy:// needs a host and a topic: ntfy://[user:pass@]host/topic'],
    ['ntfy://host/a/b', 'ntfy:// needs a host and a topic'],
    ['gotify://host', 'gotify:// needs a host and an app token: gotify://host/token'],
    ['discord://12345', 'discord:// needs the webhook id and token: discord://id/token'],
    ['slack://TA/TB', 'slack:// needs an incoming webhook: slack://TokenA/TokenB/TokenC'],
    ['slack://TA/TB/TC/TD', 'slack:// needs an incoming webhook'],
    ['apprise://host', 'apprise:// needs a host and a configuration key: apprise://host/key'],
    [
      'mailto://smtp.lan',
      'mailto:// needs a server and recipients: mailto://user:pass@smtp.lan:587?from=me@host&to=you@host'.replace('smtp.lan:587', 'smtp.host:587'),
    ],
    ['telegram://x/y', 'test: unsupported notification URL scheme "telegram" (supported: json://'],
    ['not a url', 'test: not a URL (want one of json://'],
  ])('refuses %s', (url, why) => {
    expect(() => parseChannel(url, 'test')).toThrow(why);
  });
});
