/// <reference lib="dom" />
// The window with many runtimes, served by `imagewatch serve`, in Debian's headless Chromium:
// how long until the whole table is drawn, and how many refresh-progress events a second it
// takes in while no frame waits longer than 50 ms. The events go through the window's real
// event stream handler (its EventSource), so parsing, the store and React all count.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { writeBenchConfig } from './seed.js';

export interface UiResults {
  runtimes: number;
  renderMs: number;
  progressEventsPerSec: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function measureUi(options: { cli: string; registry: string; repos: readonly string[]; dockerHost: string }): Promise<UiResults> {
  const count = options.repos.length;
  const { dir, config } = writeBenchConfig('iw-bench-ui-', options.registry, options.repos, { dockerHost: options.dockerHost });
  const serve = spawn(process.execPath, [options.cli, 'serve', '--port', '0', '--config', config, '--state', path.join(dir, 'state.json')], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-quic'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /serving the window at (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      serve.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const page = await browser.newPage();
    await page.addInitScript((rows: number) => {
      const w = window as unknown as { __rendered?: number; __source?: EventSource };
      new MutationObserver((_, observer) => {
        if (document.querySelectorAll('table.runtimes tbody tr').length >= rows) {
          w.__rendered = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
      const Real = window.EventSource;
      window.EventSource = class extends Real {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          w.__source = this;
        }
      };
    }, count);
    await page.goto(url);
    await page.waitForFunction(
      () => (window as unknown as { __rendered?: number }).__rendered !== undefined && (window as unknown as { __source?: EventSource }).__source !== undefined,
      null,
      {
        timeout: 60_000,
      },
    );
    const renderMs = await page.evaluate(() => (window as unknown as { __rendered: number }).__rendered);
    if (process.env.IMAGEWATCH_BENCH_DEBUG) {
      const timings = await page.evaluate(() =>
        performance.getEntries().map((e) => {
          const loaf = e as PerformanceEntry & { renderStart?: number; styleAndLayoutStart?: number; blockingDuration?: number };
          const phases = loaf.renderStart ? ` render=${loaf.renderStart.toFixed(0)} layout=${loaf.styleAndLayoutStart?.toFixed(0)}` : '';
          return `${e.entryType} ${e.name.replace(location.origin, '')} start=${e.startTime.toFixed(0)} dur=${e.duration.toFixed(0)}${phases}`;
        }),
      );
      process.stderr.write(`${timings.join('\n')}\n`);
    }

    // Every row refreshing, then progress events at rising rates until a frame waits over 50 ms.
    const progressEventsPerSec = await page.evaluate(async (rows: number) => {
      const source = (window as unknown as { __source: EventSource }).__source;
      const send = (event: unknown): void => source.onmessage?.(new MessageEvent('message', { data: JSON.stringify(event) }));
      for (let i = 0; i < rows; i++) send({ type: 'refresh-started', runtime: `r${i}` });
      // Let that settle: the rates below are about progress events alone.
      await new Promise((r) => setTimeout(r, 1000));
      const tryRate = (rate: number): Promise<number> =>
        new Promise((resolve) => {
          let worst = 0;
          let last = performance.now();
          let running = true;
          const frame = (): void => {
            const now = performance.now();
            worst = Math.max(worst, now - last);
            last = now;
            if (running) requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
          let sent = 0;
          const started = performance.now();
          const timer = setInterval(() => {
            const due = Math.floor(((performance.now() - started) / 1000) * rate);
            for (; sent < due; sent++) {
              const n = sent % rows;
              send({
                type: 'refresh-progress',
                progress: { runtime: `r${n}`, phase: 'pull', layersDone: sent % 5, layersTotal: 5, bytesCurrent: sent * 1000, bytesTotal: 10_000_000 },
              });
            }
          }, 4);
          setTimeout(() => {
            clearInterval(timer);
            running = false;
            resolve(worst);
          }, 1000);
        });
      let best = 0;
      for (const rate of [100, 200, 400, 800, 1600, 3200, 6400]) {
        if ((await tryRate(rate)) > 50) break;
        best = rate;
      }
      return best;
    }, count);
    return { runtimes: count, renderMs, progressEventsPerSec };
  } finally {
    await browser.close();
    serve.kill('SIGTERM');
  }
}
