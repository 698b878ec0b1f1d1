// A registry whose certificate comes from a private CA (the bed's own, served over TLS on
// loopback): trusted through the caFiles setting, and never by switching verification off.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { CheckRun } from '../../shared/dto.js';
import { publish, requireBed, runCli, tempDir, uid, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('registries with a private CA', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.tls}/ca/app-${id}:latest`;

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = (name: string, caFiles: Record<string, string>) =>
    runCli([
      'check',
      '--config',
      writeConfig(path.join(dir), { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost, caFiles }),
      '--state',
      path.join(dir, name, 'state.json'),
    ]);

  it('trusts the CA named in caFiles, over TLS even on loopback', async () => {
    const { digest } = await publish(b, image, { version: 'v1' });
    const run = await check('trusted', { [b.registries.tls]: b.registryCa });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as CheckRun).runtimes[0]).toMatchObject({ outcome: 'seeded', remoteDigest: digest });
  });

  it('refuses a certificate its CA does not vouch for, saying so', async () => {
    const other = path.join(dir, 'other-ca.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'other-ca.key'), '-out', other, '-days', '1', '-subj', '/CN=not-the-ca'],
      { stdio: 'ignore' },
    );
    const run = await check('untrusted', { [b.registries.tls]: other });
    expect(run.code).toBe(1);
    const report = (JSON.parse(run.stdout) as CheckRun).runtimes[0]!;
    expect(report.outcome).toBe('error');
    expect(report.error).toMatch(/CERT|certificate|verify/i);
  });

  it('a caFiles entry naming a missing file is a config error', async () => {
    const run = await check('missing', { [b.registries.tls]: path.join(dir, 'nope.pem') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/caFiles\[".*"\]: cannot read .*nope\.pem/);
  });
});
