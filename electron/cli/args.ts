// Command-line parsing for the headless CLI. Usage errors exit 2 with one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EngineNameSchema, TagSchema } from '../../shared/schemas.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage:
  imagewatch check   [--engine NAME]... [--config F] [--state F] [--auto-refresh] [--json]
  imagewatch refresh [--runtime NAME]... [--engine NAME]... [--no-recreate] [--config F] [--state F] [--json]
  imagewatch refresh --runtime NAME --to-tag TAG   move its containers to a newer tag (not compose's)
  imagewatch watch   [--config F] [--state F]
  imagewatch serve   [--config F] [--state F] [--port N] [--host ADDR] [--allow-host NAME]...
  imagewatch notify-test [--config F]   (a test message to each notification channel)
  imagewatch --help | --version

Logs:   --log-format text|json (or $IMAGEWATCH_LOG_FORMAT): text is the origin's lines, json one object a line.
Config: --config, else $IMAGEWATCH_CONFIG, else the per-user config file (built-in defaults if absent).
State:  --state, else $IMAGEWATCH_STATE, else the per-user data dir.
Exit:   0 ok, 1 a runtime failed, 2 bad usage or config.`;

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | ({ kind: 'check'; autoRefresh: boolean; json: boolean; engines?: string[] } & CommonFlags)
  | ({ kind: 'refresh'; runtimes: string[]; pullOnly: boolean; json: boolean; engines?: string[]; toTag?: string } & CommonFlags)
  | ({ kind: 'watch' } & CommonFlags)
  | ({ kind: 'serve'; port: number; host: string; allowHosts: string[] } & CommonFlags)
  | ({ kind: 'notify-test' } & CommonFlags);

export type LogFormat = 'text' | 'json';

interface CommonFlags {
  config?: string;
  state?: string;
  /** --log-format; IMAGEWATCH_LOG_FORMAT when absent. */
  logFormat?: LogFormat;
}

const common = {
  config: { type: 'string' },
  state: { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Reads the flags every command takes into `cmd`. */
function withCommon<C extends CommonFlags>(cmd: C, v: { config?: string; state?: string; 'log-format'?: string }): C {
  if (v.config !== undefined) cmd.config = nonEmpty('config', v.config)!;
  if (v.state !== undefined) cmd.state = nonEmpty('state', v.state)!;
  if (v['log-format'] !== undefined) cmd.logFormat = logFormat(v['log-format'], '--log-format');
  return cmd;
}

export function logFormat(value: string, where: string): LogFormat {
  if (value === 'text' || value === 'json') return value;
  throw new UsageError(`${where} must be text or json, got "${value.slice(0, 40)}"`);
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<T extends Options> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'];

function parse<T extends Options>(args: string[], options: T): Values<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values<T>;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** --engine values: engine names as the settings allow them (an unknown one is the core's to name); none: every engine. */
function engineNames(values: string[] | undefined): { engines?: string[] } {
  if (!values?.length) return {};
  for (const value of values) {
    const problem = EngineNameSchema.safeParse(value);
    if (!problem.success) throw new UsageError(`--engine "${value.slice(0, 64)}": ${problem.error.issues[0]?.message ?? 'not an engine name'}`);
  }
  return { engines: values };
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
      const v = parse(rest, { ...common, 'auto-refresh': { type: 'boolean' }, json: { type: 'boolean' }, engine: { type: 'string', multiple: true } });
      if (v.help) return { kind: 'help' };
      return withCommon<Extract<Command, { kind: 'check' }>>(
        { kind: 'check', autoRefresh: v['auto-refresh'] === true, json: v.json === true, ...engineNames(v.engine) },
        v,
      );
    }
    case 'refresh': {
      const v = parse(rest, {
        ...common,
        runtime: { type: 'string', multiple: true },
        engine: { type: 'string', multiple: true },
        'no-recreate': { type: 'boolean' },
        'to-tag': { type: 'string' },
        json: { type: 'boolean' },
      });
      if (v.help) return { kind: 'help' };
      const runtimes = (v.runtime ?? []).map((r) => nonEmpty('runtime', r)!);
      const toTag = v['to-tag'] === undefined ? undefined : nonEmpty('to-tag', v['to-tag'])!;
      if (toTag !== undefined) {
        if (runtimes.length !== 1) throw new UsageError('--to-tag moves one runtime: name it with exactly one --runtime');
        if (!TagSchema.safeParse(toTag).success) throw new UsageError(`--to-tag "${toTag.slice(0, 130)}" is not a tag (letters, digits, _ . -, at most 128)`);
        if (v['no-recreate'] === true) throw new UsageError('--to-tag moves the containers; it cannot be used with --no-recreate');
      }
      return withCommon<Extract<Command, { kind: 'refresh' }>>(
        { kind: 'refresh', runtimes, pullOnly: v['no-recreate'] === true, json: v.json === true, ...engineNames(v.engine), ...(toTag ? { toTag } : {}) },
        v,
      );
    }
    case 'watch': {
      const v = parse(rest, common);
      if (v.help) return { kind: 'help' };
      return withCommon<Extract<Command, { kind: 'watch' }>>({ kind: 'watch' }, v);
    }
    case 'serve': {
      const v = parse(rest, { ...common, port: { type: 'string' }, host: { type: 'string' }, 'allow-host': { type: 'string', multiple: true } });
      if (v.help) return { kind: 'help' };
      const port = Number(v.port ?? '8765');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got "${v.port}"`);
      return withCommon<Extract<Command, { kind: 'serve' }>>(
        { kind: 'serve', port, host: nonEmpty('host', v.host) ?? '127.0.0.1', allowHosts: v['allow-host'] ?? [] },
        v,
      );
    }
    case 'notify-test': {
      const v = parse(rest, common);
      if (v.help) return { kind: 'help' };
      return withCommon<Extract<Command, { kind: 'notify-test' }>>({ kind: 'notify-test' }, v);
    }
    default:
      throw new UsageError(`unknown command "${name}" (want check, refresh, watch, serve or notify-test)`);
  }
}
