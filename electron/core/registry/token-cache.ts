// Bearer tokens are scoped per registry and repository and carry `expires_in`. Caching them
// is what makes a steady-state check cost one HEAD instead of a token round trip plus a HEAD.

interface Entry {
  token: string;
  expiresAt: number;
}

/** Spec default when a token server omits expires_in. */
const DEFAULT_LIFETIME_S = 60;

export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  private static key(registry: string, scope: string): string {
    return `${registry}\n${scope}`;
  }

  get(registry: string, scope: string): string | null {
    const key = TokenCache.key(registry, scope);
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.token;
  }

  set(registry: string, scope: string, token: string, expiresInSeconds: number | undefined): void {
    const lifetime = Number.isFinite(expiresInSeconds) && (expiresInSeconds ?? 0) > 0 ? expiresInSeconds! : DEFAULT_LIFETIME_S;
    // Renew a little early so a token never expires between our check and the registry's.
    const margin = Math.min(10, lifetime * 0.1);
    this.entries.set(TokenCache.key(registry, scope), { token, expiresAt: this.now() + (lifetime - margin) * 1000 });
  }

  delete(registry: string, scope: string): void {
    this.entries.delete(TokenCache.key(registry, scope));
  }

  deleteRegistry(registry: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${registry}\n`)) this.entries.delete(key);
  }
}
