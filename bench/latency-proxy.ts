// The latency proxy (latency-proxy-server.ts) in a process of its own, as a distant registry
// is: in the bench's own process its work would share the event loop with the engine being
// timed and add to every lookup's time.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProxyCounts, ProxyOptions } from './latency-proxy-server.js';

export type { ProxyCounts };

export interface LatencyProxy {
  host: string;
  counts(): Promise<ProxyCounts>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startLatencyProxy(options: ProxyOptions): Promise<LatencyProxy> {
  const child = fork(fileURLToPath(new URL('./latency-proxy-child.js', import.meta.url)), [JSON.stringify(options)], { stdio: 'inherit' });
  const waiting = new Map<number, (answer: { counts?: ProxyCounts }) => void>();
  let next = 0;
  const host = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the latency proxy exited (${code}) before it listened`)));
    child.on('message', (message: { type?: string; host?: string; id?: number; counts?: ProxyCounts }) => {
      if (message.type === 'ready') resolve(message.host!);
      else if (message.id !== undefined) {
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      }
    });
  });
  const ask = (type: 'counts' | 'reset'): Promise<{ counts?: ProxyCounts }> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.send({ id, type });
    });
  return {
    host,
    counts: async () => (await ask('counts')).counts!,
    reset: async () => void (await ask('reset')),
    close: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'close', id: -1 });
      await exited;
    },
  };
}
