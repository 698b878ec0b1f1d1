// The window with two engines in real Chromium against `imagewatch serve`: the engines in the
// header, a runtime's status per engine ("1 of 2 engines on the new digest"), and "Refresh on
// nas" refreshing that engine's container only.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, publish, requireBed, startServe, tempDir, uid, until, writeConfig, type ServeProcess } from '../integration/helpers.js';
import { launchChromium, screenshot } from './browser.js';

const bed = requireBed();

describe.skipIf(bed === null)('the window with two engines', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/e2e-engines/app-${id}:latest`;
  const name = (engine: string): string => `e2e-engines-${id}-${engine}`;
  const sockets: Record<string, string> = { local: b.dockerHost, nas: b.engines.nas.socket };
  const on = (engine: string, args: string[]): Promise<string> => docker(b, args, { env: { DOCKER_HOST: sockets[engine]! } });
  const version = async (engine: string): Promise<string> => (await on(engine, ['exec', name(engine), 'cat', '/version'])).trim();
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await publish(b, image, { version: 'v1' });
    for (const engine of ['local', 'nas']) {
      await on(engine, ['pull', '-q', image]);
      await on(engine, ['run', '-d', '--name', name(engine), image]);
    }
    const config = writeConfig(dir, {
      engines: [
        { name: 'local', host: b.dockerHost },
        { name: 'nas', host: b.engines.nas.host },
      ],
      runtimes: [{ name: 'app', image }],
      intervalSeconds: 3600,
      startGraceSeconds: 1,
    });
    serve = await startServe(config, path.join(dir, 'state.json'), {
      DOCKER_CERT_PATH: b.tls.certDir,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_HOST: '',
      DOCKER_CONTEXT: '',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 720 } });
  });

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    for (const engine of ['local', 'nas']) await on(engine, ['rm', '-f', name(engine)]).catch(() => undefined);
  });

  it('shows the engines and each engine’s status, and refreshes one engine from its button', async () => {
    await page.goto(serve.url);
    const engines = page.getByRole('list', { name: 'Engines' });
    await expect.poll(() => engines.textContent()).toMatch(/local.*nas/);
    const perEngine = page.getByRole('list', { name: 'app per engine' });
    await expect.poll(() => perEngine.textContent(), { timeout: 30_000 }).toMatch(/local: up to date.*nas: up to date/);

    await publish(b, image, { version: 'v2' });
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => perEngine.textContent(), { timeout: 30_000 }).toMatch(/local: update available.*nas: update available/);
    expect(await page.getByRole('row', { name: 'app', exact: true }).textContent()).toContain('0 of 2 engines on the new digest');

    await page.getByRole('button', { name: 'Refresh on nas' }).click();
    // Mid-replacement the name may briefly belong to a stopped container: asked again until it answers v2.
    await until('nas on v2', async () => (await version('nas').catch(() => '')) === 'v2', 60_000);
    await expect.poll(() => perEngine.textContent(), { timeout: 30_000 }).toMatch(/local: update available.*nas: up to date/);
    expect(await page.getByRole('row', { name: 'app', exact: true }).textContent()).toContain('1 of 2 engines on the new digest');
    expect(await version('local')).toBe('v1');
    await screenshot(page, 'engines');
  });
});
