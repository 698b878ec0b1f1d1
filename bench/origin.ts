// The origin's check, reproduced for comparison: the Go watcher took the images one after
// another, fetched a fresh anonymous token for each, then sent the HEAD, over a client that
// keeps connections alive (Go's default transport).
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

export async function originCheck(registry: string, repos: readonly string[]): Promise<number> {
  const agent = new Agent({ keepAliveTimeout: 90_000, connections: 2 });
  const started = performance.now();
  for (const repo of repos) {
    const token = await request(`http://${registry}/token?service=bench&scope=${encodeURIComponent(`repository:${repo}:pull`)}`, { dispatcher: agent });
    const { token: value } = (await token.body.json()) as { token: string };
    const head = await request(`http://${registry}/v2/${repo}/manifests/latest`, {
      method: 'HEAD',
      reset: false,
      dispatcher: agent,
      headers: { authorization: `Bearer ${value}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    await head.body.dump();
    if (head.statusCode !== 200) throw new Error(`origin baseline: HEAD ${repo} answered ${head.statusCode}`);
  }
  const ms = performance.now() - started;
  await agent.close();
  return ms;
}
