// Digest lookups against a Docker Registry v2 / OCI distribution API.
// Steady state is one HEAD per check: the auth scheme learned from the first challenge is
// remembered per registry and bearer tokens are cached until they expire.
import { createHash } from 'node:crypto';
import { Agent, request, type Dispatcher } from 'undici';
import { formatReference, isSha256Digest, type ImageReference } from '../image/reference.js';
import { parseChallenges, pickChallenge } from './challenge.js';
import type { Credential, CredentialSource } from './credentials.js';
import { TokenCache } from './token-cache.js';
import { TransportPolicy } from './transport.js';
import { RateLimitedError, RegistryError } from '../errors.js';

/** The origin's four types: without the OCI index type some registries 404 on buildx images. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(',');

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

type AuthHint = { scheme: 'bearer'; realm: string; service?: string } | { scheme: 'basic' };

export interface DigestResult {
  digest: string;
  /** `head` in the normal case, `get` when the registry left the digest header out. */
  via: 'head' | 'get';
}

export interface RegistryClientOptions {
  credentials: CredentialSource;
  transport?: TransportPolicy;
  dispatcher?: Dispatcher;
  /** Per-request limit, covering connect, headers and body. */
  timeoutMs?: number;
  /** Longest Retry-After we sleep through inside one lookup; longer ones fail the lookup. */
  maxRetryWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  userAgent?: string;
}

export interface RegistryMetrics {
  requests: number;
  tokenRequests: number;
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function header(res: Response, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      },
      { once: true },
    );
  });

export class RegistryClient {
  readonly metrics: RegistryMetrics = { requests: 0, tokenRequests: 0 };
  private readonly tokens: TokenCache;
  private readonly hints = new Map<string, AuthHint>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly credentialCache = new Map<string, Promise<Credential | null>>();
  private readonly transport: TransportPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly maxRetryWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly userAgent: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.transport = options.transport ?? new TransportPolicy();
    this.dispatcher = options.dispatcher ?? new Agent({ connectTimeout: 10_000, keepAliveTimeout: 30_000 });
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.tokens = new TokenCache(this.now);
    this.userAgent = options.userAgent ?? 'imagewatch';
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }

  /** After credentials for a registry change: look them up again and drop tokens got with the old ones. */
  forgetCredentials(registry: string): void {
    this.credentialCache.delete(registry);
    this.tokens.deleteRegistry(registry);
    this.hints.delete(registry);
  }

  private credentialsFor(registry: string): Promise<Credential | null> {
    let found = this.credentialCache.get(registry);
    if (!found) {
      found = this.options.credentials.lookup(registry);
      this.credentialCache.set(registry, found);
      // A failed lookup (helper crashed) should be retried next time, not remembered.
      found.catch(() => this.credentialCache.delete(registry));
    }
    return found;
  }

  private async send(
    method: 'GET' | 'HEAD' | 'POST',
    url: URL,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    body?: string,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    this.metrics.requests++;
    try {
      const res = await request(url, {
        method,
        headers: { 'user-agent': this.userAgent, ...headers },
        body,
        dispatcher: this.dispatcher,
        signal: combined,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > MAX_MANIFEST_BYTES) {
          res.body.destroy();
          throw new RegistryError(`${method} ${url.href}: response larger than ${MAX_MANIFEST_BYTES} bytes`);
        }
        chunks.push(buf);
      }
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      if (timeout.aborted && !signal?.aborted) {
        throw new RegistryError(`${method} ${url.href}: timed out after ${this.timeoutMs} ms`);
      }
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
      throw new RegistryError(`${method} ${url.href}: ${cause ?? (err as Error).message}`);
    }
  }

  private async fetchToken(registry: string, hint: Extract<AuthHint, { scheme: 'bearer' }>, scope: string, signal?: AbortSignal): Promise<string> {
    const cached = this.tokens.get(registry, scope);
    if (cached) return cached;
    let realm: URL;
    try {
      realm = new URL(hint.realm);
    } catch {
      throw new RegistryError(`${registry}: token realm "${hint.realm}" is not a URL`);
    }
    if (!this.transport.mayContact(realm)) {
      throw new RegistryError(`${registry}: refusing plain-HTTP token realm ${realm.href} (not loopback or insecureRegistries)`);
    }
    const credential = this.transport.mayCarryCredentials(realm, registry) ? await this.credentialsFor(registry) : null;
    const params = new URLSearchParams();
    if (hint.service) params.set('service', hint.service);
    params.set('scope', scope);

    let res: Response;
    this.metrics.tokenRequests++;
    if (credential?.identityToken) {
      params.set('grant_type', 'refresh_token');
      params.set('refresh_token', credential.identityToken);
      params.set('client_id', this.userAgent);
      res = await this.send('POST', realm, { 'content-type': 'application/x-www-form-urlencoded' }, signal, params.toString());
    } else {
      const url = new URL(realm.href);
      for (const [k, v] of params) url.searchParams.set(k, v);
      const headers: Record<string, string> = {};
      if (credential?.username !== undefined && credential.password !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      }
      res = await this.send('GET', url, headers, signal);
    }
    if (res.status !== 200) {
      const who = credential ? ` with credentials from ${credential.source}` : ' anonymously';
      throw new RegistryError(`${registry}: token endpoint ${realm.origin}${realm.pathname} answered ${res.status}${who}`, res.status);
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(res.body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError(`${registry}: token endpoint returned invalid JSON`);
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') throw new RegistryError(`${registry}: token endpoint returned an empty token`);
    this.tokens.set(registry, scope, token, typeof parsed.expires_in === 'number' ? parsed.expires_in : undefined);
    return token;
  }

  private async authorization(registry: string, scope: string, signal?: AbortSignal): Promise<string | undefined> {
    const hint = this.hints.get(registry);
    if (!hint) return undefined;
    if (hint.scheme === 'bearer') return `Bearer ${await this.fetchToken(registry, hint, scope, signal)}`;
    const base = new URL(this.transport.baseUrl(registry));
    if (!this.transport.mayCarryCredentials(base, registry)) return undefined;
    const credential = await this.credentialsFor(registry);
    if (!credential || credential.username === undefined || credential.password === undefined) {
      throw new RegistryError(`${registry}: registry asks for Basic auth and no credentials are configured`, 401);
    }
    return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
  }

  private learnChallenge(registry: string, res: Response): void {
    const raw = header(res, 'www-authenticate');
    if (!raw) throw new RegistryError(`${registry}: 401 without a WWW-Authenticate challenge`, 401);
    const challenge = pickChallenge(parseChallenges(raw));
    if (!challenge) throw new RegistryError(`${registry}: unsupported auth challenge "${raw}"`, 401);
    if (challenge.scheme === 'bearer') {
      const realm = challenge.params.realm;
      if (!realm) throw new RegistryError(`${registry}: Bearer challenge without a realm`, 401);
      const hint: AuthHint = { scheme: 'bearer', realm };
      if (challenge.params.service !== undefined) hint.service = challenge.params.service;
      this.hints.set(registry, hint);
    } else {
      this.hints.set(registry, { scheme: 'basic' });
    }
  }

  /** Carries over 429 waits from an earlier run; past ones are ignored. */
  restoreRateLimits(until: Readonly<Record<string, number>>): void {
    for (const [registry, at] of Object.entries(until)) {
      if (at > this.now() && at > (this.blockedUntil.get(registry) ?? 0)) this.blockedUntil.set(registry, at);
    }
  }

  private checkBlocked(registry: string): void {
    const until = this.blockedUntil.get(registry);
    if (until === undefined) return;
    if (until > this.now()) throw new RateLimitedError(registry, until);
    this.blockedUntil.delete(registry);
  }

  /**
   * The credential the engine may be given to pull `ref`. The engine sends it on to the
   * registry's token realm, so the rule our own lookups follow applies to it too: no
   * credential to a plain-HTTP realm on another host. Withheld, the pull goes anonymous.
   */
  async pullCredential(ref: ImageReference, signal?: AbortSignal): Promise<{ credential: Credential | null; withheld?: string }> {
    const credential = await this.credentialsFor(ref.registry);
    if (!credential) return { credential: null };
    try {
      if (!this.hints.has(ref.registry)) {
        const res = await this.send('GET', new URL(`${this.transport.baseUrl(ref.registry)}/v2/`), {}, signal);
        if (res.status === 401) this.learnChallenge(ref.registry, res);
      }
    } catch (err) {
      return { credential: null, withheld: `could not read the registry's auth challenge: ${(err as Error).message}` };
    }
    const hint = this.hints.get(ref.registry);
    if (!hint) return { credential };
    let target: URL;
    try {
      target = new URL(hint.scheme === 'bearer' ? hint.realm : this.transport.baseUrl(ref.registry));
    } catch {
      return { credential: null, withheld: `token realm "${hint.scheme === 'bearer' ? hint.realm : ''}" is not a URL` };
    }
    if (!this.transport.mayCarryCredentials(target, ref.registry)) {
      return { credential: null, withheld: `token realm ${target.origin} is plain HTTP on another host` };
    }
    return { credential };
  }

  /** The current digest of `ref`'s tag. */
  async getDigest(ref: ImageReference, signal?: AbortSignal): Promise<DigestResult> {
    try {
      return await this.lookupDigest(ref, signal);
    } catch (err) {
      // Credentials are remembered while they work. Once the registry refuses them (or the
      // anonymous attempt), look them up again next time: the user may have logged in since.
      if (err instanceof RegistryError && (err.status === 401 || err.status === 403)) this.credentialCache.delete(ref.registry);
      throw err;
    }
  }

  private async lookupDigest(ref: ImageReference, signal?: AbortSignal): Promise<DigestResult> {
    if (ref.tag === undefined) throw new RegistryError(`${formatReference(ref)} has no tag to look up`);
    const registry = ref.registry;
    const scope = `repository:${ref.repository}:pull`;
    const url = new URL(`${this.transport.baseUrl(registry)}/v2/${ref.repository}/manifests/${encodeURIComponent(ref.tag)}`);
    const name = formatReference(ref);

    let method: 'HEAD' | 'GET' = 'HEAD';
    let reauthenticated = false;
    let rateRetries = 0;
    for (;;) {
      this.checkBlocked(registry);
      const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
      const auth = await this.authorization(registry, scope, signal);
      if (auth) headers.authorization = auth;
      const res = await this.send(method, url, headers, signal);

      if (res.status === 401) {
        if (reauthenticated) {
          throw new RegistryError(`${name}: unauthorized (check credentials for ${registry})`, 401);
        }
        this.tokens.delete(registry, scope);
        this.learnChallenge(registry, res);
        reauthenticated = true;
        continue;
      }
      if (res.status === 429) {
        const wait = parseRetryAfter(header(res, 'retry-after'), this.now());
        if (wait !== null && wait <= this.maxRetryWaitMs && rateRetries < 3) {
          rateRetries++;
          await this.sleep(wait, signal);
          continue;
        }
        const until = this.now() + (wait ?? 60_000 * 2 ** rateRetries);
        this.blockedUntil.set(registry, until);
        throw new RateLimitedError(registry, until);
      }
      if (res.status === 404) throw new RegistryError(`${name}: manifest unknown (404)`, 404);
      if (res.status === 403) throw new RegistryError(`${name}: access denied (403)`, 403);
      if (res.status !== 200) throw new RegistryError(`${method} ${name}: registry answered ${res.status}`, res.status);

      const digest = header(res, 'docker-content-digest');
      if (digest !== undefined) {
        if (!isSha256Digest(digest)) {
          throw new RegistryError(`${name}: registry sent a malformed digest "${digest.slice(0, 100)}" (want sha256: and 64 hex)`);
        }
        return { digest, via: method === 'HEAD' ? 'head' : 'get' };
      }
      if (method === 'GET') {
        return { digest: `sha256:${createHash('sha256').update(res.body).digest('hex')}`, via: 'get' };
      }
      // Some registries leave the header off HEAD answers: fetch the manifest and hash it ourselves.
      method = 'GET';
    }
  }
}
