// A Swarm service's update: the time from a digest's move to the update reported complete, by
// imagewatch (a running core's refresh, as the daemon does it: the lookup, `service update` to
// tag@digest, following UpdateStatus to its end) against `docker service update --image tag@digest` of the same
// service on the same engine (the CLI, which also waits for the update to converge). They take
// turns on one service of 2 replicas (a 2 s update monitor) on a one-node swarm on the bed's second engine; medians.
import { performance } from 'node:perf_hooks';
import { createCore } from '../electron/core/core.js';
import { resolveSettings } from '../electron/core/config/load.js';
import { MemoryStateStore } from '../electron/core/state/store.js';
import { docker, publish } from '../test/bed/images.js';
import type { BedInfo } from '../test/bed/testbed.js';
import { median } from './stats.js';

export interface SwarmResults {
  oursMs: number;
  cliMs: number;
  ratio: number;
}

export async function measureSwarm(bed: BedInfo, options: { id: string; pairs: number }): Promise<SwarmResults> {
  const host = bed.engines.nas.socket;
  const swarm = (args: string[]): Promise<string> => docker(bed, args, { env: { DOCKER_HOST: host } });
  const ref = `${bed.registries.open}/bench-${options.id}/swarm:latest`;
  const service = `bench-${options.id}`;
  const config = resolveSettings({ runtimes: [{ name: 'swarm', image: ref }], dockerHost: host }, 'bench', {});
  const core = createCore({ config, store: new MemoryStateStore(), env: {}, notice: () => undefined });
  await swarm(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  try {
    let version = 0;
    await publish(bed, ref, { version: `v${version++}` });
    await swarm(['service', 'create', '--replicas', '2', '--update-monitor', '2s', '--name', service, ref]);
    const ours: number[] = [];
    const cli: number[] = [];
    for (let i = 0; i < options.pairs; i++) {
      await publish(bed, ref, { version: `v${version++}` });
      let started = performance.now();
      const refreshed = await core.watcher.refresh(['swarm']);
      ours.push(performance.now() - started);
      if (!refreshed.recreated.includes(service)) throw new Error(`imagewatch did not update the service: ${JSON.stringify(refreshed.details)}`);
      const { digest } = await publish(bed, ref, { version: `v${version++}` });
      started = performance.now();
      await swarm(['service', 'update', '--quiet', '--image', `${ref}@${digest}`, service]);
      cli.push(performance.now() - started);
    }
    return { oursMs: median(ours), cliMs: median(cli), ratio: median(ours) / median(cli) };
  } finally {
    await core.close();
    await swarm(['swarm', 'leave', '--force']).catch(() => '');
  }
}
