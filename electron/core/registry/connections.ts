// The connections registry requests go over: one small keep-alive pool per registry, through
// the user's proxy as the docker CLI's requests do, and a pool of its own for a registry with a
// private CA (trusting that CA and only it).
import http from 'node:http';
import { loadHttps } from '../util/http-request.js';

export interface Pool {
  /** Connections kept per registry: the lookups in flight at once. */
  connections: number;
  /** How long an idle one is kept. */
  idleMs: number;
}

const DEFAULT_POOL: Pool = { connections: 4, idleMs: 30_000 };

/**
 * How long idle registry connections are kept: past the check interval, so the next check
 * finds them open (a server that closes one sooner just costs a reconnect), but not for hours:
 * a daily check reconnects rather than holding sockets all day.
 */
export function poolFor(concurrency: number, intervalMs: number): Pool {
  return { connections: concurrency, idleMs: Math.min(Math.max(intervalMs * 1.5, 30_000), 10 * 60_000) };
}

/** Hosts the docker CLI never sends through a proxy. */
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

/**
 * Whether NO_PROXY exempts `host:port`: `*`; a name, matching itself and its subdomains
 * (`.example.org` and `*.example.org` the same); `name:port` only on that port. Names, not
 * address ranges, as the docker CLI and curl read it. Our own because the libraries for it read
 * process.env, and imagewatch is handed its environment.
 */
export function exempt(noProxy: string, hostname: string, port: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      const entry = raw.toLowerCase();
      if (entry === '*') return true;
      let name = entry;
      let only: string | undefined;
      if (entry.startsWith('[')) {
        const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
        name = bracketed?.[1] ?? entry;
        only = bracketed?.[2];
      } else if (entry.split(':').length === 2) {
        [name, only] = entry.split(':') as [string, string];
      }
      name = name.replace(/^\*?\./, '');
      if (only && only !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

/** The proxy a request to `url` goes through, or null: HTTPS_PROXY for TLS (else HTTP_PROXY), HTTP_PROXY for plain HTTP. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | null {
  const pick = (name: string): string => env[name] ?? env[name.toLowerCase()] ?? '';
  const proxy = url.protocol === 'https:' ? pick('HTTPS_PROXY') || pick('HTTP_PROXY') : pick('HTTP_PROXY');
  if (!proxy) return null;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return exempt([...LOOPBACK, pick('NO_PROXY')].join(','), url.hostname, port) ? null : proxy;
}

export interface Route {
  agent: http.Agent;
  /** The registry's private CA, given with each TLS request. */
  ca?: Buffer;
}

export class Connections {
  private readonly pool: Pool;
  private readonly agents = new Map<string, Promise<http.Agent>>();

  constructor(
    private readonly options: {
      env: NodeJS.ProcessEnv;
      pool?: Pool;
      /** The private CA of a registry (`host[:port]`), if it has one. */
      caFor?: (hostPort: string) => Buffer | null;
    },
  ) {
    this.pool = options.pool ?? DEFAULT_POOL;
  }

  /**
   * The agent for `url`: one per protocol and proxy, and one per registry with a private CA.
   * Node's agents keep a pool per host:port, so each registry has its own `connections`
   * sockets, reused most-recent first so that the ones a quiet period leaves idle time out.
   */
  async routeFor(url: URL): Promise<Route> {
    const tls = url.protocol === 'https:';
    const ca = tls ? (this.options.caFor?.(url.host) ?? undefined) : undefined;
    const proxy = proxyFor(url, this.options.env);
    const key = `${url.protocol}|${proxy ?? ''}|${ca ? url.host : ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = this.makeAgent(tls, proxy, ca);
      this.agents.set(key, agent);
    }
    return { agent: await agent, ...(ca ? { ca } : {}) };
  }

  private async makeAgent(tls: boolean, proxy: string | null, ca: Buffer | undefined): Promise<http.Agent> {
    const options = {
      keepAlive: true,
      maxSockets: this.pool.connections,
      maxFreeSockets: this.pool.connections,
      // Node closes a kept-alive socket once it has been idle this long.
      timeout: this.pool.idleMs,
      scheduling: 'lifo' as const,
    };
    if (proxy) {
      // A CONNECT tunnel for plain HTTP too, as the docker CLI's proxy support does.
      const { HttpsProxyAgent } = await import('https-proxy-agent');
      return new HttpsProxyAgent(proxy, options);
    }
    if (tls) return new (await loadHttps()).Agent({ ...options, ...(ca ? { ca } : {}) });
    return new http.Agent(options);
  }

  async close(): Promise<void> {
    const agents = await Promise.allSettled(this.agents.values());
    for (const agent of agents) if (agent.status === 'fulfilled') agent.value.destroy();
    this.agents.clear();
  }
}
