// What an image says about itself in its config's labels: the OCI annotations
// (org.opencontainers.image.*) that image authors set so tools can show a version, a source
// and a build time, and the older label-schema ones (org.label-schema.*) where the OCI ones are
// missing. Read once per digest (a digest's config never changes).

export interface ImageVersion {
  /** org.opencontainers.image.version, else org.label-schema.version. */
  version?: string;
  /** The source revision it was built from (a commit). */
  revision?: string;
  /** Where its source lives (a repository URL). */
  source?: string;
  /** When it was built (RFC 3339). */
  created?: string;
  title?: string;
  url?: string;
  documentation?: string;
}

const OCI = 'org.opencontainers.image.';
const LABEL_SCHEMA = 'org.label-schema.';

/** The first label that is set (and not blank), trimmed, bounded: labels are the image author's text. */
function first(labels: Readonly<Record<string, string>>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = labels[key]?.trim();
    if (value) return value.slice(0, 500);
  }
  return undefined;
}

/** The version facts in an image config's labels; empty when it sets none. */
export function imageVersion(labels: Readonly<Record<string, string>> | null | undefined): ImageVersion {
  if (!labels) return {};
  const found: ImageVersion = {
    version: first(labels, `${OCI}version`, `${LABEL_SCHEMA}version`),
    revision: first(labels, `${OCI}revision`, `${LABEL_SCHEMA}vcs-ref`),
    source: first(labels, `${OCI}source`, `${LABEL_SCHEMA}vcs-url`),
    created: first(labels, `${OCI}created`, `${LABEL_SCHEMA}build-date`),
    title: first(labels, `${OCI}title`, `${LABEL_SCHEMA}name`),
    url: first(labels, `${OCI}url`, `${LABEL_SCHEMA}url`),
    documentation: first(labels, `${OCI}documentation`, `${LABEL_SCHEMA}usage`),
  };
  // Only a URL a browser may open is kept as one: an image author's label must not become a
  // `javascript:` or `file:` link in the window.
  for (const key of ['source', 'url', 'documentation'] as const) {
    const value = found[key];
    if (value && !/^https?:\/\//i.test(value.replace(/^git\+/, ''))) delete found[key];
  }
  if (found.created && Number.isNaN(Date.parse(found.created))) delete found.created;
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)) as ImageVersion;
}
