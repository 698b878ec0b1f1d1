// Versions in the window, in real Chromium against `imagewatch serve`: a runtime whose image
// has OCI labels shows its version; after the tag moves, "v1.0.0 → v1.1.0", the new image's
// age and a "What changed" link to its release, which leaves the page (target _blank).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, publish, removeContainers, requireBed, startServe, tempDir, uid, writeConfig, type ServeProcess } from '../integration/helpers.js';
import { launchChromium, screenshot } from './browser.js';

const bed = requireBed();

const labels = (version: string): Record<string, string> => ({
  'org.opencontainers.image.version': version,
  'org.opencontainers.image.source': 'https://github.com/example/app',
  'org.opencontainers.image.created': new Date(Date.now() - 2 * 3600_000).toISOString(),
});

describe.skipIf(bed === null)('versions in the window', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/e2e-versions/app-${id}:latest`;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await publish(b, image, { version: 'v1', labels: labels('v1.0.0') });
    await docker(b, ['run', '-d', '--name', `e2e-versions-${id}`, image]);
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: b.dockerHost, intervalSeconds: 3600 });
    serve = await startServe(config, path.join(dir, 'state.json'));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 720 } });
  });

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    await removeContainers(b, `name=e2e-versions-${id}`);
  });

  it('shows the version, then what runs → what is new with its release link', async () => {
    await page.goto(serve.url);
    const row = page.getByRole('row', { name: 'app', exact: true });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/Up to date\s*v1\.0\.0/);

    await publish(b, image, { version: 'v2', labels: labels('v1.1.0') });
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('v1.0.0 → v1.1.0');
    expect(await row.textContent()).toMatch(/built 2 hours ago/);
    const link = row.getByRole('link', { name: 'What changed in app v1.1.0' });
    expect(await link.getAttribute('href')).toBe('https://github.com/example/app/releases/tag/v1.1.0');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await row.locator('.version').getAttribute('title')).toContain("v1.1.0: from the image's version label");
    await screenshot(page, 'versions');
  });
});
