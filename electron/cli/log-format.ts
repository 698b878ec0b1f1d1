// How `watch` and `serve` write the core's log lines: the origin's Go-style text lines, or with
// --log-format json (IMAGEWATCH_LOG_FORMAT=json) one JSON object a line through pino, with the
// time, level, message and the fields (runtime, image, digest, container) kept apart.
import type { Log } from '../core/log.js';
import { jsonLog } from '../core/log-records.js';
import { logFormat, type LogFormat } from './args.js';

/** Go's log package format, which the origin's log lines were printed with. */
export function logLine(date: Date = new Date()): (line: string) => string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (line) =>
    `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${line}`;
}

/** --log-format, else IMAGEWATCH_LOG_FORMAT, else text; a bad value is a usage error. */
export function chosenLogFormat(flag: LogFormat | undefined, env: NodeJS.ProcessEnv): LogFormat {
  if (flag) return flag;
  const fromEnv = env.IMAGEWATCH_LOG_FORMAT;
  return fromEnv ? logFormat(fromEnv, 'IMAGEWATCH_LOG_FORMAT') : 'text';
}

export function makeLog(format: LogFormat, write: (text: string) => void): Log {
  if (format === 'text') return (line) => write(`${logLine()(line)}\n`);
  return jsonLog(write);
}
