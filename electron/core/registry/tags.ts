// A repository's tags, from the registry's tags API (`/v2/<name>/tags/list`), page by page:
// `n=` asks for a page size, and the registry's `Link: <…>; rel="next"` names the next page
// (Docker Hub, GHCR, distribution and Harbor all answer so). Pages are capped, so a repository
// with a hundred thousand tags costs a bounded number of requests; what was cut is said.
import { formatReference, type ImageReference } from '../image/reference.js';
import { RegistryError } from '../errors.js';
import { header } from './http.js';
import type { BlobDeps } from './blobs.js';

export interface TagPage {
  /** Tags asked per page (the registry may answer fewer). */
  pageSize?: number;
  /** Pages read at most. */
  maxPages?: number;
}

export interface TagList {
  tags: string[];
  /** More pages were left unread (the cap). */
  truncated: boolean;
  /** Requests made. */
  requests: number;
}

export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_MAX_PAGES = 20;
/** A tag is at most 128 characters (the distribution spec's grammar); a page past this is not a tag list. */
const MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** The next page's URL from a Link header, on the same registry only. */
function nextPage(link: string | undefined, current: URL): URL | null {
  if (!link) return null;
  const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link);
  if (!match) return null;
  const next = new URL(match[1]!, current);
  return next.host === current.host && next.protocol === current.protocol ? next : null;
}

export async function fetchTags(deps: BlobDeps, ref: ImageReference, options: TagPage = {}, signal?: AbortSignal): Promise<TagList> {
  const name = formatReference({ registry: ref.registry, repository: ref.repository });
  const scope = `repository:${ref.repository}:pull`;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let url: URL | null = new URL(`${deps.baseUrl(ref.registry)}/v2/${ref.repository}/tags/list?n=${pageSize}`);
  const tags: string[] = [];
  let requests = 0;
  let pages = 0;
  let auth = await deps.authorization(ref.registry, scope, signal);
  let reauthenticated = false;
  while (url) {
    if (pages >= maxPages) return { tags, truncated: true, requests };
    const res = await deps.send('GET', url, auth ? { authorization: auth, accept: 'application/json' } : { accept: 'application/json' }, signal);
    requests++;
    if (res.status === 401 && !reauthenticated) {
      deps.rechallenged(ref.registry, scope, res);
      auth = await deps.authorization(ref.registry, scope, signal);
      reauthenticated = true;
      continue;
    }
    if (res.status === 401 || res.status === 403) throw new RegistryError(`${name}: the registry refuses to list its tags (${res.status})`, res.status);
    if (res.status === 404) throw new RegistryError(`${name}: the registry does not list tags here (404)`, 404);
    if (res.status === 429) throw new RegistryError(`${name}: tag listing rate-limited (429)`, 429);
    if (res.status !== 200) throw new RegistryError(`${name}: tag listing answered ${res.status}`, res.status);
    if (res.body.length > MAX_PAGE_BYTES) throw new RegistryError(`${name}: a tag list page is larger than ${MAX_PAGE_BYTES} bytes`);
    let doc: { tags?: unknown };
    try {
      doc = JSON.parse(res.body.toString('utf8')) as { tags?: unknown };
    } catch {
      throw new RegistryError(`${name}: the tag list is not valid JSON`);
    }
    // A repository with no tags answers `"tags": null`.
    if (doc.tags !== null && doc.tags !== undefined && !Array.isArray(doc.tags)) throw new RegistryError(`${name}: the tag list has no tags array`);
    for (const tag of (doc.tags as unknown[] | null) ?? []) if (typeof tag === 'string' && tag.length <= 128) tags.push(tag);
    pages++;
    url = nextPage(header(res, 'link'), url);
  }
  return { tags, truncated: false, requests };
}
