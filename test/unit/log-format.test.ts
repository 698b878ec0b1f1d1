// The two log formats: the origin's Go-style lines, and one JSON object a line with the
// fields kept apart; a bad IMAGEWATCH_LOG_FORMAT is a usage error that names it.
import { describe, expect, it } from 'vitest';
import { chosenLogFormat, makeLog } from '../../electron/cli/log-format.js';

describe('log formats', () => {
  it('writes JSON objects with time, level, message and fields', () => {
    const out: string[] = [];
    const log = makeLog('json', (text) => out.push(text));
    log('image-auto-refresh: app digest moved sha256:aaaa → sha256:bbbb, refreshing', {
      runtime: 'app',
      image: 'ghcr.io/o/app:latest',
      digest: `sha256:${'b'.repeat(64)}`,
    });
    log('image-auto-refresh: app refresh failed: boom', { level: 'error', runtime: 'app' });
    const [first, second] = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({
      level: 'info',
      msg: 'app digest moved sha256:aaaa → sha256:bbbb, refreshing',
      runtime: 'app',
      image: 'ghcr.io/o/app:latest',
    });
    expect(typeof first!.time).toBe('string');
    expect(Number.isNaN(Date.parse(first!.time as string))).toBe(false);
    expect(second).toMatchObject({ level: 'error', runtime: 'app' });
    expect(out.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('keeps the origin lines by default', () => {
    const out: string[] = [];
    makeLog('text', (text) => out.push(text))('image-auto-refresh: started', { runtime: 'x' });
    expect(out[0]).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} image-auto-refresh: started\n$/);
  });

  it('takes the flag, else the environment, and refuses other values', () => {
    expect(chosenLogFormat(undefined, {})).toBe('text');
    expect(chosenLogFormat(undefined, { IMAGEWATCH_LOG_FORMAT: 'json' })).toBe('json');
    expect(chosenLogFormat('text', { IMAGEWATCH_LOG_FORMAT: 'json' })).toBe('text');
    expect(() => chosenLogFormat(undefined, { IMAGEWATCH_LOG_FORMAT: 'xml' })).toThrow(/IMAGEWATCH_LOG_FORMAT must be text or json, got "xml"/);
  });
});
