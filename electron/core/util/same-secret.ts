import { timingSafeEqual } from 'node:crypto';

/** Compares a presented token with the real one in constant time; a missing one never matches. */
export function sameSecret(candidate: string | undefined, secret: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
