// The defaults that depend on the environment. Every other default is SETTING_DEFAULTS in
// shared/schemas.ts, beside the settings' shape.
import type { RuntimeConfig } from '../../../shared/dto.js';

/** The origin's runtimes: the Molecule platform's workspace templates. */
export const ORIGIN_RUNTIMES = ['claude-code', 'langgraph', 'crewai', 'autogen', 'deepagents', 'hermes', 'gemini-cli', 'openclaw'] as const;

export function defaultRuntimes(env: NodeJS.ProcessEnv = process.env): RuntimeConfig[] {
  const registry = (env.MOLECULE_IMAGE_REGISTRY || 'ghcr.io/molecule-ai').replace(/\/+$/, '');
  return ORIGIN_RUNTIMES.map((name) => ({
    name,
    image: `${registry}/workspace-template-${name}:latest`,
    match: { namePrefix: 'ws-' },
  }));
}

/** `IMAGE_AUTO_REFRESH=true` in any case turns auto-refresh on, as in the origin. */
export function envAutoRefresh(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.IMAGE_AUTO_REFRESH ?? '').trim().toLowerCase() === 'true';
}
