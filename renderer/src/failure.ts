// Failures and images as a person reads them at a glance. The core's messages name the request
// first ("HEAD https://ghcr.io/v2/…/manifests/latest: ENOTFOUND"), which a narrow cell cuts
// before the reason; here the reason comes first, in words, and the request goes to the tooltip.
// Several runtimes failing for one reason are said once.
import type { RuntimeView } from '../../shared/api.js';

export interface ReadableFailure {
  /** What went wrong, in words, reason first. */
  reason: string;
  /** The host the failure is about, when the message names a request. */
  host?: string;
  /** Whether it is the host that cannot be reached (shared by every runtime on it). */
  unreachable: boolean;
}

const REQUEST = /^(?:GET|HEAD|POST|PUT) (https?:\/\/\S+): ([\s\S]*)$/;

/** Node's network error codes, in words. */
const CODES: Record<string, string> = {
  ENOTFOUND: 'its name does not resolve',
  EAI_AGAIN: 'its name could not be looked up (DNS did not answer)',
  ECONNREFUSED: 'it refused the connection',
  ECONNRESET: 'it dropped the connection',
  ETIMEDOUT: 'it did not answer',
  EHOSTUNREACH: 'there is no route to it',
  ENETUNREACH: 'there is no network route to it',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate is not trusted (a self-signed CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another name',
};

export function readableFailure(message: string): ReadableFailure {
  const request = REQUEST.exec(message);
  if (!request) return { reason: message, unreachable: false };
  let host: string;
  try {
    host = new URL(request[1]!).host;
  } catch {
    return { reason: message, unreachable: false };
  }
  const rest = request[2]!.trim();
  const code = CODES[rest];
  if (code) return { reason: `cannot reach ${host}: ${code}`, host, unreachable: true };
  const timedOut = /^timed out after (\d+) ms$/.exec(rest);
  if (timedOut) return { reason: `cannot reach ${host}: no answer within ${Math.round(Number(timedOut[1]) / 1000)} s`, host, unreachable: true };
  const answered = /^registry answered (\d{3})$/.exec(rest);
  if (answered) return { reason: `${host} answered HTTP ${answered[1]}`, host, unreachable: false };
  return { reason: `${host}: ${rest}`, host, unreachable: false };
}

export interface SharedProblem {
  reason: string;
  runtimes: string[];
}

/** Reasons two or more runtimes' last checks failed for alike (a registry that cannot be reached), most runtimes first. */
export function sharedProblems(runtimes: readonly RuntimeView[]): SharedProblem[] {
  const byReason = new Map<string, string[]>();
  for (const runtime of runtimes) {
    const error = runtime.state.lastError;
    if (!error || error.phase !== 'check') continue;
    const failure = readableFailure(error.message);
    if (!failure.unreachable) continue;
    byReason.set(failure.reason, [...(byReason.get(failure.reason) ?? []), runtime.config.name]);
  }
  return [...byReason]
    .filter(([, names]) => names.length > 1)
    .map(([reason, names]) => ({ reason, runtimes: names }))
    .sort((a, b) => b.runtimes.length - a.runtimes.length);
}

/**
 * An image reference short enough for a table cell that still tells rows apart: the registry
 * and the repository's last part with its tag ("ghcr.io/…/workspace-template-claude-code:latest"),
 * cut in the middle only if that is still too long. The whole goes in the tooltip.
 */
export function shortImage(image: string, max = 48): string {
  if (image.length <= max) return image;
  const parts = image.split('/');
  const short = parts.length > 2 ? `${parts[0]}/…/${parts.at(-1)}` : image;
  if (short.length <= max) return short;
  const keep = max - 1;
  const head = Math.ceil(keep / 3);
  return `${short.slice(0, head)}…${short.slice(short.length - (keep - head))}`;
}
