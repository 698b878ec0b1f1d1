// Events the core emits; the desktop app forwards them over IPC, the daemon over SSE. With
// several engines, what happens on one engine names it (`engine`); with one, no event does.
import type { RefreshProgress, RuntimeRefreshDetail, RuntimeSummary } from './dto.js';

/** A new image as people read it: versions (label, tag or short digest), its release notes, its build time. */
export interface VersionFields {
  version?: string;
  previousVersion?: string;
  link?: string;
  created?: string;
}

export type CoreEvent =
  | { type: 'state-changed'; runtime: string; state: RuntimeSummary }
  /** `engines`: with several engines, those the runtime is on (each gets the new version). */
  /** `appliesAt`: an automatic refresh will apply it then (`appliesBecause`: the update window, or the cooling-off time). */
  | ({
      type: 'digest-moved';
      runtime: string;
      image: string;
      from: string;
      to: string;
      engines?: string[];
      appliesAt?: string;
      appliesBecause?: 'window' | 'min-age';
    } & VersionFields)
  /** The engine's image differs from the tag's digest, found without the digest moving (first check, engine back). */
  | ({ type: 'update-found'; runtime: string; image: string; digest: string; engine?: string } & VersionFields)
  /** A newer version tag of the same shape as the watched one (announced once; never moved to by itself). */
  | { type: 'new-tag'; runtime: string; image: string; current: string; tag: string }
  | { type: 'refresh-started'; runtime: string; engine?: string }
  | { type: 'refresh-progress'; progress: RefreshProgress }
  /** `version`: what now runs, when the image says (its label) or its tag is a version. */
  | { type: 'refresh-finished'; runtime: string; detail: RuntimeRefreshDetail; engine?: string; version?: string }
  | { type: 'check-started' }
  | { type: 'check-finished' };
