// Versions people read, at their edges: which tags are versions at all (signatures, sha tags
// and overlong ones are not), how pre-releases order, the release links each forge gets (and
// the links no forge gets), and a template's numbers.
import { describe, expect, it } from 'vitest';
import { compareTags, tagShape } from '../../electron/core/versions/tags/shape.js';
import { fillTemplate, releaseLink } from '../../electron/core/versions/release-link.js';

const newer = (a: string, b: string): number => compareTags(tagShape(a)!, tagShape(b)!);

describe('which tags are versions', () => {
  it.each(['1.2.3', 'v1.2', 'release-1.4.0', 'abcdefghijk-1.0', `1.2.3-${'a'.repeat(122)}`])('%s is one', (tag) => {
    expect(tagShape(tag)).not.toBeNull();
  });
  it.each(['latest', 'sha-1.0', 'SHA256-1.0', 'abcdefghijkl-1.0', '1.2.3.sig', '1.2.3.att', '1.2.3.sbom', `1.2.3-${'a'.repeat(123)}`])('%s is not', (tag) => {
    expect(tagShape(tag)).toBeNull();
  });
  it('keeps a suffix that only starts like a signature', () => {
    expect(tagShape('1.2.3-signed')?.suffix).toBe('-signed');
    expect(tagShape('1.2.3.sigma')?.suffix).toBe('.sigma');
  });
});

describe('how pre-releases order', () => {
  it('alpha < beta < rc < the release, and by their numbers within one name', () => {
    expect(newer('1.0.0-alpha.1', '1.0.0-beta.1')).toBeLessThan(0);
    expect(newer('1.0.0-rc.1', '1.0.0-beta.2')).toBeGreaterThan(0);
    expect(newer('1.0.0-rc.2', '1.0.0-rc.10')).toBeLessThan(0);
    expect(newer('1.0.0-rc.10', '1.0.0-rc.2')).toBe(8);
    expect(newer('1.0.0-rc', '1.0.0-rc.1')).toBeLessThan(0);
    expect(newer('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
    expect(newer('1.0.0', '1.0.0-rc.1')).toBeGreaterThan(0);
    expect(newer('1.0.0-rc.1', '1.0.0-rc.1')).toBe(0);
  });
});

describe('release links', () => {
  it('go to the release of a "v" tag, or the search for a bare number, on each forge', () => {
    expect(releaseLink({ source: 'https://gitlab.example.org/o/r', version: 'v1.2' })).toBe('https://gitlab.example.org/o/r/-/releases/v1.2');
    expect(releaseLink({ source: 'https://mygitlab.example.org/o/r', version: '1.2' })).toBeNull();
    expect(releaseLink({ source: 'https://example.gitlab.', version: '1.2' })).toBeNull();
    expect(releaseLink({ source: 'https://gitlab.com/o/r/', version: 'v1.2' })).toBe('https://gitlab.com/o/r/-/releases/v1.2');
    expect(releaseLink({ source: 'https://gitlab.lan/o/r', version: '1.2' })).toBe('https://gitlab.lan/o/r/-/tags?search=1.2');
    expect(releaseLink({ source: 'https://gitlab.lan/o/r', revision: 'abcdef1' })).toBe('https://gitlab.lan/o/r/-/commit/abcdef1');
    expect(releaseLink({ source: 'https://gitea.lan/o/r', version: '1.2' })).toBe('https://gitea.lan/o/r/releases');
    expect(releaseLink({ source: 'https://forgejo.lan/o/r', version: 'v1.2' })).toBe('https://forgejo.lan/o/r/releases/tag/v1.2');
    expect(releaseLink({ source: 'https://codeberg.org/o/r', revision: 'ABCDEF1234' })).toBe('https://codeberg.org/o/r/commit/ABCDEF1234');
    expect(releaseLink({ source: 'https://my.gitea.lan/o/r', version: 'v1' })).toBeNull();
    expect(releaseLink({ source: 'https://my.forgejo.lan/o/r', version: 'v1' })).toBeNull();
    expect(releaseLink({ source: 'git+https://github.com/o/r.git', version: 'v2.0' })).toBe('https://github.com/o/r/releases/tag/v2.0');
    expect(releaseLink({ source: 'http://github.com/o/r', revision: 'abc1234' })).toBe('http://github.com/o/r/commit/abc1234');
  });

  it('give nothing for a revision that is not a commit, a source that is not a web page, or no facts', () => {
    expect(releaseLink({ source: 'https://github.com/o/r', revision: 'abc123' })).toBeNull();
    expect(releaseLink({ source: 'https://github.com/o/r', revision: 'xyz1234' })).toBeNull();
    expect(releaseLink({ source: 'https://github.com/o/r', revision: `${'a'.repeat(64)}0` })).toBeNull();
    expect(releaseLink({ source: 'https://github.com/o/r', revision: 'v-abcdef1' })).toBeNull();
    expect(releaseLink({ source: 'ssh://git@github.com/o/r', version: 'v1' })).toBeNull();
    expect(releaseLink({ source: 'not a url', version: 'v1' })).toBeNull();
    expect(releaseLink({ version: 'v1' })).toBeNull();
    expect(releaseLink({ source: 'https://github.com/o/r' })).toBeNull();
  });

  it("fill a template's numbers, and refuse one that is not a web link or names what is unknown", () => {
    const t = 'https://example.org/notes/${major}.${minor}/${patch}#${version}';
    expect(fillTemplate(t, { version: 'v10.20.30-ls5' })).toBe('https://example.org/notes/10.20/30#v10.20.30-ls5');
    expect(fillTemplate('https://e.org/${major}', { version: '7' })).toBe('https://e.org/7');
    expect(fillTemplate('https://e.org/${minor}', { version: '7' })).toBeNull();
    expect(fillTemplate('https://e.org/${patch}', { version: '7.1' })).toBeNull();
    expect(fillTemplate('https://e.org/${major}', { version: 'latest' })).toBeNull();
    expect(fillTemplate('https://e.org/${revision}', { revision: 'a b' })).toBe('https://e.org/a%20b');
    expect(fillTemplate('ftp://e.org/${version}', { version: '1' })).toBeNull();
    expect(fillTemplate('see https://e.org/${version}', { version: '1' })).toBeNull();
    expect(fillTemplate('https://e.org/${version} x', { version: '1' })).toBeNull();
    expect(fillTemplate('HTTPS://e.org/${version}', { version: '1' })).toBe('HTTPS://e.org/1');
  });
});
