// The app's log file: every line the core logs, timestamped, in Electron's logs folder,
// rotated by rotating-file-stream at 1 MiB with 5 files kept, so a tray app that runs for
// months never fills the disk. "Open logs" in the tray opens the folder.
import { createStream } from 'rotating-file-stream';

export const LOG_FILE = 'imagewatch.log';

export interface LogFile {
  readonly dir: string;
  line(text: string): void;
  close(): Promise<void>;
}

export function openLogFile(dir: string, options: { size?: `${number}${'B' | 'K' | 'M'}`; maxFiles?: number } = {}): LogFile {
  const stream = createStream(LOG_FILE, { path: dir, size: options.size ?? '1M', maxFiles: options.maxFiles ?? 5, mode: 0o600 });
  // A log that cannot be written must not take the app down; the line still reaches stderr.
  stream.on('error', (err) => console.error(`imagewatch: log file: ${err.message}`));
  return {
    dir,
    line: (text) => {
      stream.write(`${new Date().toISOString()} ${text}\n`);
    },
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}
