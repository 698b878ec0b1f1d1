// Text that came from outside (container output, engine and registry messages, config
// values) on its way to a terminal, the state file, the window or a notification. Escape
// sequences could retitle or recolour a terminal, and a crashing app often prints its own
// environment, passwords included.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte ESC sequences, then any
// remaining C0/C1 control but tab and newline.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Values shorter than this are too common ("1", "on") to mask without garbling the text. */
const MIN_SECRET = 4;

export interface SafeTextOptions {
  /** Longest result, in characters; longer text ends with "…". */
  max?: number;
  /** Values to replace with "***" (a container's own environment values). */
  secrets?: readonly string[];
  /** Keep newlines (multi-line output); by default they become " | ". */
  multiline?: boolean;
}

export function safeText(text: string, options: SafeTextOptions = {}): string {
  let out = text.replace(ESCAPES, '');
  const secrets = [...new Set(options.secrets ?? [])].filter((s) => s.length >= MIN_SECRET).sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join('***');
  if (!options.multiline) out = out.replace(/\s*[\r\n\t]+\s*/g, ' | ').replace(/^ \| | \| $/g, '');
  out = out.trim();
  const max = options.max ?? 2000;
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
