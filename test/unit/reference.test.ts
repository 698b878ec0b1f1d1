import { describe, expect, it } from 'vitest';
import { engineName, followsTag, normalizeReference, parseReference, repoDigestsContain } from '../../electron/core/image/reference.js';
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
