import { describe, expect, it } from 'vitest';
import { freePool, freePools, parseRoutes } from '../bed/address-pool.js';

// Columns as the kernel prints them: Iface Destination Gateway Flags RefCnt Use Metric Mask ...
const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
const route = (iface: string, dest: string, mask: string) => `${iface}\t${dest}\t00000000\t0001\t0\t0\t0\t${mask}\t0\t0\t0`;

describe('the test engine address pool', () => {
  it('reads little-endian routes and ignores the default route', () => {
    const routes = parseRoutes(
      [HEADER, route('eth0', '00000000', '00000000'), route('br-1', '000011AC', '0000FFFF'), route('eth0', '000200C0', '00FFFFFF')].join('\n'),
    );
    expect(routes).toEqual([
      { network: 0xac110000, mask: 0xffff0000 },
      { network: 0xc0000200, mask: 0xffffff00 },
    ]);
  });

  it('skips every /16 a host route overlaps, wider or narrower', () => {
    const routes = parseRoutes(
      [
        HEADER,
        route('br-a', '0000FA0A', '0000FFFF'), // 10.250.0.0/16
        route('br-c', '0000F80A', '0000FFFF'), // 10.248.0.0/16
        route('br-b', '0001F90A', '00FFFFFF'), // 10.249.1.0/24
        route('vpn', '0000F00A', '0000F8FF'), // 10.240.0.0/13 covers 10.240 to 10.247; 10.239 is next
      ].join('\n'),
    );
    expect(freePool(routes)).toBe('10.239.0.0/16');
  });

  it('says so when all of 10/8 is taken', () => {
    expect(() => freePool(parseRoutes([HEADER, route('vpn', '0000000A', '000000FF')].join('\n')))).toThrow(/no free 10\.x/);
  });

  it('gives each engine its own pool, none overlapping a route or another', () => {
    const routes = parseRoutes([HEADER, route('br-1', '0000FA0A', '0000FFFF')].join('\n'));
    expect(freePools(routes, 3)).toEqual(['10.249.0.0/16', '10.248.0.0/16', '10.247.0.0/16']);
  });
});
