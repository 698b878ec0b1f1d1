// The connections registry requests go over: one small keep-alive pool per registry, through
// the user's proxy as the docker CLI's requests do, and a pool of its own for a registry with a
// private CA (trusting that CA and only it).
import { EnvHttpProxyAgent, type Dispatcher } from '../util/undici.js';

export interface Pool {
  /** Connections kept per registry: the lookups in flight at once. */
  connections: number;
  /** How long an idle one is kept. */
  idleMs: number;
}

const DEFAULT_POOL: Pool = { connections: 4, idleMs: 30_000 };

/**
 * How long idle registry connections are kept: past the check interval, so the next check
 * finds them open (servers close theirs sooner, and undici then follows their Keep-Alive
 * hint), but not for hours: a daily check reconnects rather than holding sockets all day.
 */
export function poolFor(concurrency: number, intervalMs: number): Pool {
  return { connections: concurrency, idleMs: Math.min(Math.max(intervalMs * 1.5, 30_000), 10 * 60_000) };
}

/**
 * Lookups go through the user's proxy as the docker CLI's do: HTTPS_PROXY and HTTP_PROXY, with
 * NO_PROXY exceptions, and never for localhost, 127.0.0.1 or ::1 (the docker CLI never proxies
 * loopback; other 127.x addresses need NO_PROXY, as undici matches names, not ranges). The
 * values are handed over explicitly, so only the env we were given counts.
 */
function proxyAwareAgent(env: NodeJS.ProcessEnv, pool: Pool, ca?: Buffer): Dispatcher {
  const pick = (name: string): string => env[name] ?? env[name.toLowerCase()] ?? '';
  const loopback = 'localhost,127.0.0.1,::1,[::1]';
  return new EnvHttpProxyAgent({
    connectTimeout: 10_000,
    // One small pool per registry (undici keeps one per origin): as many connections as
    // lookups run at once, kept open across ticks, so a steady check opens none.
    connections: pool.connections,
    keepAliveTimeout: pool.idleMs,
    keepAliveMaxTimeout: pool.idleMs,
    httpProxy: pick('HTTP_PROXY'),
    httpsProxy: pick('HTTPS_PROXY'),
    noProxy: [pick('NO_PROXY'), loopback].filter(Boolean).join(','),
    ...(ca ? { connect: { ca } } : {}),
  });
}

export class Connections {
  private readonly pool: Pool;
  private readonly main: Dispatcher;
  private readonly withCa = new Map<string, Dispatcher>();

  constructor(
    private readonly options: {
      env: NodeJS.ProcessEnv;
      pool?: Pool;
      /** The private CA of a registry (`host[:port]`), if it has one. */
      caFor?: (hostPort: string) => Buffer | null;
      /** Given (tests): used for everything, and not closed here. */
      dispatcher?: Dispatcher;
    },
  ) {
    this.pool = options.pool ?? DEFAULT_POOL;
    this.main = options.dispatcher ?? proxyAwareAgent(options.env, this.pool);
  }

  dispatcherFor(url: URL): Dispatcher {
    const ca = url.protocol === 'https:' ? this.options.caFor?.(url.host) : null;
    if (!ca || this.options.dispatcher) return this.main;
    let dispatcher = this.withCa.get(url.host);
    if (!dispatcher) {
      dispatcher = proxyAwareAgent(this.options.env, this.pool, ca);
      this.withCa.set(url.host, dispatcher);
    }
    return dispatcher;
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.main.close();
    await Promise.all([...this.withCa.values()].map((d) => d.close()));
  }
}
