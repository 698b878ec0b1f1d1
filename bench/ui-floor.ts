// The floor under the window's row: the very page `serve` sent, as a static file with no script
// and no state, from a server that does no work, drawn in the same browser the same way. What a
// page of this table costs the machine's Chromium whatever produces it; the window's own cost
// is what it takes beyond that.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { SESSION_COOKIE } from '../electron/serve/guard.js';
import { median } from './stats.js';
import { drawnAt, noteDrawn } from './ui-drawn.js';

/** The page and its stylesheet as `serve` sends them, behind the session cookie. */
async function servedFiles(windowUrl: string): Promise<{ html: string; css: string; cssPath: string }> {
  const { origin, searchParams } = new URL(windowUrl);
  const cookie = `${SESSION_COOKIE}=${searchParams.get('token')}`;
  const page = await (await fetch(`${origin}/`, { headers: { cookie } })).text();
  const cssPath = /href="\.(\/assets\/[\w-]+\.css)"/.exec(page)?.[1];
  if (!cssPath) throw new Error('bench: the served page links no stylesheet');
  const css = await (await fetch(`${origin}${cssPath}`, { headers: { cookie } })).text();
  const html = page.replace(/<script type="module"[^>]*><\/script>/g, '').replace(/<script type="application\/json"[^>]*>.*?<\/script>/s, '');
  if (!html.includes('<tr ')) throw new Error('bench: the served page arrived without its table (is dist/renderer-ssr built?)');
  return { html, css, cssPath };
}

export async function staticFloor(browser: Browser, windowUrl: string, rows: number, loads: number): Promise<number> {
  const files = await servedFiles(windowUrl);
  const server = http.createServer((req, res) => {
    const css = req.url === files.cssPath;
    res.writeHead(200, { 'content-type': css ? 'text/css; charset=utf-8' : 'text/html; charset=utf-8' });
    res.end(css ? files.css : files.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const times: number[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await noteDrawn(page, rows);
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      times.push(await drawnAt(page));
      await context.close();
    }
    return median(times);
  } finally {
    server.close();
  }
}
