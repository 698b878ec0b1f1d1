// The engine going away and coming back is told to the channels once per change, not at every
// check while it stays down. The engine is faked (its ping), the channel is a real HTTP server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppController } from '../../electron/core/app/controller.js';
import { MemorySettingsStore } from '../../electron/core/app/settings-store.js';
import { MemoryStateStore } from '../../electron/core/state/store.js';

describe('engine notifications', () => {
  const events: string[] = [];
  let server: http.Server;
  let port = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        events.push((JSON.parse(body) as { event: string }).event);
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('tells when the engine stops answering and when it is back, once each', async () => {
    let up = true;
    const docker = {
      ping: async () => {
        if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return 'OK';
      },
    } as unknown as Docker;
    const controller = await AppController.create({
      settingsStore: new MemorySettingsStore({ runtimes: [], notify: [`json://127.0.0.1:${port}/hook`], dockerHost: 'unix:///nonexistent/fake.sock' }),
      stateStore: new MemoryStateStore(),
      docker,
      env: { HOME: '/nonexistent' },
    });
    try {
      // The controller asks once by itself at start; that first answer is told to nobody.
      await new Promise((r) => setTimeout(r, 50));
      await controller.checkEngine();
      up = false;
      await controller.checkEngine();
      await controller.checkEngine(); // still down: told once
      up = true;
      await controller.checkEngine();
      const deadline = Date.now() + 5000;
      while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(events).toEqual(['engine-unreachable', 'engine-back']);
    } finally {
      await controller.stop();
    }
  });
});
