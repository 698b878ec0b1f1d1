// Notification URLs at their edges, as a user who copies one from shoutrrr or Apprise meets
// them: a URL without a host is refused rather than sent nowhere, the secure schemes really
// speak TLS, a failing service that quotes the request back never shows its secrets, and an
// email channel talks to its server as the URL says (port, TLS, login, sender, recipients).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannel } from '../../electron/core/notify/channels.js';
import { news } from '../fixtures/notify-messages.js';

/** Answers 500 and quotes back everything the request carried, as a careless service does. */
let echo: Server;
let host = '';
const seen: Array<{ url: string; headers: Record<string, unknown> }> = [];
beforeAll(async () => {
  echo = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers });
      const auth = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      res.statusCode = 500;
      // The path quoted without its slash too, as a service naming the resource would.
      res.end(`${req.url} ${req.url!.slice(1)} ${auth} ${String(req.headers['x-gotify-key'] ?? '')} ${String(req.headers['x-h'] ?? '')}`);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

const failure = (url: string, env: NodeJS.ProcessEnv = {}): Promise<string> =>
  parseChannel(url, 'test', env)
    .send(news)
    .then(
      (ok) => `sent: ${ok}`,
      (err: Error) => err.message,
    );

describe('a URL without a host', () => {
  it.each([
    ['json:///hook', 'json:// needs a host'],
    ['generic+http:///hook', 'generic+http:// needs a host'],
    ['ntfy:///topic', 'ntfy:// needs a host and a topic'],
    ['gotify:///token', 'gotify:// needs a host and an app token'],
    ['apprise:///key', 'apprise:// needs a host and a configuration key'],
    ['mqtt:///home', 'mqtt:// needs a broker: mqtt://[user:pass@]host[:port][/topic-prefix]'],
    ['mailto://?to=ops@lan', 'mailto:// needs a server and recipients'],
  ])('refuses %s', (url, why) => {
    expect(() => parseChannel(url, 'c.json: notify[1]')).toThrow(`c.json: notify[1]: ${why}`);
  });

  it('takes a Slack webhook written with an empty host', () => {
    expect(parseChannel('slack:///TA/TB/TC', 'test').label).toBe('slack://***');
  });
});

describe('labels a user reads in the window and the log', () => {
  it.each([
    ['json://hooks.lan', 'json://hooks.lan/'],
    ['json://hooks.lan/', 'json://hooks.lan/'],
    ['json://u:pw-s3cret@hooks.lan/p', 'json://u:***@hooks.lan/***'],
    ['json://hooks.lan/p?+X-A=1&@X-B=2', 'json://hooks.lan/*** (headers X-A, X-B)'],
    ['ntfy://me:pw-s3cret@ntfy.lan/topic', 'ntfy://me:***@ntfy.lan/t***'],
    ['ntfy://ntfy.lan/ab', 'ntfy://ntfy.lan/***'],
    ['gotify://push.lan/token', 'gotify://push.lan/***'],
    ['gotify://push.lan/a/b/token', 'gotify://push.lan/a/b/***'],
    ['apprise://u:pw-s3cret@apprise.lan/a/key', 'apprise://apprise.lan/a/k***'],
    ['apprise://apprise.lan/key', 'apprise://apprise.lan/k***'],
    ['mqtt://broker.lan', 'mqtt://broker.lan'],
    ['mqtt://broker.lan/', 'mqtt://broker.lan'],
    ['mqtts://broker.lan:8883/home/x', 'mqtts://broker.lan:8883/home/x'],
    ['mqtt://u:pw-s3cret@broker.lan', 'mqtt://u:***@broker.lan'],
    ['smtp://smtp.lan:25?to=a@lan,%20b@lan', 'smtp://smtp.lan:25 → a@lan, b@lan'],
    ['mailtos://me:pw-s3cret@smtp.lan?to=a@lan', 'mailtos://me:***@smtp.lan → a@lan'],
  ])('%s reads %s', (url, label) => {
    expect(parseChannel(url, 'test').label).toBe(label);
  });
});

describe('a service that quotes the request back in its error', () => {
  it.each([
    [`json://u:pw-s3cret@HOST/path-s3cret?q=query-s3cret&+X-H=head-s3cret`, 'json://u:***@HOST/*** (headers X-H)'],
    [`ntfy://u:pw-s3cret@HOST/topic-s3cret`, 'ntfy://u:***@HOST/t***'],
    [`gotify://HOST/sub/token-s3cret`, 'gotify://HOST/sub/***'],
    [`apprise://u:pw-s3cret@HOST/key-s3cret`, 'apprise://HOST/k***'],
    [`apprise://HOST/a/b/key-s3cret`, 'apprise://HOST/a/b/k***'],
    ['discord://id-s3cret/token-s3cret', 'discord://***'],
    ['slack://ta-s3cret/tb-s3cret/tc-s3cret', 'slack://***'],
  ])('%s: shows none of its secrets', async (url, label) => {
    const env = { IMAGEWATCH_DISCORD_API: `http://${host}/api/webhooks`, IMAGEWATCH_SLACK_API: `http://${host}/services` };
    const message = await failure(url.replace('HOST', host), env);
    expect(message.startsWith(`${label.replace('HOST', host)}: HTTP 500: `)).toBe(true);
    expect(message).toContain('***');
    expect(message).not.toContain('s3cret');
  });

  it('keeps the rest of the query, and sends the fixed headers each service reads', async () => {
    seen.length = 0;
    const env = { IMAGEWATCH_DISCORD_API: `http://${host}/d`, IMAGEWATCH_SLACK_API: `http://${host}/s` };
    await failure(`json://${host}/p?a=1&b=two`);
    await failure(`gotify://${host}/tok`);
    await failure('discord://1/t', env);
    await failure('slack://a/b/c', env);
    await failure(`apprise://${host}/k`);
    await failure(`apprise://${host}/a/b/k`);
    expect(seen.map((s) => [s.url, s.headers['content-type']])).toEqual([
      ['/p?a=1&b=two', 'application/json'],
      ['/message', 'application/json'],
      ['/d/1/t', 'application/json'],
      ['/s/a/b/c', 'application/json'],
      ['/notify/k', 'application/json'],
      ['/a/b/notify/k', 'application/json'],
    ]);
  });
});

describe('the secure schemes', () => {
  // The echo server speaks plain HTTP: a TLS client fails its handshake there, a plain one is answered.
  it.each(['jsons', 'generic', 'generic+https', 'ntfys', 'gotifys', 'apprises'])('%s:// speaks TLS', async (scheme) => {
    const message = await failure(`${scheme}://${host}/key`);
    expect(message).not.toContain('HTTP 500');
    expect(message).toMatch(/: (EPROTO|ERR_SSL_\w+)$/);
  });

  it.each(['json', 'generic+http', 'ntfy', 'gotify', 'apprise'])('%s:// speaks plain HTTP', async (scheme) => {
    expect(await failure(`${scheme}://${host}/key`)).toContain(': HTTP 500');
  });
});

describe('an email channel', () => {
  interface Mail {
    from: string;
    to: string[];
    user?: string;
    password?: string;
    secure: boolean;
  }
  const mails: Mail[] = [];
  let smtp: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    // A relay on this machine: no TLS at all, so only `encryption=none` may use it.
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        callback(null, { user: `${auth.username}\n${auth.password ?? ''}` });
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          const [user, password] = typeof session.user === 'string' ? session.user.split('\n') : [];
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            ...(user ? { user, password } : {}),
            secure: session.secure,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it('sends through a plain relay only when told encryption=none, with its sender and recipients', async () => {
    mails.length = 0;
    expect(await failure(`smtp://127.0.0.1:${port}/?encryption=none&to=a@lan,%20b@lan`)).toMatch(/^sent: SMTP 250/);
    expect(await failure(`mailto://me%40lan:pw-s3cret@127.0.0.1:${port}?encryption=none&to=a@lan`)).toMatch(/^sent: SMTP 250/);
    expect(await failure(`mailto://ops:pw@127.0.0.1:${port}?encryption=none&from=robot@lan&to=a@lan`)).toMatch(/^sent: SMTP 250/);
    // A login that is no address is not taken for the sender.
    expect(await failure(`mailto://ops:pw@127.0.0.1:${port}?encryption=none&to=a@lan`)).toMatch(/^sent: SMTP 250/);
    expect(mails).toEqual([
      { from: 'imagewatch@127.0.0.1', to: ['a@lan', 'b@lan'], secure: false },
      { from: 'me@lan', to: ['a@lan'], user: 'me@lan', password: 'pw-s3cret', secure: false },
      { from: 'robot@lan', to: ['a@lan'], user: 'ops', password: 'pw', secure: false },
      { from: 'imagewatch@127.0.0.1', to: ['a@lan'], user: 'ops', password: 'pw', secure: false },
    ]);
    // Without it, STARTTLS is required: the relay offers none, so nothing is sent.
    const refused = await failure(`mailto://127.0.0.1:${port}?to=a@lan`);
    expect(refused).toMatch(/^mailto:\/\/127\.0\.0\.1:\d+ → a@lan: .*STARTTLS/);
    expect(mails).toHaveLength(4);
  });

  it('speaks TLS from the first byte for mailtos:// and encryption=implicit', async () => {
    for (const url of [`mailtos://127.0.0.1:${port}?to=a@lan`, `smtp://127.0.0.1:${port}?encryption=implicit&to=a@lan`]) {
      const message = await failure(url);
      expect(message).not.toMatch(/^sent/);
      expect(message).not.toContain('STARTTLS');
    }
  });

  it('goes to port 587, or 465 for TLS from the first byte, when the URL names none', async () => {
    expect(await failure('mailto://127.0.0.1?to=a@lan')).toMatch(/ECONNREFUSED 127\.0\.0\.1:587/);
    expect(await failure('mailtos://127.0.0.1?to=a@lan')).toMatch(/ECONNREFUSED 127\.0\.0\.1:465/);
    expect(await failure('smtp://127.0.0.1?encryption=implicit&to=a@lan')).toMatch(/ECONNREFUSED 127\.0\.0\.1:465/);
  });
});
