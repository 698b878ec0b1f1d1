// Why this exists: undici's entry point loads all of undici (fetch, WebSocket, caches, cookies,
// mocks, SOCKS, …), about 21 MB of a daemon's memory, where the parts imagewatch uses (the
// agents and the dispatcher API: `request`, and `connect` for proxy tunnels) cost 12 MB. This
// loads those modules directly and attaches the API to dispatchers as the entry point does.
// undici has no `exports` map, so these paths are public files of the package; its version is
// pinned by package-lock.json and by the bundled dependencies in the npm tarball, and every
// registry, proxy and notification test goes through here.
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Dispatcher, EnvHttpProxyAgent as UndiciEnvHttpProxyAgent } from 'undici';

const require = createRequire(import.meta.url);

const DispatcherClass = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(DispatcherClass.prototype, require('undici/lib/api/index.js') as object);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof UndiciEnvHttpProxyAgent;

export type { Dispatcher };

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher };

/** undici's `request(url, options)`, with the dispatcher always given. */
export function request(url: URL | string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const { dispatcher, ...rest } = options;
  return dispatcher.request({ ...rest, origin: target.origin, path: `${target.pathname}${target.search}` });
}
