// A real Prometheus (Debian's) on loopback for one test: scrapes the given target every
// second with a bearer token file, keeps its data in a temp dir, and stops with the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './testbed.js';

export interface RunningPrometheus {
  url: string;
  /** The first sample of `query`'s result, once Prometheus has one. */
  value(query: string, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startPrometheus(target: string, token: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-prom-'));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: imagewatch',
      '    authorization:',
      `      credentials_file: ${tokenFile}`,
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async value(query, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
          const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
          const first = body.data?.result?.[0];
          if (first) return Number(first.value[1]);
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`prometheus had no result for ${query}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
