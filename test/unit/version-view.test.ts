// How a version reads: the label, else a version tag, else the short digest; "a → b", a
// rebuild of the same version, the image's age; and the release link templates of labels.
import { describe, expect, it } from 'vitest';
import { builtAgo, changeText, versionChange } from '../../shared/versions.js';
import { tagIsVersion, versionLabel, versionView } from '../../electron/core/versions/view.js';
import { linkTemplate } from '../../electron/core/labels.js';
import type { ImageFacts } from '../../shared/dto.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const f = (more: Partial<ImageFacts>): ImageFacts => ({ from: 'registry', readAt: '2026-12-01T00:00:00Z', ...more });

describe('a version as people read it', () => {
  it.each([
    ['1.25.3', true],
    ['v2.1', true],
    ['8.0-alpine', true],
    ['8-alpine', true],
    ['1.2.', false],
    ['1.2.3-ls45', true],
    ['2024.10.1.4', true],
    ['latest', false],
    ['sha-abc123', false],
    ['sha256-abc.sig', false],
    ['main', false],
  ])('tag %s reads as a version: %s', (tag, expected) => {
    expect(tagIsVersion(tag)).toBe(expected);
  });

  it('takes the label, else the tag, else the short digest', () => {
    expect(versionLabel(f({ version: '0.87.1' }), A, '0.87')).toEqual({ text: '0.87.1', from: 'label' });
    expect(versionLabel(f({}), A, '0.87')).toEqual({ text: '0.87', from: 'tag' });
    expect(versionLabel(undefined, A, 'latest')).toEqual({ text: 'sha256:aaaaaaaaaaaa', from: 'digest' });
  });

  it('shows what runs only when known and not the latest, with the link and the age', () => {
    const facts = new Map([
      [A, f({ version: '0.86.0' })],
      [B, f({ version: 'v0.87.1', source: 'https://github.com/o/r', created: '2026-12-07T08:00:00Z' })],
    ]);
    const view = versionView({ image: 'ghcr.io/o/r:latest' }, (d) => facts.get(d), B, A);
    expect(view).toEqual({
      latest: { text: 'v0.87.1', from: 'label' },
      running: { text: '0.86.0', from: 'label' },
      link: 'https://github.com/o/r/releases/tag/v0.87.1',
      created: '2026-12-07T08:00:00Z',
    });
    expect(versionChange(view!)).toBe('0.86.0 → v0.87.1');
    expect(versionView({ image: 'ghcr.io/o/r:latest' }, (d) => facts.get(d), B, B)?.running).toBeUndefined();
    expect(versionView({ image: 'ghcr.io/o/r:latest' }, (d) => facts.get(d), null, A)).toBeUndefined();
  });

  it('links a commit, never a release search for a digest, when no version is known; and keeps the revision', () => {
    const view = versionView({ image: 'ghcr.io/o/r:latest' }, () => f({ source: 'https://github.com/o/r', revision: 'abc1234' }), A, null);
    expect(view).toEqual({
      latest: { text: 'sha256:aaaaaaaaaaaa', from: 'digest' },
      link: 'https://github.com/o/r/commit/abc1234',
      revision: 'abc1234',
    });
  });

  it('builds the link from the runtime template over the source', () => {
    const view = versionView(
      { image: 'o/r:latest', link: 'https://example.com/notes/${major}.${minor}#${version}' },
      () => f({ version: '2.4.1', source: 'https://github.com/o/r' }),
      A,
      null,
    );
    expect(view?.link).toBe('https://example.com/notes/2.4#2.4.1');
  });

  it('says a rebuild of the same version, and the age', () => {
    expect(changeText('1.2.0', '1.2.0')).toBe('1.2.0 (new build)');
    expect(changeText('1.2.0')).toBe('1.2.0');
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(builtAgo('2026-12-07T08:00:00Z', now)).toBe('built 2 h ago');
    expect(builtAgo('2026-12-07T09:55:00Z', now)).toBe('built 5 min ago');
    expect(builtAgo('2026-11-01T10:00:00Z', now)).toBe('built 36 days ago');
    expect(builtAgo('not a date', now)).toBeNull();
  });

  it('takes a link template from a container label, ours first, a non-web one ignored', () => {
    expect(linkTemplate({ 'wud.link.template': 'https://github.com/o/r/releases/tag/v${major}.${minor}.${patch}' })).toBe(
      'https://github.com/o/r/releases/tag/v${major}.${minor}.${patch}',
    );
    expect(linkTemplate({ 'imagewatch.link.template': 'https://a/${version}', 'wud.link.template': 'https://b/${version}' })).toBe('https://a/${version}');
    expect(linkTemplate({ 'imagewatch.link.template': 'javascript:alert(1)' })).toBeUndefined();
  });
});
