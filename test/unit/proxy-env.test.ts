// Which registry requests go through the user's proxy: HTTP_PROXY / HTTPS_PROXY (either case)
// and NO_PROXY as the docker CLI and curl read them, and loopback never.
import { describe, expect, it } from 'vitest';
import { exempt, proxyFor } from '../../electron/core/registry/connections.js';

describe('NO_PROXY', () => {
  it('matches a name and its subdomains, with or without a leading dot or *.', () => {
    expect(exempt('example.org', 'example.org', '443')).toBe(true);
    expect(exempt('example.org', 'registry.example.org', '443')).toBe(true);
    expect(exempt('.example.org', 'registry.example.org', '443')).toBe(true);
    expect(exempt('*.example.org', 'registry.example.org', '443')).toBe(true);
    expect(exempt('example.org', 'badexample.org', '443')).toBe(false);
    expect(exempt('example.org', 'example.org.evil.net', '443')).toBe(false);
  });

  it('honours a port, lists split by commas or spaces, case, and *', () => {
    expect(exempt('example.org:5000', 'example.org', '5000')).toBe(true);
    expect(exempt('example.org:5000', 'example.org', '443')).toBe(false);
    expect(exempt('a.net, Example.ORG  b.net', 'example.org', '443')).toBe(true);
    expect(exempt('*', 'anything.at.all', '80')).toBe(true);
    expect(exempt('', 'example.org', '443')).toBe(false);
  });

  it('reads IPv6 addresses, bare or in brackets with a port', () => {
    expect(exempt('::1', '[::1]', '5000')).toBe(true);
    expect(exempt('[::1]:5000', '[::1]', '5000')).toBe(true);
    expect(exempt('[::1]:5000', '[::1]', '443')).toBe(false);
    expect(exempt('fd00::2', '[fd00::1]', '443')).toBe(false);
  });
});

describe('the proxy of a request', () => {
  const url = (s: string): URL => new URL(s);

  it('is HTTPS_PROXY for TLS, falling back to HTTP_PROXY, and HTTP_PROXY for plain HTTP', () => {
    const env = { HTTPS_PROXY: 'http://tls-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128' };
    expect(proxyFor(url('https://ghcr.io/v2/'), env)).toBe('http://tls-proxy:3128');
    expect(proxyFor(url('http://registry.lan:5000/v2/'), env)).toBe('http://plain-proxy:3128');
    expect(proxyFor(url('https://ghcr.io/v2/'), { HTTP_PROXY: 'http://plain-proxy:3128' })).toBe('http://plain-proxy:3128');
    expect(proxyFor(url('http://registry.lan/v2/'), { HTTPS_PROXY: 'http://tls-proxy:3128' })).toBeNull();
    expect(proxyFor(url('https://ghcr.io/v2/'), { https_proxy: 'http://lower:3128' })).toBe('http://lower:3128');
    expect(proxyFor(url('https://ghcr.io/v2/'), {})).toBeNull();
  });

  it('is none for NO_PROXY hosts (default ports counted) and always for loopback', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', HTTP_PROXY: 'http://p:3128', NO_PROXY: 'ghcr.io:443,registry.lan' };
    expect(proxyFor(url('https://ghcr.io/v2/'), env)).toBeNull();
    expect(proxyFor(url('https://ghcr.io:8443/v2/'), env)).toBe('http://p:3128');
    expect(proxyFor(url('http://registry.lan:5000/v2/'), env)).toBeNull();
    for (const host of ['http://localhost:5000', 'http://127.0.0.1:5000', 'http://[::1]:5000']) expect(proxyFor(url(`${host}/v2/`), env)).toBeNull();
    // Other loopback addresses need NO_PROXY: names, not ranges.
    expect(proxyFor(url('http://127.0.0.2:5000/v2/'), env)).toBe('http://p:3128');
  });
});
