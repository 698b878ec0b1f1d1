// The desktop app's log file: JSON records, rotated by size with a bounded number kept.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_FILE, openLogFile } from '../../electron/main/log-file.js';

describe('log file', () => {
  it('writes JSON records into a folder it creates, and rotates keeping a bounded number', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'iw-logs-')), 'logs');
    const log = openLogFile(dir, { size: '1K', maxFiles: 2 });
    log.log('image-auto-refresh: started (interval=5m0s, runtimes=1)');
    for (let i = 0; i < 40; i++) {
      log.log(`line ${i} ${'x'.repeat(200)}`, { level: 'warn', runtime: 'app', digest: `sha256:${i}` });
      await new Promise((r) => setTimeout(r, 2));
    }
    await log.close();
    expect(existsSync(path.join(dir, LOG_FILE))).toBe(true);
    const files = readdirSync(dir).filter((f) => f.endsWith(LOG_FILE));
    // The live file and at most two rotated ones, for ~9 KiB written at 1 KiB a file.
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3);
    const kept = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');
    const records = kept
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.digest === 'sha256:39')).toEqual({
      level: 'warn',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      runtime: 'app',
      digest: 'sha256:39',
      msg: `line 39 ${'x'.repeat(200)}`,
    });
    // The newest lines are kept; the oldest went with the rotated files beyond the limit.
    expect(kept).toContain('line 39 ');
    expect(kept).not.toContain('line 0 ');
  });
});
