// The structured form of the core's log lines, one JSON object a line through pino: time,
// level, message and the fields (runtime, image, digest, container, engine) kept apart. The CLI writes
// these with --log-format json; the desktop app writes them to its log file.
import { createRequire } from 'node:module';
import type { pino as Pino } from 'pino';
import type { Log } from './log.js';

const require = createRequire(import.meta.url);

export function jsonLog(write: (text: string) => void): Log {
  // Loaded when a JSON log is asked for, not at start: the text log (the default) does not
  // need it, and it costs a daemon about 8 MB.
  const { pino } = require('pino') as { pino: typeof Pino };
  const logger = pino(
    {
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write },
  );
  return (line, fields = {}) => {
    const { level = 'info', ...rest } = fields;
    // The origin's prefix names the program on a terminal; a record has its own fields.
    logger[level](rest, line.replace(/^image-auto-refresh: /, ''));
  };
}
