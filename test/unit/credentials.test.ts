import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CredentialChain,
  DockerConfigCredentials,
  engineAuthConfig,
  GhcrEnvCredentials,
  registryKeyHost,
  SettingsCredentials,
  type HelperRunner,
} from '../../electron/core/registry/credentials.js';
import { TransportPolicy } from '../../electron/core/registry/transport.js';

function dockerConfig(content: object): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-dc-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(content));
  return dir;
}
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('credentials', () => {
  it('reads auths from DOCKER_CONFIG, matching keys by host whatever their form', async () => {
    const dir = dockerConfig({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
        'https://registry.example.com:5000/v2/': { auth: b64('me:p:with:colons') },
        'ghcr.io': { identitytoken: 'refresh-me' },
      },
    });
    const source = new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir } });
    expect(await source.lookup('registry-1.docker.io')).toMatchObject({ username: 'hubuser', password: 'hubpass' });
    expect(await source.lookup('registry.example.com:5000')).toMatchObject({ username: 'me', password: 'p:with:colons' });
    expect(await source.lookup('ghcr.io')).toMatchObject({ identityToken: 'refresh-me' });
    expect(await source.lookup('quay.io')).toBeNull();
  });

  it('picks up a docker login or logout made while it runs', async () => {
    const dir = dockerConfig({ auths: { 'ghcr.io': { auth: b64('old:one') } } });
    const source = new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir } });
    expect(await source.lookup('ghcr.io')).toMatchObject({ username: 'old', password: 'one' });
    expect(await source.lookup('ghcr.io')).toMatchObject({ username: 'old', password: 'one' });
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('new:token-2') } } }));
    expect(await source.lookup('ghcr.io')).toMatchObject({ username: 'new', password: 'token-2' });
    rmSync(path.join(dir, 'config.json'));
    expect(await source.lookup('ghcr.io')).toBeNull();
  });

  it('asks the per-registry credHelper, then credsStore', async () => {
    const asked: string[] = [];
    const runHelper: HelperRunner = async (helper, server) => {
      asked.push(`${helper} ${server}`);
      return helper === 'ecr' ? { Username: 'AWS', Secret: 'ecr-secret' } : { Username: '<token>', Secret: 'idtoken' };
    };
    const dir = dockerConfig({ credHelpers: { '123.dkr.ecr.example.com': 'ecr' }, credsStore: 'desktop' });
    const source = new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir }, runHelper });
    expect(await source.lookup('123.dkr.ecr.example.com')).toMatchObject({ username: 'AWS', password: 'ecr-secret', source: 'credential helper ecr' });
    expect(await source.lookup('registry-1.docker.io')).toMatchObject({ identityToken: 'idtoken' });
    expect(asked).toEqual(['ecr 123.dkr.ecr.example.com', 'desktop https://index.docker.io/v1/']);
  });

  it('reports an unreadable docker config by its path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-dc-'));
    writeFileSync(path.join(dir, 'config.json'), '{oops');
    await expect(new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir } }).lookup('x')).rejects.toThrow(`${dir}/config.json is not valid JSON`);
  });

  it('uses GHCR_USER and GHCR_TOKEN for ghcr.io only, trimmed, both required', async () => {
    expect(await new GhcrEnvCredentials({ GHCR_USER: ' me ', GHCR_TOKEN: ' tok\n' }).lookup('ghcr.io')).toMatchObject({ username: 'me', password: 'tok' });
    expect(await new GhcrEnvCredentials({ GHCR_USER: 'me', GHCR_TOKEN: '  ' }).lookup('ghcr.io')).toBeNull();
    expect(await new GhcrEnvCredentials({ GHCR_TOKEN: 'tok' }).lookup('ghcr.io')).toBeNull();
    expect(await new GhcrEnvCredentials({ GHCR_USER: 'me', GHCR_TOKEN: 'tok' }).lookup('quay.io')).toBeNull();
  });

  it('takes settings first, then the docker config, then the environment', async () => {
    const dir = dockerConfig({ auths: { 'ghcr.io': { auth: b64('fromfile:x') } } });
    const env = { DOCKER_CONFIG: dir, GHCR_USER: 'fromenv', GHCR_TOKEN: 'y' };
    const chain = (settings: object): CredentialChain =>
      new CredentialChain([new SettingsCredentials(settings as never), new DockerConfigCredentials({ env }), new GhcrEnvCredentials(env)]);
    expect((await chain({ 'https://ghcr.io': { username: 'fromsettings', password: 'z' } }).lookup('ghcr.io'))!.username).toBe('fromsettings');
    expect((await chain({}).lookup('ghcr.io'))!.username).toBe('fromfile');
    const noFile = new CredentialChain([new DockerConfigCredentials({ env: { DOCKER_CONFIG: '/nonexistent' } }), new GhcrEnvCredentials(env)]);
    expect((await noFile.lookup('ghcr.io'))!.username).toBe('fromenv');
  });

  it('builds the engine auth payload with the server address Docker expects', () => {
    expect(engineAuthConfig({ username: 'u', password: 'p', source: 's' }, 'registry-1.docker.io')).toEqual({
      username: 'u',
      password: 'p',
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect(engineAuthConfig({ identityToken: 't', source: 's' }, 'ghcr.io')).toEqual({ identitytoken: 't', serveraddress: 'ghcr.io' });
    expect(engineAuthConfig(null, 'ghcr.io')).toBeUndefined();
    expect(registryKeyHost('http://Index.Docker.IO/v1/')).toBe('registry-1.docker.io');
  });
});

describe('transport policy', () => {
  const policy = new TransportPolicy(['nas.lan:5000']);
  it('speaks plain HTTP only to loopback and listed registries', () => {
    expect(policy.baseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(policy.baseUrl('localhost:5000')).toBe('http://localhost:5000');
    expect(policy.baseUrl('[::1]:5000')).toBe('http://[::1]:5000');
    expect(policy.baseUrl('nas.lan:5000')).toBe('http://nas.lan:5000');
    expect(policy.baseUrl('nas.lan:6000')).toBe('https://nas.lan:6000');
    expect(policy.baseUrl('ghcr.io')).toBe('https://ghcr.io');
    expect(policy.baseUrl('127.evil.com')).toBe('https://127.evil.com');
  });

  it('never sends credentials over plain HTTP to another host', () => {
    expect(policy.mayCarryCredentials(new URL('https://auth.example.com/token'), 'nas.lan:5000')).toBe(true);
    expect(policy.mayCarryCredentials(new URL('http://nas.lan:5001/token'), 'nas.lan:5000')).toBe(true);
    expect(policy.mayCarryCredentials(new URL('http://other.lan/token'), 'nas.lan:5000')).toBe(false);
    expect(policy.mayContact(new URL('http://other.lan/token'))).toBe(false);
    expect(policy.mayContact(new URL('ftp://x/token'))).toBe(false);
  });
});
