import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryTrust } from '../../electron/core/registry/trust.js';
import { TransportPolicy } from '../../electron/core/registry/transport.js';

describe('registry trust', () => {
  it('reads /etc/docker/certs.d/<host:port>/ca.crt as the docker CLI does; the setting wins', () => {
    const certs = mkdtempSync(path.join(os.tmpdir(), 'iw-certs-'));
    mkdirSync(path.join(certs, 'registry.lan:5000'));
    writeFileSync(path.join(certs, 'registry.lan:5000', 'ca.crt'), 'from certs.d');
    mkdirSync(path.join(certs, 'no-ca.lan'));
    const own = path.join(certs, 'own.pem');
    writeFileSync(own, 'from the setting');
    const trust = new RegistryTrust({ 'Other.lan': own }, certs);
    expect(trust.registries.sort()).toEqual(['other.lan', 'registry.lan:5000']);
    expect(trust.caFor('registry.lan:5000')?.toString()).toBe('from certs.d');
    expect(trust.caFor('other.lan')?.toString()).toBe('from the setting');
    expect(trust.caFor('no-ca.lan')).toBeNull();
  });

  it('refuses a CA file it cannot read, naming the registry and the file', () => {
    const certs = mkdtempSync(path.join(os.tmpdir(), 'iw-certs-'));
    const missing = path.join(certs, 'missing.pem');
    expect(() => new RegistryTrust({ 'reg.lan': missing }, certs)).toThrow(new RegExp(`^caFiles\\["reg\\.lan"\\]: cannot read ${missing}: ENOENT`));
  });

  it('speaks TLS to a registry with a private CA even on loopback', () => {
    const policy = new TransportPolicy([], ['127.0.0.1:5443']);
    expect(policy.baseUrl('127.0.0.1:5443')).toBe('https://127.0.0.1:5443');
    expect(policy.baseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
  });
});
