// dockerd hands each user network a subnet from its default pools (172.17-31/16, 192.168/20).
// Hosts that already route those ranges (another engine's bridges, a VPN) leave it none, and
// `docker network create` fails. The bed gives its engine a /16 that no route on the host touches.
import { readFileSync } from 'node:fs';

export interface Route {
  network: number;
  mask: number;
}

/** Parses /proc/net/route, whose addresses are little-endian hex. */
export function parseRoutes(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) continue;
    const network = littleEndianHex(cols[1]!);
    const mask = littleEndianHex(cols[7]!);
    // The default route (mask 0) overlaps everything; dockerd ignores it too.
    if (network === null || mask === null || mask === 0) continue;
    routes.push({ network, mask });
  }
  return routes;
}

function littleEndianHex(hex: string): number | null {
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) return null;
  const n = Number.parseInt(hex, 16);
  return (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;
}

function overlaps(a: Route, b: Route): boolean {
  const common = (a.mask & b.mask) >>> 0;
  return (a.network & common) >>> 0 === (b.network & common) >>> 0;
}

/** The first 10.x.0.0/16 (counting down from 10.250) that no route overlaps, as CIDR. */
export function freePool(routes: Route[]): string {
  for (let second = 250; second >= 1; second--) {
    const candidate = { network: ((10 << 24) | (second << 16)) >>> 0, mask: 0xffff0000 };
    if (!routes.some((r) => overlaps(r, candidate))) return `10.${second}.0.0/16`;
  }
  throw new Error('no free 10.x.0.0/16 for the test engine: every one overlaps a host route');
}

/** `count` pools no route and no other of them overlaps, one per engine. */
export function freePools(routes: Route[], count: number): string[] {
  const taken = [...routes];
  const pools: string[] = [];
  for (let i = 0; i < count; i++) {
    const pool = freePool(taken);
    pools.push(pool);
    const second = Number(pool.split('.')[1]);
    taken.push({ network: ((10 << 24) | (second << 16)) >>> 0, mask: 0xffff0000 });
  }
  return pools;
}

function hostRoutes(): Route[] {
  let text = '';
  try {
    text = readFileSync('/proc/net/route', 'utf8');
  } catch {
    // Without a route table there is nothing to avoid.
  }
  return parseRoutes(text);
}

export function hostFreePools(count: number): string[] {
  return freePools(hostRoutes(), count);
}
