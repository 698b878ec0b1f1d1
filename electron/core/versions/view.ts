// The versions a runtime shows, from the facts state keeps by digest: the image the tag names
// now and what runs, each as its version label, else the tag when it reads as a version, else
// the short digest; and the release link of the latest.
import type { ImageFacts, RuntimeConfig, VersionLabel, VersionView } from '../../../shared/dto.js';
import { shortDigest } from '../../../shared/digest.js';
import { tryParseReference } from '../image/reference.js';
import { releaseLink } from './release-link.js';

/** `1.25.3`, `v2.1`, `8.0-alpine`, `1.2.3-ls45`: a tag people read as a version (not `latest`, not `sha-abc123`). */
export function tagIsVersion(tag: string | undefined): tag is string {
  return tag !== undefined && /^v?\d+(\.\d+)*([-+_][0-9A-Za-z][0-9A-Za-z.+_-]*)?$/.test(tag);
}

/** One digest's version: its label, else the tag (only for what the tag names now), else the short digest. */
export function versionLabel(facts: ImageFacts | undefined, digest: string, tag?: string): VersionLabel {
  if (facts?.version) return { text: facts.version, from: 'label' };
  if (tagIsVersion(tag)) return { text: tag, from: 'tag' };
  return { text: shortDigest(digest), from: 'digest' };
}

export type FactsOf = (digest: string) => ImageFacts | undefined;

/** The runtime's versions: what the tag names (`seen`) and what runs (`running`, when known and not the same). */
export function versionView(
  runtime: Pick<RuntimeConfig, 'image' | 'link'>,
  facts: FactsOf,
  seen: string | null,
  running: string | null,
): VersionView | undefined {
  if (seen === null) return undefined;
  const tag = tryParseReference(runtime.image)?.tag;
  const latestFacts = facts(seen);
  const latest = versionLabel(latestFacts, seen, tag);
  const link = releaseLink({ ...latestFacts, ...(latest.from === 'digest' ? {} : { version: latest.text }) }, runtime.link);
  return {
    latest,
    ...(running !== null && running !== seen ? { running: versionLabel(facts(running), running) } : {}),
    ...(link ? { link } : {}),
    ...(latestFacts?.created ? { created: latestFacts.created } : {}),
    ...(latestFacts?.revision ? { revision: latestFacts.revision } : {}),
  };
}
