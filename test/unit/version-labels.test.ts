// What an image's labels say about its version, and the "what changed" link built from them:
// OCI labels first, label-schema where they are missing, nothing a browser should not open;
// templates with What's Up Docker's names; release pages of GitHub, GitLab and Gitea-style hosts.
import { describe, expect, it } from 'vitest';
import { imageVersion } from '../../electron/core/versions/labels.js';
import { fillTemplate, releaseLink } from '../../electron/core/versions/release-link.js';

describe('an image version from its labels', () => {
  it('reads the OCI labels, and the label-schema ones only where those are missing', () => {
    expect(
      imageVersion({
        'org.opencontainers.image.version': ' 0.87.1 ',
        'org.opencontainers.image.revision': 'abc1234',
        'org.opencontainers.image.source': 'https://github.com/crewai/crewai',
        'org.opencontainers.image.created': '2026-12-01T10:00:00Z',
        'org.label-schema.version': '0.1.0',
      }),
    ).toEqual({ version: '0.87.1', revision: 'abc1234', source: 'https://github.com/crewai/crewai', created: '2026-12-01T10:00:00Z' });
    expect(imageVersion({ 'org.label-schema.version': '2.4', 'org.label-schema.vcs-url': 'https://gitlab.com/o/r.git' })).toEqual({
      version: '2.4',
      source: 'https://gitlab.com/o/r.git',
    });
    expect(imageVersion(null)).toEqual({});
  });

  it('keeps no link a browser should not open, and no date that is not one', () => {
    expect(
      imageVersion({
        'org.opencontainers.image.source': 'javascript:alert(1)',
        'org.opencontainers.image.url': 'file:///etc/passwd',
        'org.opencontainers.image.created': 'yesterday',
      }),
    ).toEqual({});
    expect(imageVersion({ 'org.opencontainers.image.version': 'x'.repeat(2000) }).version).toHaveLength(500);
  });
});

describe('the release link', () => {
  it('fills a template with the version and its parts, as What’s Up Docker names them', () => {
    expect(fillTemplate('https://example.org/changelog/${major}.${minor}#${patch}', { version: 'v1.25.3' })).toBe('https://example.org/changelog/1.25#3');
    expect(fillTemplate('https://example.org/${version}', { version: '1.2.3-ls45' })).toBe('https://example.org/1.2.3-ls45');
    expect(fillTemplate('https://example.org/${patch}', { version: '8.0' })).toBeNull();
    expect(fillTemplate('javascript:${version}', { version: '1' })).toBeNull();
    expect(fillTemplate('https://example.org/${version}', { version: 'a b/../c' })).toBe('https://example.org/a%20b%2F..%2Fc');
  });

  it('points at the release of a version on GitHub, GitLab and Gitea-style hosts, else the commit', () => {
    expect(releaseLink({ version: 'v0.87.1', source: 'https://github.com/o/r' })).toBe('https://github.com/o/r/releases/tag/v0.87.1');
    expect(releaseLink({ version: '0.87.1', source: 'git+https://github.com/o/r.git' })).toBe('https://github.com/o/r/releases?q=0.87.1&expanded=true');
    expect(releaseLink({ revision: 'abc1234', source: 'https://github.com/o/r' })).toBe('https://github.com/o/r/commit/abc1234');
    expect(releaseLink({ version: 'v2.4', source: 'https://gitlab.com/g/r' })).toBe('https://gitlab.com/g/r/-/releases/v2.4');
    expect(releaseLink({ version: 'v1.0', source: 'https://codeberg.org/o/r' })).toBe('https://codeberg.org/o/r/releases/tag/v1.0');
    expect(releaseLink({ version: '1.0', source: 'https://example.org/o/r' })).toBeNull();
    expect(releaseLink({ version: '1.0' }, 'https://example.org/notes/${version}')).toBe('https://example.org/notes/1.0');
  });
});

describe('the release link, at its edges', () => {
  it('fills a template only from a version that starts with its numbers, into an http or https URL', () => {
    expect(fillTemplate('https://example.org/${major}', { version: 'release-1.2' })).toBeNull();
    expect(fillTemplate('http://notes.lan/${version}', { version: '1.2' })).toBe('http://notes.lan/1.2');
  });

  it('keeps a repository name that holds ".git" or "git+", and drops trailing slashes', () => {
    expect(releaseLink({ version: 'v1', source: 'https://github.com/o/o.github.io' })).toBe('https://github.com/o/o.github.io/releases/tag/v1');
    expect(releaseLink({ version: 'v1', source: 'https://github.com/o/legit+r' })).toBe('https://github.com/o/legit+r/releases/tag/v1');
    expect(releaseLink({ version: 'v1', source: 'https://github.com/o/r//' })).toBe('https://github.com/o/r/releases/tag/v1');
  });

  it('reads the OCI url and documentation labels on their own', () => {
    expect(
      imageVersion({ 'org.opencontainers.image.url': 'https://example.org', 'org.opencontainers.image.documentation': 'https://docs.example.org' }),
    ).toEqual({
      url: 'https://example.org',
      documentation: 'https://docs.example.org',
    });
  });
});

describe('every label an image may carry', () => {
  it('reads each OCI label, else its label-schema counterpart, and keeps only web links', async () => {
    expect(
      imageVersion({
        'org.label-schema.version': '1.0',
        'org.label-schema.vcs-ref': 'abc1234',
        'org.label-schema.vcs-url': 'git+https://git.lan/o/r.git',
        'org.label-schema.build-date': '2026-12-01T00:00:00Z',
        'org.label-schema.name': 'App',
        'org.label-schema.url': 'https://app.lan',
        'org.label-schema.usage': 'HTTP://docs.lan',
      }),
    ).toEqual({
      version: '1.0',
      revision: 'abc1234',
      source: 'git+https://git.lan/o/r.git',
      created: '2026-12-01T00:00:00Z',
      title: 'App',
      url: 'https://app.lan',
      documentation: 'HTTP://docs.lan',
    });
    const oci = 'org.opencontainers.image.';
    expect(
      imageVersion({
        [`${oci}version`]: ' 2.0 ',
        'org.label-schema.version': '1.0',
        [`${oci}revision`]: 'def5678',
        [`${oci}title`]: 'Mine',
        [`${oci}url`]: 'javascript:alert(1)',
        [`${oci}documentation`]: 'file:///etc/passwd',
        [`${oci}source`]: 'ssh://git@git.lan/o/r',
        [`${oci}created`]: 'yesterday',
      }),
    ).toEqual({ version: '2.0', revision: 'def5678', title: 'Mine' });
    expect(imageVersion({ [`${oci}source`]: 'see https://git.lan' })).toEqual({});
  });
});
