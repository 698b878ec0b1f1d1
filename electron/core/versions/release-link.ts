// "What changed": a link to the release notes of a version. From a template the user sets
// (per runtime, or as the container label imagewatch.link.template; What's Up Docker's
// wud.link.template is honoured, with its ${major}/${minor}/${patch} names), or built from the
// image's source URL for the hosts whose release pages have a known shape (GitHub, GitLab,
// Gitea and Forgejo): the release of that version (or the host's release search, see below),
// else the commit of that revision.

export interface LinkFacts {
  version?: string;
  revision?: string;
  source?: string;
}

/** `1.2.3`, `v1.2.3`, `1.2.3-ls45`: its numeric parts, for a template's ${major}/${minor}/${patch}. */
function parts(version: string): { major?: string; minor?: string; patch?: string } {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  if (!match) return {};
  return { major: match[1], ...(match[2] ? { minor: match[2] } : {}), ...(match[3] ? { patch: match[3] } : {}) };
}

/** Fills `${version}`, `${revision}`, `${major}`, `${minor}`, `${patch}`; null when a name it uses is unknown or the result is not an http(s) URL. */
export function fillTemplate(template: string, facts: LinkFacts): string | null {
  const values: Record<string, string | undefined> = { version: facts.version, revision: facts.revision, ...(facts.version ? parts(facts.version) : {}) };
  let missing = false;
  const filled = template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing = true;
      return '';
    }
    return encodeURIComponent(value);
  });
  if (missing || !/^https?:\/\/[^\s]+$/i.test(filled)) return null;
  return filled;
}

/** The repository's web URL from a source label (`https://github.com/o/r`, `git+https://…/r.git`). */
function repositoryUrl(source: string): URL | null {
  try {
    const url = new URL(source.replace(/^git\+/, '').replace(/\.git$/, ''));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** A release (or commit) page for these facts, when the source's host has pages of a known shape. */
export function releaseLink(facts: LinkFacts, template?: string): string | null {
  if (template) return fillTemplate(template, facts);
  if (!facts.source) return null;
  const repo = repositoryUrl(facts.source);
  if (!repo) return null;
  const base = `${repo.origin}${repo.pathname.replace(/\/+$/, '')}`;
  const host = repo.hostname.toLowerCase();
  const version = facts.version ? encodeURIComponent(facts.version) : undefined;
  const revision = facts.revision && /^[0-9a-f]{7,64}$/i.test(facts.revision) ? facts.revision : undefined;
  // A version label often drops the tag's "v" (label 0.87.1, tag v0.87.1): a bare number goes to
  // the host's release search, which finds either; a label that starts with "v" is the tag.
  const exact = facts.version?.startsWith('v') === true;
  if (host === 'github.com') {
    if (version) return exact ? `${base}/releases/tag/${version}` : `${base}/releases?q=${version}&expanded=true`;
    return revision ? `${base}/commit/${revision}` : null;
  }
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) {
    if (version) return exact ? `${base}/-/releases/${version}` : `${base}/-/tags?search=${version}`;
    return revision ? `${base}/-/commit/${revision}` : null;
  }
  if (host === 'codeberg.org' || host.startsWith('gitea.') || host.startsWith('forgejo.')) {
    if (version) return exact ? `${base}/releases/tag/${version}` : `${base}/releases`;
    return revision ? `${base}/commit/${revision}` : null;
  }
  return null;
}
