// Command-line parsing for the headless CLI. Usage errors exit 2 with one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage:
  imagewatch check   [--config F] [--state F] [--auto-refresh] [--json]
  imagewatch refresh [--runtime NAME]... [--no-recreate] [--config F] [--state F] [--json]
  imagewatch watch   [--config F] [--state F]
  imagewatch serve   [--config F] [--state F] [--port N] [--host ADDR] [--allow-host NAME]...
  imagewatch --help | --version

Config: --config, else $IMAGEWATCH_CONFIG, else the per-user config file (built-in defaults if absent).
State:  --state, else $IMAGEWATCH_STATE, else the per-user data dir.
Exit:   0 ok, 1 a runtime failed, 2 bad usage or config.`;

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'check'; config?: string; state?: string; autoRefresh: boolean; json: boolean }
  | { kind: 'refresh'; config?: string; state?: string; runtimes: string[]; pullOnly: boolean; json: boolean }
  | { kind: 'watch'; config?: string; state?: string }
  | { kind: 'serve'; config?: string; state?: string; port: number; host: string; allowHosts: string[] };

const common = {
  config: { type: 'string' },
  state: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<T extends Options> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'];

function parse<T extends Options>(args: string[], options: T): Values<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values<T>;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`--${flag} needs a value`);
  return value;
}

export function parseCommand(argv: string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  if (name === '--version' || name === 'version') return { kind: 'version' };
  switch (name) {
    case 'check': {
      const v = parse(rest, { ...common, 'auto-refresh': { type: 'boolean' }, json: { type: 'boolean' } });
      if (v.help) return { kind: 'help' };
      const cmd: Command = { kind: 'check', autoRefresh: v['auto-refresh'] === true, json: v.json === true };
      if (v.config !== undefined) cmd.config = nonEmpty('config', v.config)!;
      if (v.state !== undefined) cmd.state = nonEmpty('state', v.state)!;
      return cmd;
    }
    case 'refresh': {
      const v = parse(rest, {
        ...common,
        runtime: { type: 'string', multiple: true },
        'no-recreate': { type: 'boolean' },
        json: { type: 'boolean' },
      });
      if (v.help) return { kind: 'help' };
      const runtimes = (v.runtime ?? []).map((r) => nonEmpty('runtime', r)!);
      const cmd: Command = { kind: 'refresh', runtimes, pullOnly: v['no-recreate'] === true, json: v.json === true };
      if (v.config !== undefined) cmd.config = nonEmpty('config', v.config)!;
      if (v.state !== undefined) cmd.state = nonEmpty('state', v.state)!;
      return cmd;
    }
    case 'watch': {
      const v = parse(rest, common);
      if (v.help) return { kind: 'help' };
      const cmd: Command = { kind: 'watch' };
      if (v.config !== undefined) cmd.config = nonEmpty('config', v.config)!;
      if (v.state !== undefined) cmd.state = nonEmpty('state', v.state)!;
      return cmd;
    }
    case 'serve': {
      const v = parse(rest, { ...common, port: { type: 'string' }, host: { type: 'string' }, 'allow-host': { type: 'string', multiple: true } });
      if (v.help) return { kind: 'help' };
      const port = Number(v.port ?? '8765');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got "${v.port}"`);
      const cmd: Command = { kind: 'serve', port, host: nonEmpty('host', v.host) ?? '127.0.0.1', allowHosts: v['allow-host'] ?? [] };
      if (v.config !== undefined) cmd.config = nonEmpty('config', v.config)!;
      if (v.state !== undefined) cmd.state = nonEmpty('state', v.state)!;
      return cmd;
    }
    default:
      throw new UsageError(`unknown command "${name}" (want check, refresh, watch or serve)`);
  }
}
