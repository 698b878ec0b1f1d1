// An engine as the watcher sees it: a name, what refreshes a runtime on it, what it holds for
// a tag, and the image it would run from a multi-arch index. The core gives one per engine;
// tests give the one-engine form (refresher, localView, platformImage), named `local`.
import type { ImageReference } from '../image/reference.js';
import type { PlatformImage } from '../registry/platform-lookup.js';
import type { RuntimeConfig, RuntimeRefreshDetail } from '../../../shared/dto.js';
import type { RefreshOptions } from '../refresh/service.js';
import type { LocalView } from './transitions.js';

/** What refreshes a runtime on an engine: the refresh service, or a fake in tests. */
export interface Refresher {
  refreshOne(runtime: RuntimeConfig, options?: RefreshOptions): Promise<RuntimeRefreshDetail>;
  idle(): Promise<void>;
}

export interface WatchedEngine {
  name: string;
  refresher: Refresher;
  /** What the engine holds for the tag; throws when the engine cannot be asked. */
  localView: (ref: ImageReference, digest: string) => Promise<LocalView>;
  /** The engine platform's image in a multi-arch index; null for one image or an unknown platform. */
  platformImage?: (ref: ImageReference, digest: string, signal?: AbortSignal) => Promise<PlatformImage | null>;
}

/** updateAvailable over several engines: true if one has an update, unknown if one does not know, else false. */
export function anyUpdate(values: ReadonlyArray<boolean | null>): boolean | null {
  if (values.includes(true)) return true;
  if (values.includes(null)) return null;
  return false;
}
