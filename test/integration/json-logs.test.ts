// `imagewatch watch --log-format json`: one JSON object a line on stderr, with the time, the
// level, the message and the runtime, image and digest as fields, from a real check.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, publish, requireBed, tempDir, uid, until, writeConfig } from './helpers.js';

const bed = requireBed();

describe.skipIf(bed === null)('JSON logs', () => {
  it('writes the seeding of a runtime as a JSON record with its fields', async () => {
    const b = bed!;
    const dir = tempDir();
    const image = `${b.registries.open}/jsonlogs/app-${uid()}:latest`;
    const { digest } = await publish(b, image, { version: 'v1' });
    const config = writeConfig(dir, { runtimes: [{ name: 'app', image }], dockerHost: `unix://${path.join(dir, 'no-engine.sock')}` });
    const proc = spawn(process.execPath, [CLI, 'watch', '--log-format', 'json', '--config', config, '--state', path.join(dir, 'state.json')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const records = await until('the seeding record', () => {
        const lines = err.split('\n').filter(Boolean);
        return lines.some((l) => l.includes('seeded at')) ? lines.map((l) => JSON.parse(l) as Record<string, unknown>) : undefined;
      });
      expect(records[0]).toMatchObject({ level: 'info', msg: expect.stringMatching(/^started \(interval=/) });
      const seeded = records.find((r) => String(r.msg).includes('seeded at'))!;
      expect(seeded).toMatchObject({ level: 'warn', runtime: 'app', image, digest });
      expect(Number.isNaN(Date.parse(String(seeded.time)))).toBe(false);
    } finally {
      proc.kill('SIGTERM');
    }
  });
});
