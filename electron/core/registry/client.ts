// Digest lookups against a Docker Registry v2 / OCI distribution API: it sends and looks
// up; auth.ts knows how to authenticate. Steady state is one HEAD per check: the auth scheme
// learned from the first challenge is remembered per registry and tokens are cached.
import { createHash } from 'node:crypto';
import { Connections, type Pool } from './connections.js';
import { formatReference, isSha256Digest, type ImageReference } from '../image/reference.js';
import { RegistryAuth } from './auth.js';
import type { Credential, CredentialSource } from './credentials.js';
import { fetchBlob, type BlobDeps } from './blobs.js';
import { fetchTags, type TagList, type TagPage } from './tags.js';
import { header, makeSend, type RegistryResponse, type Send } from './http.js';
import { TransportPolicy } from './transport.js';
import { RateLimitedError, RegistryError } from '../errors.js';
import { abortableSleep } from '../util/time.js';

/** The origin's four types: without the OCI index type some registries 404 on buildx images. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(',');

export interface DigestResult {
  digest: string;
  /** The manifest's media type as the registry named it: an image index (multi-arch) or one image. */
  mediaType?: string;
}

export interface RegistryClientOptions {
  credentials: CredentialSource;
  /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case) are read from here; process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** The private CA of a registry (`host[:port]`), if it has one. */
  caFor?: (hostPort: string) => Buffer | null;
  transport?: TransportPolicy;
  /** Per-request limit, covering connect, headers and body. */
  timeoutMs?: number;
  /** Connections kept per registry (the lookups in flight at once); idle ones are kept `idleMs`. */
  pool?: Pool;
  /** Longest Retry-After we sleep through inside one lookup; longer ones fail the lookup. */
  maxRetryWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  userAgent?: string;
  /** Observers for metrics: every answer (by kind), and every lookup's result. */
  observe?: {
    answer(registry: string, kind: 'manifest' | 'token' | 'ping', status: number | 'error'): void;
    lookup(registry: string, result: 'ok' | 'error' | 'rate_limited'): void;
  };
}

export interface RegistryMetrics {
  requests: number;
  tokenRequests: number;
}

export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** A Retry-After wait; `signal` cuts it short (as an error: the lookup is abandoned). */
const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await abortableSleep(ms, signal);
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
};

export class RegistryClient {
  readonly metrics: RegistryMetrics = { requests: 0, tokenRequests: 0 };
  private readonly auth: RegistryAuth;
  private readonly send: Send;
  private readonly blockedUntil = new Map<string, number>();
  private readonly transport: TransportPolicy;
  private readonly connections: Connections;
  private readonly maxRetryWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: RegistryClientOptions) {
    this.transport = options.transport ?? new TransportPolicy();
    this.connections = new Connections({
      env: options.env ?? process.env,
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.caFor ? { caFor: options.caFor } : {}),
    });
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    const userAgent = options.userAgent ?? 'imagewatch';
    this.send = makeSend({
      routeFor: (url) => this.connections.routeFor(url),
      timeoutMs: options.timeoutMs ?? 15_000,
      userAgent,
      onRequest: () => this.metrics.requests++,
      ...(options.observe
        ? {
            onAnswer: (url: URL, status: number | 'error') => {
              const kind = url.pathname.includes('/manifests/') ? 'manifest' : /^\/v2\/?$/.test(url.pathname) ? 'ping' : 'token';
              options.observe!.answer(url.host, kind, status);
            },
          }
        : {}),
    });
    this.auth = new RegistryAuth({
      credentials: options.credentials,
      transport: this.transport,
      send: this.send,
      now: this.now,
      userAgent,
      onTokenRequest: () => this.metrics.tokenRequests++,
    });
  }

  close(): Promise<void> {
    return this.connections.close();
  }

  /** After credentials for a registry change: look them up again and drop tokens got with the old ones. */
  forgetCredentials(registry: string): void {
    this.auth.forget(registry);
  }

  /** The credential the engine may be given to pull `ref`, or why it is withheld (see auth.ts). */
  pullCredential(ref: ImageReference, signal?: AbortSignal): Promise<{ credential: Credential | null; withheld?: string }> {
    return this.auth.pullCredential(ref, signal);
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
   * Before a check: the tokens its lookups will need, batched per registry where the registry
   * allows (auth.ts). Failures are left to the lookups, which then ask per repository.
   */
  async prepareTokens(refs: readonly ImageReference[], signal?: AbortSignal): Promise<void> {
    const scopes = new Map<string, string[]>();
    for (const ref of refs) {
      const list = scopes.get(ref.registry) ?? [];
      list.push(`repository:${ref.repository}:pull`);
      scopes.set(ref.registry, list);
    }
    await Promise.all(
      [...scopes].map(async ([registry, list]) => {
        const until = this.blockedUntil.get(registry);
        if (until !== undefined && until > this.now()) return;
        await this.auth.prepare(registry, list, signal).catch(() => undefined);
      }),
    );
  }

  /** The current digest of `ref`'s tag. */
  async getDigest(ref: ImageReference, signal?: AbortSignal): Promise<DigestResult> {
    try {
      const found = await this.lookupDigest(ref, signal);
      this.options.observe?.lookup(ref.registry, 'ok');
      return found;
    } catch (err) {
      if (!signal?.aborted) this.options.observe?.lookup(ref.registry, err instanceof RateLimitedError ? 'rate_limited' : 'error');
      // Credentials are remembered while they work. Once the registry refuses them (or the
      // anonymous attempt), look them up again next time: the user may have logged in since.
      if (err instanceof RegistryError && (err.status === 401 || err.status === 403)) this.auth.refused(ref.registry);
      throw err;
    }
  }

  private async lookupDigest(ref: ImageReference, signal?: AbortSignal): Promise<DigestResult> {
    if (ref.tag === undefined) throw new RegistryError(`${formatReference(ref)} has no tag to look up`);
    let res = await this.manifestRequest('HEAD', ref, encodeURIComponent(ref.tag), signal);
    const mediaType = header(res, 'content-type')?.split(';')[0]?.trim();
    const withType = (digest: string): DigestResult => (mediaType ? { digest, mediaType } : { digest });
    let digest = header(res, 'docker-content-digest');
    if (digest === undefined) {
      // Some registries leave the header off HEAD answers: fetch the manifest and hash it ourselves.
      res = await this.manifestRequest('GET', ref, encodeURIComponent(ref.tag), signal);
      digest = header(res, 'docker-content-digest');
      if (digest === undefined) return withType(`sha256:${createHash('sha256').update(res.body).digest('hex')}`);
    }
    if (!isSha256Digest(digest)) {
      throw new RegistryError(`${formatReference(ref)}: registry sent a malformed digest "${digest.slice(0, 100)}" (want sha256: and 64 hex)`);
    }
    return withType(digest);
  }

  /**
   * The manifest (or index) stored under `digest` in `ref`'s repository. Its body is checked
   * against the digest, so a proxy cannot hand over another one.
   */
  async getManifest(ref: ImageReference, digest: string, signal?: AbortSignal): Promise<{ body: Buffer; mediaType: string | undefined }> {
    if (!isSha256Digest(digest)) throw new RegistryError(`${formatReference(ref)}: "${digest.slice(0, 100)}" is not a sha256 digest`);
    const res = await this.manifestRequest('GET', ref, digest, signal);
    const actual = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    if (actual !== digest) throw new RegistryError(`${formatReference(ref)}: the manifest sent for ${digest} hashes to ${actual}`);
    return { body: res.body, mediaType: header(res, 'content-type')?.split(';')[0]?.trim() };
  }

  /** A blob (an image's config), followed through the registry's redirect to its storage; see blobs.ts. */
  getBlob(ref: ImageReference, digest: string, signal?: AbortSignal): Promise<Buffer> {
    this.checkBlocked(ref.registry);
    return fetchBlob(this.authorizedGet(), ref, digest, signal);
  }

  /** The repository's tags, page by page (see tags.ts); made at most once per tagsIntervalSeconds per repository. */
  listTags(ref: ImageReference, options?: TagPage, signal?: AbortSignal): Promise<TagList> {
    this.checkBlocked(ref.registry);
    return fetchTags(this.authorizedGet(), ref, options, signal);
  }

  /** What a GET outside the manifest path needs: the transport and the registry's authentication. */
  private authorizedGet(): BlobDeps {
    return {
      send: this.send,
      baseUrl: (registry) => this.transport.baseUrl(registry),
      authorization: (registry, scope, s) => this.auth.authorization(registry, scope, s),
      rechallenged: (registry, scope, res) => this.auth.rechallenged(registry, scope, res),
    };
  }

  /** One manifest request, through authentication and 429 waits; answers only a 200. */
  private async manifestRequest(method: 'HEAD' | 'GET', ref: ImageReference, reference: string, signal?: AbortSignal): Promise<RegistryResponse> {
    const registry = ref.registry;
    const scope = `repository:${ref.repository}:pull`;
    const url = new URL(`${this.transport.baseUrl(registry)}/v2/${ref.repository}/manifests/${reference}`);
    const name = formatReference(ref);
    let reauthenticated = false;
    let rateRetries = 0;
    for (;;) {
      this.checkBlocked(registry);
      const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
      const auth = await this.auth.authorization(registry, scope, signal);
      if (auth) headers.authorization = auth;
      const res = await this.send(method, url, headers, signal);

      if (res.status === 401) {
        if (reauthenticated) {
          throw new RegistryError(`${name}: unauthorized (check credentials for ${registry})`, 401);
        }
        this.auth.rechallenged(registry, scope, res);
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
      return res;
    }
  }
}
