// The app's log file: the core's records as the headless daemon writes them with
// --log-format json (one JSON object a line: time, level, message, runtime, image, digest,
// container), in Electron's logs folder, rotated by rotating-file-stream at 1 MiB with 5 files
// kept, so a tray app that runs for months never fills the disk. "Open logs" opens the folder.
import { createStream } from 'rotating-file-stream';
import type { Log } from '../core/log.js';
import { jsonLog } from '../core/log-records.js';

export const LOG_FILE = 'imagewatch.log';

export interface LogFile {
  readonly dir: string;
  readonly log: Log;
  close(): Promise<void>;
}

export function openLogFile(dir: string, options: { size?: `${number}${'B' | 'K' | 'M'}`; maxFiles?: number } = {}): LogFile {
  const stream = createStream(LOG_FILE, { path: dir, size: options.size ?? '1M', maxFiles: options.maxFiles ?? 5, mode: 0o600 });
  // A log that cannot be written must not take the app down; the line still reaches stderr.
  stream.on('error', (err) => console.error(`imagewatch: log file: ${err.message}`));
  return {
    dir,
    log: jsonLog((text) => void stream.write(text)),
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}
