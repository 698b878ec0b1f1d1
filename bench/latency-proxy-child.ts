// The latency proxy's own process (see latency-proxy.ts): started with its options as JSON,
// it says where it listens, then answers `counts`, `reset` and `close`.
import { serveLatencyProxy, type ProxyOptions } from './latency-proxy-server.js';

type Ask = { id: number; type: 'counts' | 'reset' | 'close' };

const proxy = await serveLatencyProxy(JSON.parse(process.argv[2] ?? '{}') as ProxyOptions);
const send = (message: unknown): void => void process.send?.(message);
send({ type: 'ready', host: proxy.host });
process.on('message', (ask: Ask) => {
  if (ask.type === 'counts') send({ id: ask.id, counts: { ...proxy.counts } });
  if (ask.type === 'reset') {
    proxy.reset();
    send({ id: ask.id });
  }
  if (ask.type === 'close') void proxy.close().then(() => process.exit(0));
});
// The bench ended without closing it: it goes too.
process.on('disconnect', () => process.exit(0));
