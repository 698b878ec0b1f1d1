// Which registries may be spoken to over plain HTTP, mirroring the Docker engine: loopback
// always, anything else only when the user lists it as insecure.
import { isIP } from 'node:net';

/** Host part of `host`, `host:port` or `[v6]:port`, lower-cased. */
export function hostOf(hostPort: string): string {
  const value = hostPort.toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']'));
  const colon = value.lastIndexOf(':');
  return colon >= 0 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
}

export function isLoopbackHost(hostPort: string): boolean {
  const host = hostOf(hostPort);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

export class TransportPolicy {
  private readonly insecure: Set<string>;
  private readonly tls: Set<string>;

  /** `tlsRegistries`: ones with a private CA, spoken to over TLS even on loopback. */
  constructor(insecureRegistries: readonly string[] = [], tlsRegistries: readonly string[] = []) {
    this.insecure = new Set(insecureRegistries.map((r) => r.toLowerCase()));
    this.tls = new Set(tlsRegistries.map((r) => r.toLowerCase()));
  }

  allowsPlainHttp(hostPort: string): boolean {
    const value = hostPort.toLowerCase();
    if (this.tls.has(value)) return false;
    return isLoopbackHost(value) || this.insecure.has(value) || this.insecure.has(hostOf(value));
  }

  baseUrl(registry: string): string {
    return `${this.allowsPlainHttp(registry) ? 'http' : 'https'}://${registry}`;
  }

  /**
   * Credentials may travel over TLS anywhere, and over plain HTTP only to the registry's own
   * host (a token service on another port of it included). A token realm on another
   * plain-HTTP host gets no credentials.
   */
  mayCarryCredentials(url: URL, registry: string): boolean {
    if (url.protocol === 'https:') return true;
    return hostOf(url.host) === hostOf(registry);
  }

  /** Whether we may contact `url` at all (plain HTTP realms must be loopback or insecure-listed). */
  mayContact(url: URL): boolean {
    if (url.protocol === 'https:') return true;
    if (url.protocol !== 'http:') return false;
    return this.allowsPlainHttp(url.host);
  }
}
