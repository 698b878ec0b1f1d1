/// <reference lib="dom" />
// The window with many runtimes, served by `imagewatch serve`, in Debian's headless Chromium:
// how long until the whole table is drawn, and how many refresh-progress events a second it
// takes in while no frame waits longer than 50 ms. The events go through the window's real
// event stream handler (its EventSource), so parsing, the store and React all count.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeBenchConfig } from './seed.js';
import { median } from './stats.js';
import { drawnAt, noteDrawn } from './ui-drawn.js';
import { staticFloor } from './ui-floor.js';

export interface UiResults {
  runtimes: number;
  renderMs: number;
  progressEventsPerSec: number;
}

/** Beside the results, for the table only (the JSON's fields are fixed): the static floor (ui-floor.ts). */
export interface UiMeasurement {
  results: UiResults;
  staticMs: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The window is opened on a running daemon, as a user opens it: after serve's first check.
 * Opened during that check, the page's first request waits behind its CPU burst (start-up and
 * a check of every image, which the tick row measures), not behind the window.
 */
async function firstCheckDone(url: string): Promise<void> {
  const { origin, searchParams } = new URL(url);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${origin}/api/getState`, {
      method: 'POST',
      headers: { authorization: `Bearer ${searchParams.get('token')}`, 'content-type': 'application/json' },
      body: '{"args":[]}',
    });
    const { result } = (await res.json()) as { result: { checking: boolean; runtimes: Array<{ state: { lastCheckAt: string | null } }> } };
    if (!result.checking && result.runtimes.every((r) => r.state.lastCheckAt)) return;
    if (Date.now() > deadline) throw new Error('serve did not finish its first check in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens the window and waits until every row is drawn and its event stream is open. */
async function openWindow(browser: Browser, url: string, rows: number): Promise<{ page: Page; drawn: number }> {
  const page = await browser.newPage();
  await noteDrawn(page, rows);
  await page.addInitScript(() => {
    const w = window as unknown as { __source?: EventSource };
    const Real = window.EventSource;
    window.EventSource = class extends Real {
      constructor(target: string | URL, init?: EventSourceInit) {
        super(target, init);
        w.__source = this;
      }
    };
  });
  await page.goto(url);
  const drawn = await drawnAt(page);
  await page.waitForFunction(() => (window as unknown as { __source?: EventSource }).__source !== undefined, null, { timeout: 60_000 });
  return { page, drawn };
}

/** IMAGEWATCH_BENCH_DEBUG: where a load's time went (resources, long frames, navigation). */
async function timings(page: Page): Promise<string> {
  return page.evaluate(() =>
    performance
      .getEntries()
      .map((e) => {
        const loaf = e as PerformanceEntry & { renderStart?: number; styleAndLayoutStart?: number };
        const phases = loaf.renderStart ? ` render=${loaf.renderStart.toFixed(0)} layout=${loaf.styleAndLayoutStart?.toFixed(0)}` : '';
        return `${e.entryType} ${e.name.replace(location.origin, '')} start=${e.startTime.toFixed(0)} dur=${e.duration.toFixed(0)}${phases}`;
      })
      .join('\n'),
  );
}

export async function measureUi(options: {
  cli: string;
  registry: string;
  repos: readonly string[];
  dockerHost: string;
  loads?: number;
}): Promise<UiMeasurement> {
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
    await firstCheckDone(url);
    // Each load in a fresh context (no cache, no cookie), as opening the printed URL is; the
    // median of five, since one load swings with whatever else the machine is doing.
    const loads: number[] = [];
    let page!: Page;
    for (let i = 0; i < (options.loads ?? 5); i++) {
      if (page) await page.context().close();
      let drawn: number;
      ({ page, drawn } = await openWindow(browser, url, count));
      loads.push(drawn);
    }
    const renderMs = median(loads);
    const staticMs = await staticFloor(browser, url, count, options.loads ?? 5);
    if (process.env.IMAGEWATCH_BENCH_DEBUG) process.stderr.write(`${await timings(page)}\nloads: ${loads.map((l) => l.toFixed(0)).join(' ')}\n`);

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
    return { results: { runtimes: count, renderMs, progressEventsPerSec }, staticMs };
  } finally {
    await browser.close();
    serve.kill('SIGTERM');
  }
}
