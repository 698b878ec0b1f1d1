// Digests shortened for people, in one place. `shortDigest` keeps the algorithm, as the
// origin's log lines did (`sha256:1a2b3c4d5e6f`); `shortHex` is only the 12 hex, for the
// window's narrow columns. Both cut the same 12 characters, so the two always agree.
const SHOWN = 12;

function split(digest: string): { algorithm: string; hex: string } {
  const colon = digest.indexOf(':');
  return colon >= 0 ? { algorithm: digest.slice(0, colon), hex: digest.slice(colon + 1) } : { algorithm: '', hex: digest };
}

export function shortDigest(digest: string | null | undefined, none = '-'): string {
  if (!digest) return none;
  const { algorithm, hex } = split(digest);
  if (!algorithm || hex.length < SHOWN) return digest;
  return `${algorithm}:${hex.slice(0, SHOWN)}`;
}

export function shortHex(digest: string | null | undefined, none = '—'): string {
  if (!digest) return none;
  return split(digest).hex.slice(0, SHOWN);
}
