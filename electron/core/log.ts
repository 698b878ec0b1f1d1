// The core's log lines: the origin's text, plus fields a structured log keeps apart (the CLI's
// --log-format json). Front ends decide how a line is written.

export interface LogFields {
  level?: 'info' | 'warn' | 'error';
  runtime?: string;
  image?: string;
  digest?: string;
  container?: string;
  /** The engine a line is about, when imagewatch acts on several. */
  engine?: string;
}

export type Log = (line: string, fields?: LogFields) => void;
