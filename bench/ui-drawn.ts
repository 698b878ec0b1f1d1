/// <reference lib="dom" />
// When a page has drawn the runtimes table, the same way for the window and for its static
// floor (ui-floor.ts): every row in the document, then the end of the next frame's rendering
// work (style, layout, paint), which a message posted from that frame's animation callback
// waits for. Counting only the rows entering the document would leave that frame out, which
// costs 100-150 ms for 200 rows on the development machine.
import type { Page } from 'playwright-core';

/** Before `page.goto`: notes the time the table of `rows` rows is drawn. */
export async function noteDrawn(page: Page, rows: number): Promise<void> {
  await page.addInitScript((count: number) => {
    const w = window as unknown as { __drawn?: number };
    new MutationObserver((_, observer) => {
      if (document.querySelectorAll('table.runtimes tbody tr').length >= count) {
        observer.disconnect();
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => (w.__drawn = performance.now());
          channel.port2.postMessage(null);
        });
      }
    }).observe(document, { childList: true, subtree: true });
  }, rows);
}

/** Waits for the time noted by `noteDrawn` (ms since the navigation started). */
export async function drawnAt(page: Page): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as { __drawn?: number }).__drawn, null, { timeout: 60_000 });
  return (await handle.jsonValue()) as number;
}
