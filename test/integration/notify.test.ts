// Notification channels against a server in the test that records the exact requests each
// service's API wants; `notify-test`; and channels that are down (one failing, one silent):
// checks go on at full speed, the retries are in the log, and the given-up delivery is in the
// runtime's history with its reason. No secret appears in any output.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../shared/dto.js';
import { connectAsync } from 'mqtt';
import { SMTPServer } from 'smtp-server';
import { startMosquitto } from '../bed/mosquitto.js';
import { CLI, publish, requireBed, runCli, tempDir, uid, until, writeConfig } from './helpers.js';
import { parseChannel } from '../../electron/core/notify/channels.js';
import { MessageMaker } from '../../electron/core/notify/message.js';

const bed = requireBed();

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe.skipIf(bed === null)('notification channels', () => {
  const b = bed!;
  const dir = tempDir();
  const seen: Seen[] = [];
  let server: http.Server;
  let host = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        if (req.url === '/hang') return; // never answers
        res.writeHead(req.url === '/down' ? 500 : 200, { 'content-type': 'application/json' });
        res.end(req.url === '/down' ? '{"error":"broken on purpose"}' : '{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('notify-test sends each service the request its API documents, and shows no secret', async () => {
    const config = writeConfig(dir, {
      runtimes: [],
      notify: [
        `json://${host}/hook?+X-Api-Key=k3y-s3cret`,
        `ntfy://alice:pw-s3cret@${host}/updates-s3cret`,
        `gotify://${host}/gotify-s3cret`,
        'discord://111222/disc-s3cret',
        'slack://TA/TB/slack-s3cret',
        `apprise://${host}/apprise-s3cret`,
      ],
    });
    seen.length = 0;
    const run = await runCli(['notify-test', '--config', config], {
      IMAGEWATCH_DISCORD_API: `http://${host}/discord`,
      IMAGEWATCH_SLACK_API: `http://${host}/slack`,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      `json://${host}/*** (headers X-Api-Key): ok (HTTP 200)`,
      `ntfy://alice:***@${host}/u***: ok (HTTP 200)`,
      `gotify://${host}/***: ok (HTTP 200)`,
      'discord://***: ok (HTTP 200)',
      'slack://***: ok (HTTP 200)',
      `apprise://${host}/a***: ok (HTTP 200)`,
    ]);
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cret');
    const by = (p: string): Seen => seen.find((s) => s.path === p)!;
    const json = by('/hook');
    expect(json).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k3y-s3cret' } });
    expect(JSON.parse(json.body)).toMatchObject({ event: 'test', title: 'imagewatch test', message: expect.stringMatching(/This channel works/) });
    const ntfy = by('/updates-s3cret');
    expect(ntfy).toMatchObject({
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('alice:pw-s3cret').toString('base64')}`, title: 'imagewatch%20test' },
    });
    expect(ntfy.body).toMatch(/^This channel works/);
    const gotify = by('/message');
    expect(gotify).toMatchObject({ method: 'POST', headers: { 'x-gotify-key': 'gotify-s3cret', 'content-type': 'application/json' } });
    expect(JSON.parse(gotify.body)).toEqual({ title: 'imagewatch test', message: expect.any(String), priority: 5 });
    expect(JSON.parse(by('/discord/111222/disc-s3cret').body)).toEqual({
      username: 'imagewatch',
      content: expect.stringMatching(/^\*\*imagewatch test\*\*\n/),
    });
    expect(JSON.parse(by('/slack/TA/TB/slack-s3cret').body)).toEqual({ text: expect.stringMatching(/^\*imagewatch test\*\n/) });
    expect(JSON.parse(by('/notify/apprise-s3cret').body)).toEqual({ title: 'imagewatch test', body: expect.any(String), type: 'info' });
  });

  it('a bad channel URL is a config error that names its place, not its secret', async () => {
    const config = writeConfig(path.join(dir), { runtimes: [], notify: ['https://hooks.example/s3cret-path', 'ntfy://host-only-s3cret'] });
    const run = await runCli(['check', '--config', config, '--state', path.join(dir, 'bad.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/notify\[0\]: unsupported notification URL scheme "https"/);
    expect(run.stderr).not.toContain('s3cret');
  });

  it('a channel that is down slows nothing, retries in view, and is recorded when given up', async () => {
    const image = `${b.registries.open}/notify/app-${uid()}:latest`;
    await publish(b, image, { version: 'v1' });
    const stateDir = tempDir();
    const config = writeConfig(stateDir, {
      runtimes: [{ name: 'app', image }],
      dockerHost: b.dockerHost,
      intervalSeconds: 5,
      notify: [`json://${host}/down`, { url: `json://${host}/hang`, events: ['new-version'] }],
    });
    const statePath = path.join(stateDir, 'state.json');
    const proc = spawn(process.execPath, [CLI, 'watch', '--config', config, '--state', statePath], {
      env: { ...process.env, IMAGEWATCH_NOTIFY_RETRY_MS: '200,200' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    proc.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      await until('the seeding check', () => {
        try {
          return Boolean((JSON.parse(readFileSync(statePath, 'utf8')) as { runtimes: Record<string, { seenDigest: string | null }> }).runtimes.app?.seenDigest);
        } catch {
          return false;
        }
      });
      await publish(b, image, { version: 'v2' });
      await until('the move', () => log.includes('digest moved'), 30_000);
      // A check handed to the watcher meanwhile is answered while the silent channel still waits.
      const check = await runCli(['check', '--json', '--config', config, '--state', statePath]);
      expect(check.code, check.stderr).toBe(0);
      expect(log).not.toContain('no answer in 10 s');
      await until('the retries and the give-up', () => log.includes('not delivered after 3 attempts'), 30_000);
      expect(log).toMatch(new RegExp(`notification to json://${host.replace(/\./g, '\\.')}/\\*\\*\\* failed \\(attempt 1\\), retrying in 0 s: .*HTTP 500`));
      const history = await until('the history entry', () => {
        const doc = JSON.parse(readFileSync(statePath, 'utf8')) as { runtimes: Record<string, { history: HistoryEntry[] }> };
        return doc.runtimes.app?.history.find((h) => h.kind === 'notify-failed');
      });
      expect(history.message).toMatch(
        new RegExp(`^New version of app: not delivered to json://${host.replace(/\./g, '\\.')}/\\*\\*\\*: .*HTTP 500: \\{"error":"broken on purpose"\\}`),
      );
      expect(seen.filter((s) => s.path === '/down')).toHaveLength(3);
    } finally {
      proc.kill('SIGTERM');
    }
  });

  it('publishes to MQTT, with each runtime as a Home Assistant update entity', async () => {
    const broker = await startMosquitto();
    const subscriber = await connectAsync(`mqtt://${broker.host}`, { reconnectPeriod: 0 });
    const got: Array<{ topic: string; payload: Record<string, unknown>; retain: boolean }> = [];
    subscriber.on('message', (topic, payload, packet) =>
      got.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }),
    );
    await subscriber.subscribeAsync(['iwtest/#', 'homeassistant/#']);
    try {
      const image = `${b.registries.open}/notify/mqtt-${uid()}:latest`;
      await publish(b, image, { version: 'v1' });
      const stateDir = tempDir();
      const config = writeConfig(stateDir, { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost, notify: [`mqtt://${broker.host}/iwtest`] });
      const test = await runCli(['notify-test', '--config', config]);
      expect(test.stdout.trim(), test.stderr).toBe(`mqtt://${broker.host}/iwtest: ok (published)`);
      await until('the test event', () => got.find((m) => m.topic === 'iwtest/event' && m.payload.event === 'test'));

      const state = path.join(stateDir, 'state.json');
      expect((await runCli(['check', '--config', config, '--state', state])).code).toBe(0);
      const { digest } = await publish(b, image, { version: 'v2' });
      const moved = await runCli(['check', '--config', config, '--state', state]);
      expect(moved.code, moved.stderr).toBe(0);
      const discovery = await until('the discovery config', () => got.find((m) => m.topic === 'homeassistant/update/imagewatch_app/config'));
      expect(discovery.payload).toMatchObject({
        name: 'app',
        unique_id: 'imagewatch_app',
        state_topic: 'iwtest/app/state',
        device_class: 'firmware',
        release_summary: image,
      });
      const entity = await until('the entity state', () => got.find((m) => m.topic === 'iwtest/app/state'));
      expect(entity.payload).toEqual({ installed_version: 'unknown', latest_version: digest.slice('sha256:'.length, 'sha256:'.length + 12) });
      expect(got.find((m) => m.topic === 'iwtest/event' && m.payload.event === 'new-version')?.payload).toMatchObject({ runtime: 'app', image, digest });
    } finally {
      await subscriber.endAsync();
      await broker.stop();
    }
  });

  it('with several engines, publishes one Home Assistant update entity per runtime and engine', async () => {
    const broker = await startMosquitto();
    const subscriber = await connectAsync(`mqtt://${broker.host}`, { reconnectPeriod: 0 });
    const got: Array<{ topic: string; payload: Record<string, unknown> }> = [];
    subscriber.on('message', (topic, payload) => got.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> }));
    await subscriber.subscribeAsync(['iwmulti/#', 'homeassistant/#']);
    try {
      const channel = parseChannel(`mqtt://${broker.host}/iwmulti`, 'test');
      const maker = new MessageMaker();
      const [a, b2] = [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`];
      await channel.send(maker.fromEvent({ type: 'digest-moved', runtime: 'app', image: 'reg/app:latest', from: a, to: b2, engines: ['nas', 'vps'] })!);
      await channel.send(
        maker.fromEvent({
          type: 'refresh-finished',
          runtime: 'app',
          engine: 'nas',
          detail: { image: 'reg/app:latest', ok: true, digest: b2, containers: [] },
        })!,
      );
      const nas = await until('the nas entity refreshed', () =>
        got.find((m) => m.topic === 'iwmulti/app_nas/state' && m.payload.installed_version === 'b'.repeat(12)),
      );
      expect(nas.payload).toEqual({ installed_version: 'b'.repeat(12), latest_version: 'b'.repeat(12) });
      const vps = got.filter((m) => m.topic === 'iwmulti/app_vps/state').at(-1);
      expect(vps?.payload).toEqual({ installed_version: 'unknown', latest_version: 'b'.repeat(12) });
      expect(got.find((m) => m.topic === 'homeassistant/update/imagewatch_app_nas/config')?.payload).toMatchObject({
        name: 'app on nas',
        state_topic: 'iwmulti/app_nas/state',
      });
      expect(got.some((m) => m.topic === 'iwmulti/app/state')).toBe(false);
      expect(got.find((m) => m.topic === 'iwmulti/event' && m.payload.event === 'refreshed')?.payload).toMatchObject({
        runtime: 'app',
        engine: 'nas',
        title: 'Refreshed app on nas',
      });
    } finally {
      await subscriber.endAsync();
      await broker.stop();
    }
  });

  it('sends email over SMTP with STARTTLS and a login, to an SMTP server in the test', async () => {
    const tls = path.join(b.dir, 'engine-tls');
    const mails: Array<{ from: string; to: string[]; data: string; secure: boolean; user: string }> = [];
    const smtp = new SMTPServer({
      key: readFileSync(path.join(tls, 'server-key.pem')),
      cert: readFileSync(path.join(tls, 'server-cert.pem')),
      authOptional: false,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'ops@lan' && auth.password === 'mail-s3cret') callback(null, { user: auth.username });
        else callback(new Error('bad login'));
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (d: Buffer) => (data += d.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            secure: session.secure,
            user: String(session.user),
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const config = writeConfig(tempDir(), {
        runtimes: [],
        notify: [`mailto://ops%40lan:mail-s3cret@127.0.0.1:${port}?from=imagewatch@lan&to=admin@lan,oncall@lan`],
      });
      // The bed's CA signed the server's certificate: trusted as a user would trust a private CA.
      const run = await runCli(['notify-test', '--config', config], { NODE_EXTRA_CA_CERTS: b.registryCa });
      expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout.trim()).toMatch(new RegExp(`^mailto://ops@lan:\\*\\*\\*@127\\.0\\.0\\.1:${port} → admin@lan, oncall@lan: ok \\(SMTP 250`));
      expect(`${run.stdout}${run.stderr}`).not.toContain('mail-s3cret');
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ from: 'imagewatch@lan', to: ['admin@lan', 'oncall@lan'], secure: true, user: 'ops@lan' });
      expect(mails[0]!.data).toMatch(/^Subject: imagewatch test$/m);
      expect(mails[0]!.data).toMatch(/This channel works/);

      // Without the CA, the certificate is not trusted, and nothing is sent in clear instead.
      const untrusted = await runCli(['notify-test', '--config', config]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.stdout).toMatch(/failed: .*(self.signed|certificate|unable to verify)/i);
      expect(mails).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });
});
