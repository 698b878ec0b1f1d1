// The host key check for ssh:// engines reads known_hosts as ssh does: plain and hashed host
// fields, [host]:port for other ports, patterns and negations, @revoked keys.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, hostFieldMatches } from '../../electron/core/engines/ssh.js';

const key = randomBytes(51);
const other = randomBytes(51);
const b64 = (b: Buffer): string => b.toString('base64');
const hashed = (name: string): string => {
  const salt = randomBytes(20);
  return `|1|${b64(salt)}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('known_hosts', () => {
  it('matches plain, hashed, port-qualified and patterned host fields', () => {
    expect(hostFieldMatches('nas,nas.lan', 'nas.lan')).toBe(true);
    expect(hostFieldMatches(hashed('[nas.lan]:2222'), '[nas.lan]:2222')).toBe(true);
    expect(hostFieldMatches(hashed('[nas.lan]:2222'), 'nas.lan')).toBe(false);
    expect(hostFieldMatches('*.lan,!evil.lan', 'nas.lan')).toBe(true);
    expect(hostFieldMatches('*.lan,!evil.lan', 'evil.lan')).toBe(false);
    expect(hostFieldMatches('nas', 'nas2')).toBe(false);
  });

  it('accepts the recorded key, refuses a changed, unknown or revoked one', () => {
    const lines = ['# comment', `[nas.lan]:2222 ssh-ed25519 ${b64(key)}`, '', `@cert-authority *.lan ssh-ed25519 ${b64(other)}`];
    expect(checkHostKey(lines, 'nas.lan', 2222, key)).toEqual({ ok: true });
    expect(checkHostKey(lines, 'nas.lan', 2222, other)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match known_hosts/) });
    expect(checkHostKey(lines, 'nas.lan', 22, key)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/nas\.lan is not in known_hosts; connect once with `ssh nas\.lan`/),
    });
    const revoked = [`@revoked * ssh-ed25519 ${b64(key)}`, `nas.lan ssh-ed25519 ${b64(key)}`];
    expect(checkHostKey(revoked, 'nas.lan', 22, key)).toMatchObject({ ok: false, reason: expect.stringMatching(/@revoked/) });
  });
});
