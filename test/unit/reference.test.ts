import { describe, expect, it } from 'vitest';
import { engineName, followsTag, normalizeReference, parseReference, repoDigestsContain, withTag } from '../../electron/core/image/reference.js';
import { shortDigest } from '../../shared/digest.js';
import { InvalidReferenceError } from '../../electron/core/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it.each([
    ['nginx', 'registry-1.docker.io/library/nginx:latest'],
    ['nginx:1.27', 'registry-1.docker.io/library/nginx:1.27'],
    ['library/nginx', 'registry-1.docker.io/library/nginx:latest'],
    ['docker.io/library/nginx:latest', 'registry-1.docker.io/library/nginx:latest'],
    ['index.docker.io/bitnami/redis', 'registry-1.docker.io/bitnami/redis:latest'],
    ['ghcr.io/o/r:tag', 'ghcr.io/o/r:tag'],
    [`host:5000/a/b/c@${D}`, `host:5000/a/b/c@${D}`],
    [`host:5000/a/b/c:v1@${D}`, `host:5000/a/b/c:v1@${D}`],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['localhost/x', 'localhost/x:latest'],
    ['127.0.0.1:5000/team/app:v2.1_rc-3', '127.0.0.1:5000/team/app:v2.1_rc-3'],
    ['[::1]:5000/x:y', '[::1]:5000/x:y'],
    ['Registry.Example.com/a__b/c-d.e', 'Registry.Example.com/a__b/c-d.e:latest'],
    ['ghcr.io/molecule-ai/workspace-template-claude-code:latest', 'ghcr.io/molecule-ai/workspace-template-claude-code:latest'],
  ])('normalises %s', (input, expected) => {
    expect(normalizeReference(input)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    [' nginx', /whitespace/],
    ['ngi nx', /whitespace/],
    ['Nginx', /lowercase/],
    ['ghcr.io/O/r', /lowercase/],
    ['nginx:', /bad tag ""/],
    ['nginx:-bad', /bad tag "-bad"/],
    [`nginx@sha256:${'a'.repeat(63)}`, /bad digest/],
    ['nginx@md5:abc', /bad digest/],
    ['a//b', /empty path component/],
    ['host:99999/x', /out of range/],
    ['host:abc/x', /bad registry port "abc"|bad path component/],
    ['-host.com/x', /bad registry host/],
    ['x/-y', /bad path component "-y"/],
    [`x/${'a'.repeat(300)}`, /longer than 255/],
    [':tag', /missing repository/],
    // The two the Docker engine refuses although a laxer grammar would take them.
    ['[2001:db8:3:4::192.0.2.33]:5000/debian', /embedded IPv4 part/],
    ['a'.repeat(64), /64-hex name is an image ID/],
    [`${'b'.repeat(64)}:latest`, /64-hex name is an image ID/],
  ])('rejects %j with an error naming the reference and the problem', (input, reason) => {
    let error: unknown;
    try {
      parseReference(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidReferenceError);
    expect((error as Error).message).toContain(`"${input}"`);
    expect((error as Error).message).toMatch(reason);
  });

  it('compares after normalisation, never by substring', () => {
    const watched = parseReference('ghcr.io/molecule-ai/workspace-template-crewai:latest');
    expect(followsTag('ghcr.io/molecule-ai/workspace-template-crewai', watched)).toBe(true);
    expect(followsTag('ghcr.io/molecule-ai/workspace-template-crewai:latest', watched)).toBe(true);
    expect(followsTag('ghcr.io/molecule-ai/workspace-template-crewai:v2', watched)).toBe(false);
    expect(followsTag('ghcr.io/molecule-ai/workspace-template-crewai-extra:latest', watched)).toBe(false);
    expect(followsTag('evil.io/molecule-ai/workspace-template-crewai:latest', watched)).toBe(false);
    expect(followsTag(`ghcr.io/molecule-ai/workspace-template-crewai@${D}`, watched)).toBe(false);
    expect(followsTag('not a reference', watched)).toBe(false);
    const hub = parseReference('nginx');
    expect(followsTag('docker.io/library/nginx:latest', hub)).toBe(true);
    expect(followsTag('nginx2', hub)).toBe(false);
  });

  it('finds a digest in RepoDigests by normalised repository', () => {
    const hub = parseReference('nginx:latest');
    expect(repoDigestsContain([`nginx@${D}`], hub, D)).toBe(true);
    expect(repoDigestsContain([`docker.io/library/nginx@${D}`], hub, D)).toBe(true);
    expect(repoDigestsContain([`other/nginx@${D}`], hub, D)).toBe(false);
    expect(repoDigestsContain([`nginx@sha256:${'b'.repeat(64)}`], hub, D)).toBe(false);
  });

  it('hands Docker Hub to the engine as docker.io and shortens digests like the origin', () => {
    expect(engineName(parseReference('nginx'))).toBe('docker.io/library/nginx:latest');
    expect(engineName(parseReference('ghcr.io/o/r:t'))).toBe('ghcr.io/o/r:t');
    expect(shortDigest(D)).toBe(`sha256:${'a'.repeat(12)}`);
    expect(shortDigest(null)).toBe('-');
  });
});

describe('the reference grammar, edge by edge', () => {
  const D = `sha256:${'a'.repeat(64)}`;
  it.each([
    ['a', { registry: 'registry-1.docker.io', repository: 'library/a', tag: 'latest' }],
    ['team/a0.b_c__d-e--f', { registry: 'registry-1.docker.io', repository: 'team/a0.b_c__d-e--f', tag: 'latest' }],
    ['my-registry.lan:5000/team/app:1.0_rc-2.b', { registry: 'my-registry.lan:5000', repository: 'team/app', tag: '1.0_rc-2.b' }],
    ['Registry.LAN/app', { registry: 'Registry.LAN', repository: 'app', tag: 'latest' }],
    ['r-1.example/app', { registry: 'r-1.example', repository: 'app', tag: 'latest' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['[fd00::1]:5000/app', { registry: '[fd00::1]:5000', repository: 'app', tag: 'latest' }],
    ['[::1]/app', { registry: '[::1]', repository: 'app', tag: 'latest' }],
    ['reg.lan:65535/app', { registry: 'reg.lan:65535', repository: 'app', tag: 'latest' }],
    [`app:${'t'.repeat(128)}`, { registry: 'registry-1.docker.io', repository: 'library/app', tag: 't'.repeat(128) }],
    ['app:_x', { registry: 'registry-1.docker.io', repository: 'library/app', tag: '_x' }],
    [`app@${D}`, { registry: 'registry-1.docker.io', repository: 'library/app', digest: D }],
    [`app:1@sha512:${'b'.repeat(128)}`, { registry: 'registry-1.docker.io', repository: 'library/app', tag: '1', digest: `sha512:${'b'.repeat(128)}` }],
    ['index.docker.io/me/app', { registry: 'registry-1.docker.io', repository: 'me/app', tag: 'latest' }],
    // Only exactly 64 hex is an image ID; one more character makes it a name again.
    ['a'.repeat(65), { registry: 'registry-1.docker.io', repository: `library/${'a'.repeat(65)}`, tag: 'latest' }],
  ])('reads %s, with no field it was not given', (input, expected) => {
    // Strict: a pinned reference has no tag key at all, a tagged one no digest key.
    expect(parseReference(input)).toStrictEqual(expected);
  });

  it.each([
    ['', 'empty'],
    [' app', 'surrounding whitespace'],
    ['my app', 'contains whitespace'],
    ['app@sha256:abc', 'bad digest "sha256:abc" (want sha256: and 64 lowercase hex)'],
    [`app@sha256:${'A'.repeat(64)}`, 'bad digest'],
    [`app@sha256:${'a'.repeat(64)}x`, 'bad digest'],
    [`x${'a'.repeat(63)}`.replace('x', 'a'), 'a 64-hex name is an image ID to the Docker engine, not a repository'],
    ['app:-x', 'bad tag "-x"'],
    ['app:.x', 'bad tag ".x"'],
    [`app:${'t'.repeat(129)}`, 'bad tag'],
    // A colon before the last slash is a registry's port, not a tag.
    ['app:a/b', 'bad registry port "a"'],
    [':tag', 'missing repository name'],
    [`@${D}`, 'missing repository name'],
    ['Nginx', 'bad path component "Nginx": repository names must be lowercase'],
    ['team/-app', 'bad path component "-app": bad characters'],
    ['team/app-', 'bad path component "app-": bad characters'],
    ['team/a..b', 'bad path component "a..b": bad characters'],
    ['team/a___b', 'bad path component "a___b": bad characters'],
    ['team/a$b', 'bad path component "a$b": bad characters'],
    ['team//app', 'empty path component'],
    ['-reg.lan/app', 'bad registry host "-reg.lan"'],
    ['reg-.lan/app', 'bad registry host "reg-.lan"'],
    ['reg..lan/app', 'bad registry host "reg..lan"'],
    ['re_g.lan/app', 'bad registry host "re_g.lan"'],
    ['reg.lan:50a/app', 'bad registry port "50a"'],
    ['reg.lan:/app', 'bad registry port ""'],
    ['reg.lan:123456/app', 'bad registry port "123456"'],
    ['reg.lan:65536/app', 'registry port 65536 is out of range'],
    ['[fd00::1/app', 'unterminated IPv6 address in registry "[fd00::1"'],
    ['[fd00::1]x/app', 'bad registry "[fd00::1]x"'],
    ['[::ffff:1.2.3.4]/app', 'IPv6 address "::ffff:1.2.3.4" has an embedded IPv4 part, which the Docker engine refuses'],
    ['[fd00::g]/app', 'bad IPv6 address "fd00::g"'],
    [`reg.lan/${'a'.repeat(248)}`, 'name longer than 255 characters'],
  ])('refuses %j, naming why', (input, why) => {
    expect(() => parseReference(input)).toThrow(why);
  });

  it('refuses a reference that is not text (a number or null from hand-edited JSON) as empty, not with a TypeError', () => {
    for (const input of [undefined, null, 5]) {
      expect(() => parseReference(input as unknown as string)).toThrow(InvalidReferenceError);
    }
  });

  it('takes a name of exactly 255 characters', () => {
    expect(parseReference(`reg.lan/${'a'.repeat(247)}`).repository).toHaveLength(247);
  });

  it('takes an uppercase first part as a registry, as the engine does', () => {
    expect(parseReference('MyRegistry/app')).toEqual({ registry: 'MyRegistry', repository: 'app', tag: 'latest' });
    expect(() => parseReference('[zz::1]:5000/app')).toThrow('bad IPv6 address "zz::1"');
  });
});

describe('references handed on', () => {
  it('names a digest-pinned image to the engine without a tag, and a tagged and pinned one with both', () => {
    expect(engineName(parseReference(`nginx@${D}`))).toBe(`docker.io/library/nginx@${D}`);
    expect(engineName(parseReference(`ghcr.io/o/r:1.2@${D}`))).toBe(`ghcr.io/o/r:1.2@${D}`);
  });

  it('never takes a container pinned to a digest for one following the tag, even with the tag written', () => {
    const watched = parseReference('nginx:latest');
    expect(followsTag(`nginx:latest@${D}`, watched)).toBe(false);
  });

  it('finds the digest among several RepoDigests entries', () => {
    const hub = parseReference('nginx:latest');
    expect(repoDigestsContain([`other/app@${D}`, `nginx@${D}`], hub, D)).toBe(true);
    expect(repoDigestsContain([], hub, D)).toBe(false);
  });

  it('moves a reference to another tag as the user wrote it, registry port and all', () => {
    expect(withTag('nginx:1.25.3', '1.27.0')).toBe('nginx:1.27.0');
    expect(withTag('nginx', '1.27.0')).toBe('nginx:1.27.0');
    expect(withTag('localhost:5000/team/app', '2.0')).toBe('localhost:5000/team/app:2.0');
    expect(withTag('localhost:5000/team/app:1.9', '2.0')).toBe('localhost:5000/team/app:2.0');
  });
});
