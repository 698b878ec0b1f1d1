// The served window's page (electron/serve/window-page.ts): the table drawn into the built page
// when the server-side build works, and the plain page, which draws itself, whenever it does not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppState } from '../../shared/api.js';
import { windowPage } from '../../electron/serve/window-page.js';
import { appState } from '../fixtures/runtime-state.js';

const TEMPLATE = '<!doctype html><html><head><script type="module" src="./assets/boot.js"></script></head><body><div id="root"></div></body></html>';

function setup(rendererSource: string | null, template = TEMPLATE) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iw-page-'));
  writeFileSync(path.join(dir, 'index.html'), template);
  const renderer = path.join(dir, 'server.mjs');
  if (rendererSource !== null) writeFileSync(renderer, rendererSource);
  const logged: string[] = [];
  const state: AppState = appState([], { warnings: ['costs $& and $1'] });
  const page = windowPage({ template: path.join(dir, 'index.html'), renderer, state: () => state, log: (line) => logged.push(line) });
  return { page, logged, dir };
}

const url = new URL('http://127.0.0.1/?runtime=alpha');

describe('the served page', () => {
  it('carries the drawing inside the root and the state after it, for the runtime asked for', async () => {
    const { page, logged } = setup(
      'export const renderWindow = ({ state, now, runtime }) => ({ root: `<p>${runtime} ${state.warnings[0]} ${typeof now}</p>`, after: "<script type=\\"application/json\\">{}</script>" });',
    );
    const html = await page(url);
    // `$&` and `$1` in the state stay text: the drawing is not read as a replacement pattern.
    expect(html).toContain('<div id="root"><p>alpha costs $& and $1 number</p></div><script type="application/json">{}</script></body>');
    expect(logged).toEqual([]);
  });

  it('sends the plain page, and says why once, when the server-side build is missing', async () => {
    const { page, logged } = setup(null);
    expect(await page(url)).toBe(TEMPLATE);
    expect(await page(url)).toBe(TEMPLATE);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/server-side build .*server\.mjs.* did not load/);
  });

  it('sends the plain page when the build has no renderWindow, or drawing throws', async () => {
    const wrong = setup('export const other = 1;');
    expect(await wrong.page(url)).toBe(TEMPLATE);
    expect(wrong.logged[0]).toMatch(/has no renderWindow/);
    const throwing = setup('export const renderWindow = () => { throw new Error("bad state"); };');
    expect(await throwing.page(url)).toBe(TEMPLATE);
    expect(throwing.logged[0]).toMatch(/drawing the window on the server failed \(bad state\)/);
  });

  it('leaves a page without the root element alone, and answers null when the page is not built', async () => {
    const other = '<!doctype html><p>custom</p>';
    const custom = setup('export const renderWindow = () => ({ root: "x", after: "" });', other);
    expect(await custom.page(url)).toBe(other);
    const missing = setup('export const renderWindow = () => ({ root: "x", after: "" });');
    const page = windowPage({
      template: path.join(missing.dir, 'nothing.html'),
      renderer: '/nonexistent.mjs',
      state: () => appState([]),
      log: () => undefined,
    });
    expect(await page(url)).toBeNull();
  });
});
