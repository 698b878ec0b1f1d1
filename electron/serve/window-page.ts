// The window's page, sent already drawn (shared/served-window.ts): the built page with the
// table rendered into it by the server-side build of the renderer, and the state it was drawn
// from. The browser shows the table as the page arrives instead of after loading and running
// the window's script and asking for the state (a few hundred ms for 200 runtimes, measured by
// `npm run bench`). Anything wrong on this side sends the plain page, which draws itself.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { AppState } from '../../shared/api.js';
import type { RenderWindow } from '../../shared/served-window.js';

const ROOT = '<div id="root"></div>';

export interface WindowPageOptions {
  /** The built page (dist/renderer/index.html). */
  template: string;
  /** The server-side build (dist/renderer-ssr/server.js). */
  renderer: string;
  state: () => AppState;
  log: (line: string) => void;
}

/** The page for one request, or null when it is not built (the caller says so). */
export type WindowPage = (url: URL) => Promise<string | null>;

export function windowPage(options: WindowPageOptions): WindowPage {
  // Loaded at the first page asked for, not at start: a daemon nobody opens never pays for React.
  let loading: Promise<RenderWindow | null> | undefined;
  const load = (): Promise<RenderWindow | null> =>
    (loading ??= import(pathToFileURL(options.renderer).href).then(
      (mod: { renderWindow?: unknown }) => {
        if (typeof mod.renderWindow === 'function') return mod.renderWindow as RenderWindow;
        options.log(`the window's server-side build (${options.renderer}) has no renderWindow; sending the page undrawn`);
        return null;
      },
      (err: unknown) => {
        options.log(`the window's server-side build (${options.renderer}) did not load (${(err as Error).message}); sending the page undrawn`);
        return null;
      },
    ));

  return async (url) => {
    let template: string;
    try {
      template = await readFile(options.template, 'utf8');
    } catch {
      return null;
    }
    if (!template.includes(ROOT)) return template;
    const render = await load();
    if (!render) return template;
    try {
      const { root, after } = render({ state: options.state(), now: Date.now(), runtime: url.searchParams.get('runtime') });
      // A function, so `$&` and the like in the state are not read as replacement patterns.
      return template.replace(ROOT, () => `<div id="root">${root}</div>${after}`);
    } catch (err) {
      options.log(`drawing the window on the server failed (${(err as Error).message}); sending the page undrawn`);
      return template;
    }
  };
}
