// Serves the built renderer with a strict CSP. Paths are resolved inside the root only.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
}

/** `page`: the window's page for this request (window-page.ts), in place of the file as built. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, page?: () => Promise<string | null>): Promise<void> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath).replace(/^\/+/, '');
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (relative === '' || !path.extname(relative)) relative = 'index.html';
  // Browsers ask for /favicon.ico whatever the page links; answer with the window's icon.
  if (relative === 'favicon.ico') relative = 'favicon.svg';
  const file = path.resolve(root, relative);
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(404).end();
    return;
  }
  try {
    const drawn = relative === 'index.html' && page ? await page() : null;
    const body = drawn ?? (await readFile(file));
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': relative === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    res.end(body);
  } catch {
    if (relative === 'index.html') {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The window is not built: run `npm run build`.\n');
      return;
    }
    res.writeHead(404).end();
  }
}
