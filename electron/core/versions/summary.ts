// A runtime's summary with its versions: the latest and what runs (on each engine, with several).
import type { RuntimeConfig, RuntimeSummary } from '../../../shared/dto.js';
import { versionLabel, versionView, type FactsOf } from './view.js';

export function withVersions(summary: RuntimeSummary, runtime: Pick<RuntimeConfig, 'image' | 'link'>, facts: FactsOf): RuntimeSummary {
  const versions = versionView(runtime, facts, summary.seenDigest, summary.appliedDigest);
  if (!versions) return summary;
  const engines = summary.engines?.map((part) =>
    part.appliedDigest !== null && part.appliedDigest !== summary.seenDigest
      ? { ...part, running: versionLabel(facts(part.appliedDigest), part.appliedDigest) }
      : part,
  );
  return { ...summary, versions, ...(engines ? { engines } : {}) };
}
