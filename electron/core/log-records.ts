// The structured form of the core's log lines, one JSON object a line through pino: time,
// level, message and the fields (runtime, image, digest, container) kept apart. The CLI writes
// these with --log-format json; the desktop app writes them to its log file.
import { pino } from 'pino';
import type { Log } from './log.js';

export function jsonLog(write: (text: string) => void): Log {
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
