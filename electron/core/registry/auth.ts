// How imagewatch authenticates to a registry: the scheme learned from its WWW-Authenticate
// challenge (Bearer or Basic), the token flow with its cache, and which credentials may go
// where (the realm rule, which also decides what the engine is given for a pull).
import type { ImageReference } from '../image/reference.js';
import { RegistryError } from '../errors.js';
import { parseChallenges, pickChallenge } from './challenge.js';
import type { Credential, CredentialSource } from './credentials.js';
import { headerLines, type RegistryResponse, type Send } from './http.js';
import { TokenCache } from './token-cache.js';
import type { TransportPolicy } from './transport.js';

type AuthHint = { scheme: 'bearer'; realm: string; service?: string } | { scheme: 'basic' };

export interface RegistryAuthOptions {
  credentials: CredentialSource;
  transport: TransportPolicy;
  send: Send;
  now: () => number;
  userAgent: string;
  onTokenRequest: () => void;
}

function basicHeader(credential: Credential): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

/**
 * Scopes per batched token request are bounded by the URL they make: 6 KiB of query stays
 * inside the common 8 KiB limit on a request line, and holds about 100 scopes of real
 * repositories (`repository:org/name:pull`), so 200 images cost 2 or 3 token requests.
 */
const MAX_SCOPE_QUERY = 6144;

/** A scope as a query value: ':' and '/' are legal in a query and left as they are, to fit more per request. */
function scopeParam(scope: string): string {
  return `scope=${encodeURIComponent(scope).replace(/%3A/gi, ':').replace(/%2F/gi, '/')}`;
}

export class RegistryAuth {
  private readonly tokens: TokenCache;
  private readonly hints = new Map<string, AuthHint>();
  /** Registries that refused a token for several repositories at once: one token per repository there. */
  private readonly singleScope = new Set<string>();
  /** Tokens that came from a batched request, per registry: a 401 on one of them means the batch was not honoured. */
  private readonly batched = new Map<string, Set<string>>();
  private readonly credentialCache = new Map<string, Promise<Credential | null>>();

  constructor(private readonly options: RegistryAuthOptions) {
    this.tokens = new TokenCache(options.now);
  }

  /** After credentials for a registry change: look them up again and drop tokens got with the old ones. */
  forget(registry: string): void {
    this.credentialCache.delete(registry);
    this.tokens.deleteRegistry(registry);
    this.hints.delete(registry);
  }

  /** The registry refused us: look the credential up again next time (the user may have logged in). */
  refused(registry: string): void {
    this.credentialCache.delete(registry);
  }

  /** A 401 on a request we authorised: the token is no good, and the challenge says what is. */
  rechallenged(registry: string, scope: string, res: RegistryResponse): void {
    const token = this.tokens.get(registry, scope);
    // Some token servers accept several scopes and grant only one: go back to one per repository.
    if (token !== null && this.batched.get(registry)?.has(token)) this.singleScope.add(registry);
    this.tokens.delete(registry, scope);
    this.learnChallenge(registry, res);
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

  private learnChallenge(registry: string, res: RegistryResponse): void {
    // Registries behind single sign-on front ends send several lines (Negotiate, then Basic):
    // all of them count, joined as RFC 7235 allows, so Bearer still wins wherever it stands.
    const raw = headerLines(res, 'www-authenticate').join(', ');
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

  /** The Authorization header for a request, once a challenge has told us the scheme. */
  async authorization(registry: string, scope: string, signal?: AbortSignal): Promise<string | undefined> {
    const hint = this.hints.get(registry);
    if (!hint) return undefined;
    if (hint.scheme === 'bearer') return `Bearer ${await this.fetchToken(registry, hint, scope, signal)}`;
    const base = new URL(this.options.transport.baseUrl(registry));
    if (!this.options.transport.mayCarryCredentials(base, registry)) return undefined;
    const credential = await this.credentialsFor(registry);
    if (!credential || credential.username === undefined || credential.password === undefined) {
      throw new RegistryError(`${registry}: registry asks for Basic auth and no credentials are configured`, 401);
    }
    return basicHeader(credential);
  }

  /**
   * Gets the tokens a check will need, for every repository of a registry at once where the
   * token server allows several `scope` parameters (the distribution token protocol does): a
   * steady check then costs one token request per registry (per ~60 repositories) instead of
   * one per repository whenever tokens have expired between checks, as they do at the default
   * interval. Registries that refuse it are remembered and asked per repository, as before.
   */
  async prepare(registry: string, scopes: readonly string[], signal?: AbortSignal): Promise<void> {
    const hint = this.hints.get(registry);
    if (hint?.scheme !== 'bearer' || this.singleScope.has(registry)) return;
    const missing = [...new Set(scopes)].filter((scope) => this.tokens.get(registry, scope) === null);
    if (missing.length < 2) return;
    const batches: string[][] = [[]];
    let length = 0;
    for (const scope of missing) {
      const cost = scopeParam(scope).length + 1;
      if (length + cost > MAX_SCOPE_QUERY && batches.at(-1)!.length) {
        batches.push([]);
        length = 0;
      }
      batches.at(-1)!.push(scope);
      length += cost;
    }
    // Batches at once: each is one round trip, and the lookups wait for all of them.
    await Promise.all(batches.filter((batch) => batch.length >= 2).map((batch) => this.prepareBatch(registry, hint, batch, signal)));
  }

  private async prepareBatch(registry: string, hint: Extract<AuthHint, { scheme: 'bearer' }>, batch: string[], signal: AbortSignal | undefined): Promise<void> {
    try {
      const token = await this.requestToken(registry, hint, batch, signal, { batch: true });
      let set = this.batched.get(registry);
      if (!set) this.batched.set(registry, (set = new Set()));
      set.add(token);
      // Only recent tokens can still be in use; the oldest go first.
      if (set.size > 16) set.delete(set.values().next().value!);
    } catch (err) {
      if (signal?.aborted) throw err;
      // Refused as a batch (a 4xx): per repository from now on. Anything else (a timeout) is
      // left to the lookups, which ask per repository and report their own failures.
      const status = err instanceof RegistryError ? err.status : undefined;
      if (status !== undefined && status >= 400 && status < 500) this.singleScope.add(registry);
    }
  }

  private async fetchToken(registry: string, hint: Extract<AuthHint, { scheme: 'bearer' }>, scope: string, signal?: AbortSignal): Promise<string> {
    const cached = this.tokens.get(registry, scope);
    if (cached) return cached;
    return this.requestToken(registry, hint, [scope], signal, { batch: false });
  }

  /** One token request for `scopes`; the token is cached under each of them. */
  private async requestToken(
    registry: string,
    hint: Extract<AuthHint, { scheme: 'bearer' }>,
    scopes: readonly string[],
    signal: AbortSignal | undefined,
    mode: { batch: boolean },
  ): Promise<string> {
    const { transport, send } = this.options;
    let realm: URL;
    try {
      realm = new URL(hint.realm);
    } catch {
      throw new RegistryError(`${registry}: token realm "${hint.realm}" is not a URL`);
    }
    if (!transport.mayContact(realm)) {
      throw new RegistryError(`${registry}: refusing plain-HTTP token realm ${realm.href} (not loopback or insecureRegistries)`);
    }
    const credential = transport.mayCarryCredentials(realm, registry) ? await this.credentialsFor(registry) : null;
    // The OAuth2 POST form takes one space-separated scope; batches use the GET form only.
    if (mode.batch && credential?.identityToken) throw new RegistryError(`${registry}: no batched tokens with an identity token`);
    const params = new URLSearchParams();
    if (hint.service) params.set('service', hint.service);
    for (const scope of scopes) params.append('scope', scope);

    let res: RegistryResponse;
    this.options.onTokenRequest();
    if (credential?.identityToken) {
      params.set('grant_type', 'refresh_token');
      params.set('refresh_token', credential.identityToken);
      params.set('client_id', this.options.userAgent);
      res = await send('POST', realm, { 'content-type': 'application/x-www-form-urlencoded' }, signal, params.toString());
    } else {
      const url = new URL(realm.href);
      url.searchParams.delete('scope');
      if (hint.service) url.searchParams.set('service', hint.service);
      url.search = [url.search.replace(/^\?/, ''), ...scopes.map(scopeParam)].filter(Boolean).join('&');
      const headers: Record<string, string> = {};
      if (credential?.username !== undefined && credential.password !== undefined) headers.authorization = basicHeader(credential);
      res = await send('GET', url, headers, signal);
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
    for (const scope of scopes) this.tokens.set(registry, scope, token, typeof parsed.expires_in === 'number' ? parsed.expires_in : undefined);
    return token;
  }

  /**
   * The credential the engine may be given to pull `ref`. The engine sends it on to the
   * registry's token realm, so the rule our own lookups follow applies to it too: no
   * credential to a plain-HTTP realm on another host. Withheld, the pull goes anonymous.
   */
  async pullCredential(ref: ImageReference, signal?: AbortSignal): Promise<{ credential: Credential | null; withheld?: string }> {
    const { transport, send } = this.options;
    const credential = await this.credentialsFor(ref.registry);
    if (!credential) return { credential: null };
    try {
      if (!this.hints.has(ref.registry)) {
        const res = await send('GET', new URL(`${transport.baseUrl(ref.registry)}/v2/`), {}, signal);
        if (res.status === 401) this.learnChallenge(ref.registry, res);
      }
    } catch (err) {
      return { credential: null, withheld: `could not read the registry's auth challenge: ${(err as Error).message}` };
    }
    const hint = this.hints.get(ref.registry);
    if (!hint) return { credential };
    let target: URL;
    try {
      target = new URL(hint.scheme === 'bearer' ? hint.realm : transport.baseUrl(ref.registry));
    } catch {
      return { credential: null, withheld: `token realm "${hint.scheme === 'bearer' ? hint.realm : ''}" is not a URL` };
    }
    if (!transport.mayCarryCredentials(target, ref.registry)) {
      return { credential: null, withheld: `token realm ${target.origin} is plain HTTP on another host` };
    }
    return { credential };
  }
}
