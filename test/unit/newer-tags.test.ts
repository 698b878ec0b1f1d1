// Newer tags of the same shape: each threshold, include/exclude, transforms, pre-releases, and
// the tag shapes What's Up Docker's users report picked wrongly (four-part tags, LinuxServer's
// -lsNN build counter, transforms that made an older tag look newer, 1.2.10 sorted below 1.2.9,
// signatures and sha- tags taken for versions).
import { describe, expect, it } from 'vitest';
import { compileFilter, newestTag, parseTransform } from '../../electron/core/versions/tags/newer.js';
import { tagShape } from '../../electron/core/versions/tags/shape.js';

const NGINX = [
  'latest',
  'stable',
  'mainline',
  '1.25.3',
  '1.25.4',
  '1.25',
  '1.26.0',
  '1.26.2',
  '1.27.0',
  '1.27.1-alpine',
  '1.27.1',
  '1.28.0-rc.1',
  '2.0.0-beta',
  'alpine',
  '1.26.2-alpine',
  'sha-abc1234',
  'sha256-0123abcd.sig',
];

describe('tag shapes', () => {
  it.each([
    ['1.25.3', { prefix: '', numbers: [1, 25, 3], suffix: '', build: null, prerelease: null }],
    ['v2.1', { prefix: 'v', numbers: [2, 1], suffix: '' }],
    ['8.0-alpine', { numbers: [8, 0], suffix: '-alpine' }],
    ['1.2.3-ls45', { numbers: [1, 2, 3], suffix: '', build: 45 }],
    ['1.40.2.8395', { numbers: [1, 40, 2, 8395] }],
    ['1.28.0-rc.1', { numbers: [1, 28, 0], prerelease: 'rc.1' }],
    ['release-2024.10', { prefix: 'release-', numbers: [2024, 10] }],
  ])('%s', (tag, expected) => {
    expect(tagShape(tag)).toMatchObject(expected);
  });

  it.each(['latest', 'main', 'sha-abc1234', 'sha256-0123abcd.sig', '1.2.3.sig', 'alpine', ''])('%s is not a version', (tag) => {
    expect(tagShape(tag)).toBeNull();
  });
});

describe('the newest tag within a level', () => {
  it.each([
    ['patch', '1.25.4'],
    ['minor', '1.27.1'],
    ['major', '1.27.1'],
  ] as const)('nginx 1.25.3 at %s: %s (pre-releases and other shapes left out)', (level, expected) => {
    expect(newestTag('1.25.3', NGINX, level)).toBe(expected);
  });

  it('keeps the suffix: 1.26.2-alpine finds 1.27.1-alpine, never a plain tag', () => {
    expect(newestTag('1.26.2-alpine', NGINX, 'minor')).toBe('1.27.1-alpine');
  });

  it('counts the number of parts: 1.25 finds nothing of three parts', () => {
    expect(newestTag('1.25', NGINX, 'major')).toBeNull();
  });

  it('takes pre-releases only when asked', () => {
    expect(newestTag('1.27.1', NGINX, 'minor', { prerelease: true })).toBe('1.28.0-rc.1');
    expect(newestTag('1.27.1', NGINX, 'minor')).toBeNull();
  });

  it('compares numbers, not text: 1.2.10 is newer than 1.2.9', () => {
    expect(newestTag('1.2.8', ['1.2.9', '1.2.10', '1.2.1'], 'patch')).toBe('1.2.10');
  });

  it('four-part tags compare every part (Plex-style 1.40.2.8395)', () => {
    const tags = ['1.40.2.8395', '1.40.2.8400', '1.40.3.8502', '1.41.0.8992', '1.41.0', '2.0.0.1'];
    expect(newestTag('1.40.2.8395', tags, 'patch')).toBe('1.40.3.8502');
    expect(newestTag('1.40.2.8395', tags, 'minor')).toBe('1.41.0.8992');
    expect(newestTag('1.40.2.8395', tags, 'major')).toBe('2.0.0.1');
  });

  it('LinuxServer -lsNN: a newer build counter is a rebuild; the version comes first', () => {
    const tags = ['1.2.3-ls45', '1.2.3-ls46', '1.2.4-ls47', '1.3.0-ls50', '1.2.4', 'version-1.2.4'];
    expect(newestTag('1.2.3-ls45', tags, 'patch')).toBe('1.2.4-ls47');
    expect(newestTag('1.2.3-ls45', tags, 'minor')).toBe('1.3.0-ls50');
    expect(newestTag('1.2.4-ls47', ['1.2.4-ls47', '1.2.4-ls48', '1.2.4-ls9'], 'patch')).toBe('1.2.4-ls48');
  });

  it('include and exclude filter by the real tag', () => {
    expect(newestTag('1.25.3', NGINX, 'minor', { exclude: '^1\\.27' })).toBe('1.26.2');
    expect(newestTag('1.25.3', NGINX, 'major', { include: '^1\\.2[56]\\.' })).toBe('1.26.2');
  });

  it('a transform compares rewritten tags and announces the real one', () => {
    const tags = ['1.2.3-2024.01.05', '1.2.10-2024.03.01', '1.2.9-2024.02.20'];
    expect(newestTag('1.2.3-2024.01.05', tags, 'patch', { transform: '^(\\d+\\.\\d+\\.\\d+)-.*$ => $1' })).toBe('1.2.10-2024.03.01');
  });

  it('a transform that makes two tags equal never takes the other for newer', () => {
    // Both rewrite to 1.2.3: the pre-release must not pass for an update of the release.
    expect(newestTag('v1.2.3', ['v1.2.3', '1.2.3-rc1', 'v1.2.2'], 'major', { transform: '^v?(\\d+\\.\\d+\\.\\d+).*$ => $1' })).toBeNull();
  });

  it('refuses a transform without "=>", or a bad regex, naming it', () => {
    expect(() => parseTransform('^(\\d+)$')).toThrow(/must be "regex => replacement"/);
    expect(() => newestTag('1.0.0', [], 'minor', { include: '(' })).toThrow(/include "\(":/);
  });
});

describe('transforms and filters that cannot work', () => {
  it('are refused naming the setting, its first 80 characters and the problem', () => {
    expect(() => parseTransform(' => $1')).toThrow('transform " => $1" must be "regex => replacement"');
    const long = `${'x'.repeat(80)}tail`;
    expect(() => parseTransform(long)).toThrow(`transform "${'x'.repeat(80)}" must be "regex => replacement"`);
    expect(() => parseTransform(`(${long} => $1`)).toThrow(new RegExp(`^transform "\\(${'x'.repeat(79)}": Invalid regular expression`));
    expect(() => compileFilter('include', `(${long}`)).toThrow(new RegExp(`^include "\\(${'x'.repeat(79)}": Invalid regular expression`));
    expect(() => newestTag('1.0', ['1.1'], 'major', { exclude: '(' })).toThrow(/^exclude "\(": Invalid regular expression/);
    expect(() => newestTag('1.0', ['1.1'], 'major', { include: '[' })).toThrow(/^include "\[": Invalid regular expression/);
  });
});

describe('tags that compare equal', () => {
  it('keeps the first listed', () => {
    expect(newestTag('1.2.0', ['1.3.0', '1.03.0'], 'major')).toBe('1.3.0');
    expect(newestTag('1.2.0', ['1.03.0', '1.3.0'], 'major')).toBe('1.03.0');
  });
});

describe('tag shapes at their edges', () => {
  it('takes a word holding "sha" as a prefix, and no signature, attestation or SBOM as a version', () => {
    expect(tagShape('marshal-1.2.3')).toMatchObject({ prefix: 'marshal-', numbers: [1, 2, 3] });
    expect(tagShape('sha-1.2.3')).toBeNull();
    for (const tag of ['1.0-amd64.sig', '1.0-amd64.att', '1.0-amd64.sbom']) expect(tagShape(tag), tag).toBeNull();
  });

  it('never moves between a plain tag and one with a suffix or a build counter', () => {
    expect(newestTag('1.2.3', ['1.2.4-alpine', '1.2.4-ls5'], 'major')).toBeNull();
    expect(newestTag('1.2.3-alpine', ['1.2.4', '1.2.4-ls5'], 'major')).toBeNull();
    expect(newestTag('1.2.3-ls4', ['1.2.4', '1.2.4-alpine'], 'major')).toBeNull();
    expect(newestTag('1.2', ['1.3.0', 'v1.3'], 'major')).toBeNull();
    expect(newestTag('v1.2', ['1.3', '1.2.1'], 'major')).toBeNull();
  });
});
