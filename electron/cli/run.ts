// The headless CLI's commands. Expected failures (bad config, registry or engine down)
// end as one clear line on stderr and an exit code, never a stack trace.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { CheckReport, RefreshResult } from '../../shared/dto.js';
import { ConfigError, loadConfig, type ResolvedConfig } from '../core/config/load.js';
import { defaultConfigPath, defaultStatePath, journalPathFor } from '../core/config/paths.js';
import { AppController } from '../core/app/controller.js';
import { JsonSettingsFile } from '../core/app/settings-store.js';
import { startServer } from '../serve/server.js';
import { createEngine, type Engine } from '../core/engine.js';
import { shortDigest } from '../core/image/reference.js';
import { RefreshListError } from '../core/refresh/service.js';
import { JsonFileStateStore, StateVersionError } from '../core/state/store.js';
import { UnknownRuntimeError } from '../core/watch/watcher.js';
import { parseCommand, USAGE, UsageError, type Command } from './args.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  /** Registers the handler for SIGINT/SIGTERM; returns a disposer. */
  onSignal: (handler: (signal: string) => void) => () => void;
  version: string;
}

/** Go's log package format, which the origin's log lines were printed with. */
export function logLine(date: Date = new Date()): (line: string) => string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (line) =>
    `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${line}`;
}

function statePath(cmd: { state?: string }, env: NodeJS.ProcessEnv): string {
  return cmd.state ?? (env.IMAGEWATCH_STATE || defaultStatePath(env));
}

function humanCheck(reports: CheckReport[]): string {
  const rows = reports.map((r) => {
    const status = r.outcome === 'error' ? `error: ${r.error}` : r.outcome;
    const update = r.updateAvailable ? ' (update available)' : '';
    const refresh = r.refresh ? ` refresh: ${r.refresh.failed.length ? 'failed' : `ok, recreated ${r.refresh.recreated.length}`}` : '';
    return `${r.name.padEnd(16)} ${shortDigest(r.remoteDigest).padEnd(20)} ${status}${update}${refresh}`;
  });
  return `${rows.join('\n')}\n`;
}

function humanRefresh(result: RefreshResult): string {
  const lines: string[] = [];
  for (const [name, detail] of Object.entries(result.details)) {
    lines.push(`${name}: ${detail.ok ? 'ok' : `failed: ${detail.error}`}`);
    for (const c of detail.containers) lines.push(`  ${c.name}: ${c.action}${c.reason ? ` (${c.reason})` : ''}`);
  }
  lines.push(`pulled=${result.pulled.length} failed=${result.failed.length} recreated=${result.recreated.length}`);
  return `${lines.join('\n')}\n`;
}

async function withEngine<T>(cmd: Exclude<Command, { kind: 'help' | 'version' }>, io: Io, log: ((line: string) => void) | undefined, body: (engine: Engine, signal: AbortSignal) => Promise<T>): Promise<T> {
  const config: ResolvedConfig = await loadConfig(cmd.config, io.env);
  const state = statePath(cmd, io.env);
  const store = new JsonFileStateStore(state);
  const engine = createEngine({
    config,
    store,
    env: io.env,
    journalPath: journalPathFor(state),
    ...(log ? { log } : {}),
  });
  const controller = new AbortController();
  let signals = 0;
  const dispose = io.onSignal((signal) => {
    signals++;
    if (signals === 1) controller.abort(new Error(`signal ${signal}`));
    if (engine.refresher.busy) {
      io.stderr(`imagewatch: ${signal}: finishing the container replacement in progress before exiting\n`);
    }
  });
  try {
    await engine.watcher.init();
    await engine.refresher.recover();
    for (const warning of store.warnings) io.stderr(`imagewatch: warning: ${warning}\n`);
    return await body(engine, controller.signal);
  } finally {
    dispose();
    await engine.close();
  }
}

async function serve(cmd: Extract<Command, { kind: 'serve' }>, io: Io): Promise<number> {
  const stamp = (line: string): void => io.stderr(`${logLine()(line)}\n`);
  const configPath = cmd.config ?? (io.env.IMAGEWATCH_CONFIG || defaultConfigPath(io.env));
  const state = statePath(cmd, io.env);
  const controller = await AppController.create({
    settingsStore: new JsonSettingsFile(configPath),
    stateStore: new JsonFileStateStore(state),
    env: io.env,
    journalPath: journalPathFor(state),
    log: stamp,
  });
  for (const warning of controller.getState().warnings) io.stderr(`imagewatch: warning: ${warning}\n`);
  const token = io.env.IMAGEWATCH_TOKEN || randomBytes(24).toString('base64url');
  const server = await startServer({
    controller,
    token,
    host: cmd.host,
    port: cmd.port,
    allowHosts: cmd.allowHosts,
    staticDir: fileURLToPath(new URL('../../renderer/', import.meta.url)),
  });
  if (!['127.0.0.1', 'localhost', '::1'].includes(cmd.host)) {
    io.stderr(`imagewatch: warning: serving on ${cmd.host}, reachable from other machines; keep the token secret\n`);
  }
  io.stdout(`imagewatch: serving the window at ${server.url}\n`);
  controller.start();
  await new Promise<void>((resolve) => {
    const dispose = io.onSignal((signal) => {
      if (controller.busy) io.stderr(`imagewatch: ${signal}: finishing the container replacement in progress before exiting\n`);
      dispose();
      resolve();
    });
  });
  await server.close();
  await controller.stop();
  return 0;
}

async function execute(cmd: Command, io: Io): Promise<number> {
  switch (cmd.kind) {
    case 'help':
      io.stdout(`${USAGE}\n`);
      return 0;
    case 'version':
      io.stdout(`imagewatch ${io.version}\n`);
      return 0;
    case 'check':
      return withEngine(cmd, io, undefined, async (engine, signal) => {
        const reports = await engine.watcher.tick({ signal, ...(cmd.autoRefresh ? { autoRefresh: true } : {}) });
        io.stdout(cmd.json || !io.isTty ? `${JSON.stringify({ runtimes: reports }, null, 2)}\n` : humanCheck(reports));
        const failed = reports.some((r) => r.outcome === 'error' || (r.refresh && r.refresh.failed.length > 0));
        return failed ? 1 : 0;
      });
    case 'refresh':
      return withEngine(cmd, io, undefined, async (engine, signal) => {
        // Validate names before touching anything, so a typo changes nothing.
        engine.watcher.resolveRuntimes(cmd.runtimes);
        let result: RefreshResult;
        try {
          result = await engine.watcher.refresh(cmd.runtimes, { recreate: cmd.recreate, signal });
        } catch (err) {
          if (err instanceof RefreshListError) {
            io.stdout(`${JSON.stringify({ error: err.message, partial_result: err.partial }, null, 2)}\n`);
            io.stderr(`imagewatch: ${err.message}\n`);
            return 1;
          }
          throw err;
        }
        io.stdout(cmd.json || !io.isTty ? `${JSON.stringify(result, null, 2)}\n` : humanRefresh(result));
        return result.failed.length > 0 ? 1 : 0;
      });
    case 'serve':
      return serve(cmd, io);
    case 'watch': {
      const stamp = (line: string): void => io.stderr(`${logLine()(line)}\n`);
      return withEngine(cmd, io, stamp, async (engine, signal) => {
        await engine.watcher.run(signal);
        return 0;
      });
    }
  }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    return await execute(parseCommand(argv), io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`imagewatch: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof UnknownRuntimeError) {
      io.stderr(`imagewatch: unknown runtime: ${err.runtime} (known: ${err.known.join(', ')})\n`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof StateVersionError) {
      io.stderr(`imagewatch: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`imagewatch: ${message}\n`);
    if (io.env.IMAGEWATCH_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return 1;
  }
}
