// Engine names: what every target, state entry, event, metric label and MQTT topic carries to
// say which engine it belongs to, so they are short and safe in all of those places.
import { ENGINE_NAME } from '../../../shared/schemas.js';
import type { EngineEndpoint } from './endpoint/find-endpoint.js';

/** The name of the one engine found without an `engines` list: its docker context's, or `local`. */
export function defaultEngineName(endpoint: Pick<EngineEndpoint, 'source' | 'context'>): string {
  if (endpoint.source !== 'context' || !endpoint.context) return 'local';
  // A context's name may hold anything the docker CLI allows (dots, capitals): made safe, not refused.
  const safe = endpoint.context
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 32)
    .replace(/[-_]+$/, '');
  return ENGINE_NAME.test(safe) ? safe : 'local';
}

/** Why a name cannot be an engine's, or null when it can. */
export function engineNameProblem(name: string): string | null {
  if (ENGINE_NAME.test(name)) return null;
  return `engine name "${name.slice(0, 64)}" must be 1 to 32 lowercase letters, digits, "-" or "_", starting with a letter or digit`;
}
