// What a refresh answers: the origin's `{pulled, failed, recreated}` plus each runtime's detail.
// A runtime refreshed on several engines has one detail that sums up the engines' own (each
// kept in `engines`), so the origin's shape holds whatever the number of engines.
import { changedContainers, type RefreshResult, type RuntimeRefreshDetail } from '../../../shared/dto.js';

export function emptyResult(): RefreshResult {
  return { pulled: [], failed: [], recreated: [], details: {} };
}

export function addDetail(result: RefreshResult, runtime: string, detail: RuntimeRefreshDetail): RefreshResult {
  result.details[runtime] = detail;
  if (detail.imageIdAfter !== undefined) result.pulled.push(runtime);
  if (!detail.ok) result.failed.push(runtime);
  result.recreated.push(...changedContainers(detail));
  return result;
}

/** One detail for a runtime refreshed on several engines: ok when every engine's is, each failure named by its engine. */
export function combineDetails(details: readonly RuntimeRefreshDetail[]): RuntimeRefreshDetail {
  if (details.length === 1) return details[0]!;
  const first = details[0];
  if (!first) throw new Error('internal: no refresh to combine');
  const failed = details.filter((d) => !d.ok);
  const deferred = details.filter((d) => d.deferred);
  const digests = new Set(details.map((d) => d.digest));
  const pulled = details.find((d) => d.imageIdAfter !== undefined);
  return {
    image: first.image,
    ok: failed.length === 0,
    ...(failed.length ? { error: failed.map((d) => `${d.engine ?? '?'}: ${d.error ?? 'failed'}`).join('; ') } : {}),
    ...(deferred.length ? { deferred: deferred.map((d) => `${d.engine ?? '?'}: ${d.deferred}`).join('; ') } : {}),
    ...(digests.size === 1 && first.digest ? { digest: first.digest } : {}),
    ...(pulled?.imageIdAfter ? { imageIdAfter: pulled.imageIdAfter } : {}),
    containers: details.flatMap((d) => d.containers.map((c) => (d.engine ? { ...c, engine: d.engine } : c))),
    engines: [...details],
  };
}

/** A refresh of one runtime on one or more engines, in the origin's shape. */
export function mergeDetails(runtime: string, details: readonly RuntimeRefreshDetail[]): RefreshResult {
  return addDetail(emptyResult(), runtime, combineDetails(details));
}
