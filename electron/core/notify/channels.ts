// Notification channels written as URLs in the syntax Watchtower (shoutrrr) and Apprise users
// already have. Each knows its request; none shows its secret (tokens, passwords, webhook
// paths, ntfy topics): `label` is the URL masked, and errors carry only the label.
import http from 'node:http';
import { httpRequest, loadHttps, type HttpAnswer } from '../util/http-request.js';
import { ConfigError } from '../errors.js';
import { linkedSignal } from '../util/linked-signal.js';
import { safeText } from '../util/safe-text.js';
import { messageFields, type NotifyMessage } from './message.js';
import { mqttChannel } from './mqtt.js';
import { emailChannel } from './email.js';

export interface Channel {
  /** The URL with its secrets masked: what logs, errors, state and the window show. */
  readonly label: string;
  /** Sends; resolves with what the service answered ("HTTP 200"), rejects with a masked reason. */
  send(message: NotifyMessage, signal?: AbortSignal): Promise<string>;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const TIMEOUT_MS = 10_000;
const SUPPORTED =
  'json://, jsons://, generic://, generic+http://, ntfy://, ntfys://, gotify://, gotifys://, discord://, slack://, apprise://, apprises://, mqtt://, mqtts://, mailto://, mailtos://, smtp://';

function mask(value: string): string {
  return value.length <= 2 ? '***' : `${value[0]}***`;
}

function jsonPayload(message: NotifyMessage): string {
  return JSON.stringify({ event: message.kind, title: message.title, message: message.body, ...messageFields(message) });
}

function basic(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  return { authorization: `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` };
}

/** Keep-alive agents shared by every HTTP channel, made at the first delivery over each protocol. */
let plainAgent: http.Agent | undefined;
let tlsAgent: Promise<http.Agent> | undefined;
const channelAgent = async (url: URL): Promise<http.Agent> => {
  if (url.protocol !== 'https:') return (plainAgent ??= new http.Agent({ keepAlive: true }));
  return (tlsAgent ??= loadHttps().then((https) => new https.Agent({ keepAlive: true })));
};

/** What is kept of a channel's answer: only an error shows it, cut to 200 characters. */
const MAX_ANSWER_BYTES = 64 * 1024;

function httpChannel(label: string, secrets: string[], build: (message: NotifyMessage) => Target): Channel {
  return {
    label,
    async send(message, signal) {
      const target = build(message);
      const bound = linkedSignal([signal], TIMEOUT_MS);
      let res: HttpAnswer;
      try {
        const url = new URL(target.url);
        res = await httpRequest(url, {
          method: 'POST',
          headers: { 'user-agent': 'imagewatch', ...target.headers },
          body: target.body,
          signal: bound.signal,
          agent: await channelAgent(url),
          maxBodyBytes: MAX_ANSWER_BYTES,
          overflow: 'truncate',
        });
      } catch (err) {
        const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code ?? (err as Error).name;
        // No `cause`: the transport's error holds the URL, secrets and all.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(`${label}: ${bound.timedOut ? `no answer in ${TIMEOUT_MS / 1000} s` : safeText(String(code), { secrets, max: 100 })}`);
      } finally {
        bound.dispose();
      }
      const text = res.body.toString('utf8');
      if (res.status >= 200 && res.status < 300) return `HTTP ${res.status}`;
      const said = safeText(text, { secrets, max: 200 });
      throw new Error(`${label}: HTTP ${res.status}${said ? `: ${said}` : ''}`);
    },
  };
}

/**
 * Headers given as query parameters: `+Name=value` (Apprise) or `@Name=value` (shoutrrr).
 * Read from the raw query: URLSearchParams would decode the `+` as a space.
 */
function splitHeaders(url: URL): { headers: Record<string, string>; rest: string } {
  const headers: Record<string, string> = {};
  const rest: string[] = [];
  for (const pair of url.search.replace(/^\?/, '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    if (key.startsWith('+') || key.startsWith('@')) headers[decodeURIComponent(key.slice(1))] = value;
    else rest.push(pair);
  }
  return { headers, rest: rest.join('&') };
}

/**
 * `env` carries only the test bed's stand-ins for Discord's and Slack's fixed endpoints
 * (IMAGEWATCH_DISCORD_API, IMAGEWATCH_SLACK_API); it is given, never read from the process.
 */
export function parseChannel(raw: string, where: string, env: NodeJS.ProcessEnv = {}): Channel {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${where}: not a URL (want one of ${SUPPORTED})`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const password = decodeURIComponent(url.password);
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new ConfigError(`${where}: ${scheme}:// needs ${what}`);
  };
  switch (scheme) {
    case 'json':
    case 'jsons':
    case 'generic':
    case 'generic+http':
    case 'generic+https': {
      need(url.host !== '', 'a host');
      const secure = scheme === 'jsons' || scheme === 'generic' || scheme === 'generic+https';
      const { headers, rest: query } = splitHeaders(url);
      const target = `${secure ? 'https' : 'http'}://${url.host}${url.pathname}${query ? `?${query}` : ''}`;
      const secrets = [url.pathname.slice(1), query, password, ...Object.values(headers)].filter(Boolean);
      const label = `${scheme}://${url.username ? `${url.username}:***@` : ''}${url.host}/${url.pathname.length > 1 ? '***' : ''}${Object.keys(headers).length ? ` (headers ${Object.keys(headers).join(', ')})` : ''}`;
      return httpChannel(label, secrets, (message) => ({
        url: target,
        headers: { 'content-type': 'application/json', ...basic(url), ...headers },
        body: jsonPayload(message),
      }));
    }
    case 'ntfy':
    case 'ntfys': {
      need(url.host !== '' && parts.length === 1, 'a host and a topic: ntfy://[user:pass@]host/topic');
      const topic = parts[0]!;
      const target = `${scheme === 'ntfys' ? 'https' : 'http'}://${url.host}/${encodeURIComponent(topic)}`;
      const label = `${scheme}://${url.username ? `${url.username}:***@` : ''}${url.host}/${mask(topic)}`;
      return httpChannel(label, [topic, password], (message) => ({
        url: target,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          title: encodeURIComponent(message.title),
          tags: message.kind === 'refresh-failed' || message.kind === 'engine-unreachable' ? 'warning' : 'package',
          priority: message.kind === 'refresh-failed' || message.kind === 'engine-unreachable' ? 'high' : 'default',
          ...basic(url),
        },
        body: message.body,
      }));
    }
    case 'gotify':
    case 'gotifys': {
      need(url.host !== '' && parts.length >= 1, 'a host and an app token: gotify://host/token');
      const token = parts.at(-1)!;
      const base = parts.slice(0, -1).map(encodeURIComponent).join('/');
      const target = `${scheme === 'gotifys' ? 'https' : 'http'}://${url.host}/${base ? `${base}/` : ''}message`;
      return httpChannel(`${scheme}://${url.host}/${base ? `${base}/` : ''}***`, [token], (message) => ({
        url: target,
        headers: { 'content-type': 'application/json', 'x-gotify-key': token },
        body: JSON.stringify({ title: message.title, message: message.body, priority: message.kind === 'refresh-failed' ? 8 : 5 }),
      }));
    }
    case 'discord': {
      // Apprise: discord://id/token; shoutrrr: discord://token@id.
      const [id, token] = url.username ? [url.hostname, decodeURIComponent(url.username)] : [url.hostname, parts[0]];
      need(Boolean(id) && Boolean(token), 'the webhook id and token: discord://id/token');
      const api = env.IMAGEWATCH_DISCORD_API ?? 'https://discord.com/api/webhooks';
      return httpChannel('discord://***', [token!, id!], (message) => ({
        url: `${api}/${encodeURIComponent(id!)}/${encodeURIComponent(token!)}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'imagewatch', content: `**${message.title}**\n${message.body}` }),
      }));
    }
    case 'slack': {
      // Apprise: slack://TokenA/TokenB/TokenC, the three parts of an incoming webhook's path.
      const tokens = [url.hostname, ...parts].filter(Boolean);
      need(tokens.length === 3, 'an incoming webhook: slack://TokenA/TokenB/TokenC');
      const api = env.IMAGEWATCH_SLACK_API ?? 'https://hooks.slack.com/services';
      return httpChannel('slack://***', tokens, (message) => ({
        url: `${api}/${tokens.map(encodeURIComponent).join('/')}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `*${message.title}*\n${message.body}` }),
      }));
    }
    case 'apprise':
    case 'apprises': {
      need(url.host !== '' && parts.length >= 1, 'a host and a configuration key: apprise://host/key');
      const key = parts.at(-1)!;
      const base = parts.slice(0, -1).map(encodeURIComponent).join('/');
      const target = `${scheme === 'apprises' ? 'https' : 'http'}://${url.host}/${base ? `${base}/` : ''}notify/${encodeURIComponent(key)}`;
      return httpChannel(`${scheme}://${url.host}/${base ? `${base}/` : ''}${mask(key)}`, [key, password], (message) => ({
        url: target,
        headers: { 'content-type': 'application/json', ...basic(url) },
        body: JSON.stringify({
          title: message.title,
          body: message.body,
          type: message.kind === 'refresh-failed' || message.kind === 'engine-unreachable' ? 'failure' : message.kind === 'refreshed' ? 'success' : 'info',
        }),
      }));
    }
    case 'mqtt':
    case 'mqtts': {
      need(url.hostname !== '', 'a broker: mqtt://[user:pass@]host[:port][/topic-prefix]');
      const label = `${scheme}://${url.username ? `${url.username}:***@` : ''}${url.host}${url.pathname.length > 1 ? url.pathname : ''}`;
      return mqttChannel(url, label, [password]);
    }
    case 'mailto':
    case 'mailtos':
    case 'smtp': {
      // Apprise: mailto://user:pass@smtp.host:587?from=…&to=…; shoutrrr: smtp://user:pass@host:port/?from=…&to=…
      const to = (url.searchParams.get('to') ?? '').split(/[,\s]+/).filter(Boolean);
      need(url.hostname !== '' && to.length > 0, 'a server and recipients: mailto://user:pass@smtp.host:587?from=me@host&to=you@host');
      const encryption = url.searchParams.get('encryption');
      const secure = scheme === 'mailtos' || encryption === 'implicit';
      const user = url.username ? decodeURIComponent(url.username) : undefined;
      const from = url.searchParams.get('from') ?? (user?.includes('@') ? user : `imagewatch@${url.hostname}`);
      const label = `${scheme}://${user ? `${user}:***@` : ''}${url.host} → ${to.join(', ')}`;
      return emailChannel(
        {
          host: url.hostname,
          port: Number(url.port || (secure ? 465 : 587)),
          secure,
          plain: encryption === 'none',
          ...(user ? { user } : {}),
          ...(password ? { password } : {}),
          from,
          to,
        },
        label,
      );
    }
    default:
      throw new ConfigError(`${where}: unsupported notification URL scheme "${scheme}" (supported: ${SUPPORTED})`);
  }
}
