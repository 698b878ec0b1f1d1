// The whole product in real Chromium against `imagewatch serve`, the real registry and the
// real engine: see the runtimes, see an update appear, refresh it by hand, let auto-refresh
// take the next one, and see a failed refresh reported while the old container keeps running.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, inspect, publish, removeContainers, requireBed, startServe, tempDir, uid, writeConfig, type ServeProcess } from '../integration/helpers.js';
import { launchChromium, screenshot } from './browser.js';

const bed = requireBed();

const short = (digest: string): string => digest.slice('sha256:'.length, 'sha256:'.length + 12);

describe.skipIf(bed === null)('the window in Chromium', () => {
  const b = bed!;
  const id = uid();
  const dir = tempDir();
  const image = `${b.registries.open}/e2e/app-${id}:latest`;
  const container = `e2e-${id}-web`;
  // Slow to stop, so the refresh stays on screen long enough to be seen.
  const script = "trap 'sleep 2; exit 0' TERM; while :; do sleep 1; done";
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let v1: { id: string; digest: string };
  let v2: { id: string; digest: string };
  // A webhook the user sets up in the window; its path is the secret.
  const hooks: Array<{ path: string; body: Record<string, unknown> }> = [];
  const hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      res.end('{}');
    });
  });
  const hookSecret = `hook-${id}-s3cret`;

  const row = () => page.getByRole('row', { name: 'app', exact: true });

  beforeAll(async () => {
    v1 = await publish(b, image, { version: 'v1', script });
    await publish(b, `${b.registries.open}/e2e/tools-${id}:stable`, { version: 'tools' });
    await docker(b, ['run', '-d', '--name', container, '-v', `e2e-${id}:/data`, image]);
    const config = writeConfig(dir, {
      runtimes: [
        { name: 'app', image, match: { namePrefix: `e2e-${id}-` } },
        { name: 'tools', image: `${b.registries.open}/e2e/tools-${id}:stable` },
      ],
      dockerHost: b.dockerHost,
      intervalSeconds: 5,
      startGraceSeconds: 1,
    });
    serve = await startServe(config, path.join(dir, 'state.json'));
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 720 } });
  });

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    hook.close();
    await removeContainers(b, `name=${id}`);
  });

  it('opens from the printed URL and shows every runtime, with no console error', async () => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(serve.url);
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => row().isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => row().textContent(), { timeout: 15_000 }).toContain(short(v1.digest));
    await expect.poll(() => page.getByRole('row', { name: 'tools', exact: true }).textContent()).toContain('Up to date');
    await expect.poll(() => page.getByRole('status', { name: 'Overall status' }).textContent()).toContain('Up to date');
    // The icon the page links, and the /favicon.ico a browser asks for anyway, both answer.
    const icon = await page.evaluate(async () => (await fetch('/favicon.ico')).headers.get('content-type'));
    expect(icon).toBe('image/svg+xml');
    expect(problems).toEqual([]);
    await screenshot(page, 'idle');
    // It follows the system theme.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(22, 24, 28)');
    await screenshot(page, 'idle-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(247, 247, 248)');
  });

  it('arrives drawn: with scripts off, the served page already shows every runtime and its digest', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await context.newPage();
      await plain.goto(serve.url);
      expect(await plain.getByRole('row', { name: 'app', exact: true }).textContent()).toContain(short(v1.digest));
      expect(await plain.getByRole('row', { name: 'tools', exact: true }).textContent()).toContain('Up to date');
    } finally {
      await context.close();
    }
  });

  it('shows "update available" when a new image is pushed', async () => {
    v2 = await publish(b, image, { version: 'v2', script });
    await expect.poll(() => row().textContent(), { timeout: 30_000 }).toContain('Update available');
    await expect.poll(() => page.getByRole('status', { name: 'Overall status' }).textContent()).toContain('Update available');
    await screenshot(page, 'update-available');
  });

  it('"Refresh now" shows progress, then the new digest and a replaced container', async () => {
    const refresh = row().getByRole('button', { name: 'Refresh now' });
    await refresh.click();
    await expect.poll(() => row().textContent(), { timeout: 15_000 }).toMatch(/Pulling|stopping old container|creating replacement|starting new container/);
    expect(await refresh.isDisabled()).toBe(true);
    expect(await page.getByRole('row', { name: 'tools', exact: true }).getByRole('button', { name: 'Refresh now' }).isDisabled()).toBe(false);
    await screenshot(page, 'refreshing');
    await expect.poll(() => row().textContent(), { timeout: 60_000 }).toContain('Refreshed: 1 container replaced');
    expect(await row().textContent()).not.toContain('Update available');
    expect(await row().textContent()).toContain(short(v2.digest));
    const info = await inspect(b, container);
    expect(info.Image).toBe(v2.id);
    expect(await docker(b, ['exec', container, 'cat', '/version'])).toBe('v2');
    expect(info.State.Running).toBe(true);
  });

  it('with auto-refresh on, the next push is refreshed by itself', async () => {
    // A controlled checkbox: it turns on when the engine confirms, so click and wait.
    await page.getByRole('checkbox', { name: 'Auto-refresh' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Auto-refresh' }).isChecked()).toBe(true);
    const v3 = await publish(b, image, { version: 'v3', script });
    await expect.poll(() => row().textContent(), { timeout: 60_000 }).toContain(short(v3.digest));
    await expect.poll(async () => (await inspect(b, container)).Image, { timeout: 60_000 }).toBe(v3.id);
    await expect.poll(() => row().textContent(), { timeout: 30_000 }).toContain('Refreshed: 1 container replaced');
  });

  it('a notification channel set up in the window: "Send test" reaches it, and its secret is never shown', async () => {
    const port = (hook.address() as AddressInfo).port;
    await page.getByText('Notification channels', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Add a notification channel' });
    await form.getByLabel('Channel URL').fill(`json://127.0.0.1:${port}/${hookSecret}`);
    await form.getByLabel('Refresh failed').check();
    await form.getByRole('button', { name: 'Add channel' }).click();
    const list = page.getByRole('list', { name: 'Notification channels' });
    const label = `json://127.0.0.1:${port}/***`;
    await expect.poll(() => list.textContent()).toContain(label);
    await list.getByRole('button', { name: `Send test to ${label}` }).click();
    await expect.poll(() => list.getByRole('status').textContent()).toBe('Sent: HTTP 200');
    expect(hooks).toEqual([{ path: `/${hookSecret}`, body: expect.objectContaining({ event: 'test' }) }]);
    expect(await page.content()).not.toContain(hookSecret);
    // Headless, the channel is kept in the config file (private to its owner), as if written there.
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { notify: unknown[] };
    expect(config.notify).toEqual([{ url: `json://127.0.0.1:${port}/${hookSecret}`, events: ['refresh-failed'] }]);
    await screenshot(page, 'channels');
  });

  it('a refresh that fails shows the failure in its row, and the old container keeps running', async () => {
    const before = await inspect(b, container);
    await publish(b, image, { version: 'v4', script: 'echo v4 is broken >&2; exit 3' });
    await expect.poll(() => row().textContent(), { timeout: 60_000 }).toContain('Refresh failed');
    expect(await row().textContent()).toContain('v4 is broken');
    // The channel set up in the window is told, without a restart.
    await expect.poll(() => hooks.some((h) => h.body.event === 'refresh-failed' && h.body.runtime === 'app'), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByRole('status', { name: 'Overall status' }).textContent()).toContain('problem');
    const after = await inspect(b, container);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(await docker(b, ['exec', container, 'cat', '/version'])).toBe('v3');
    await screenshot(page, 'failed');
  });

  it('shows the history of a runtime', async () => {
    await row().getByRole('button', { name: 'History' }).click();
    const dialog = page.getByRole('dialog', { name: 'History of app' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => dialog.textContent()).toContain('Refresh failed');
    const text = await dialog.textContent();
    for (const entry of ['First seen', 'New version published', 'Refreshed']) expect(text).toContain(entry);
    await screenshot(page, 'history');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });
});
