// The headless CLI's commands. Expected failures (bad config, registry or engine down)
// end as one clear line on stderr and an exit code, never a stack trace.
import type { Log } from '../core/log.js';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckRun, RefreshResult } from '../../shared/dto.js';
import { configLocation, loadConfig } from '../core/config/load.js';
import { defaultStatePath, journalPathFor } from '../core/config/paths.js';
import { AppController } from '../core/app/controller.js';
import { JsonSettingsFile } from '../core/app/settings-store.js';
import { chosenLogFormat, makeLog } from './log-format.js';
import { Notifier, parseChannels } from '../core/notify/notifier.js';
import type { CoreMetrics } from '../core/metrics/metrics.js';
import { changeText } from '../../shared/versions.js';
import { shortDigest } from '../../shared/digest.js';
import { JsonFileStateStore } from '../core/state/store.js';
import { parseCommand, USAGE, UsageError, type Command } from './args.js';
import { tokenProblem } from '../serve/guard.js';
import { claimStateDir, type OwnerClaim } from '../core/owner/claim.js';
import { remoteTarget, type HandoffTarget } from '../core/owner/handoff.js';
import type { OwnerInfo, OwnerKind } from '../core/owner/lock.js';
import { safeText } from '../core/util/safe-text.js';
import { ConfigError, DockerHostError, RefreshListError, ShutdownError, StateVersionError, UnknownEngineError, UnknownRuntimeError } from '../core/errors.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  /** Registers the handler for SIGINT/SIGTERM; returns a disposer. */
  onSignal: (handler: (signal: string) => void) => () => void;
  version: string;
}

function statePath(cmd: { state?: string }, env: NodeJS.ProcessEnv): string {
  return cmd.state ?? (env.IMAGEWATCH_STATE || defaultStatePath(env));
}

/** `imagewatch check` on a terminal: one line per runtime (exported for its test). */
export function humanCheck(run: CheckRun): string {
  const rows = run.runtimes.map((r) => {
    const status = r.outcome === 'error' ? `error: ${r.error}` : r.outcome;
    const update = r.updateAvailable ? ' (update available)' : '';
    const refresh = r.refresh ? ` refresh: ${r.refresh.failed.length ? 'failed' : `ok, recreated ${r.refresh.recreated.length}`}` : '';
    // The version people read, when the image (or its tag) says more than the digest shown beside it.
    const version = r.version && r.versionFrom !== 'digest' ? ` ${changeText(r.version, r.previousVersion)}` : '';
    const newer = r.newerTag ? `, tag ${r.newerTag} available` : '';
    const link = r.link && r.updateAvailable ? `\n${''.padEnd(17)}what changed: ${r.link}` : '';
    return `${r.name.padEnd(16)} ${shortDigest(r.remoteDigest).padEnd(20)} ${status}${version}${update}${newer}${refresh}${link}`;
  });
  const unwatched = (run.unwatched ?? []).map((u) => `${u.image} (${u.containers.join(', ')}): ${u.detail}`);
  const notChecked = unwatched.length ? `not watched:\n${unwatched.map((line) => `  ${line}`).join('\n')}\n` : '';
  const engines =
    run.engines && run.engines.length > 1
      ? run.engines.map((e) => `engine ${e.name}: ${e.description}${e.health && !e.health.reachable ? ` (not answering: ${e.health.error})` : ''}`).join('\n')
      : `engine: ${run.engine.description}`;
  return `${engines}\n${rows.join('\n')}\n${notChecked}`;
}

function humanRefresh(result: RefreshResult): string {
  const lines: string[] = [];
  for (const [name, detail] of Object.entries(result.details)) {
    lines.push(`${name}: ${detail.ok ? (detail.deferred ? 'put off' : 'ok') : `failed: ${detail.error}`}`);
    for (const c of detail.containers) lines.push(`  ${c.name}: ${c.action}${c.reason ? ` (${c.reason})` : ''}`);
    for (const name of detail.restarted ?? []) lines.push(`  ${name}: restarted (compose dependent)`);
    for (const failure of detail.restartFailures ?? []) lines.push(`  restart failed: ${failure}`);
    if (detail.cleanup?.removed.length)
      lines.push(`  old images removed: ${detail.cleanup.removed.length}, ${(detail.cleanup.freedBytes / 1e6).toFixed(1)} MB freed`);
    for (const skip of detail.cleanup?.skipped ?? []) lines.push(`  old image ${skip.image.slice(0, 19)} left: ${skip.reason}`);
  }
  lines.push(`pulled=${result.pulled.length} failed=${result.failed.length} recreated=${result.recreated.length}`);
  return `${lines.join('\n')}\n`;
}

/** How long a CLI waits for a lock held by a process that is starting, ending or died. */
const CLAIM_WAIT_MS = 120_000;

function waitNote(io: Io): (owner: OwnerInfo | null) => void {
  return (owner) =>
    io.stderr(
      `imagewatch: waiting for ${owner ? `imagewatch ${owner.kind} (pid ${owner.identity.pid})` : 'another imagewatch'} to let go of the state directory\n`,
    );
}

/** Owns the state directory for `kind`, or fails with who does. */
async function own(cmd: { state?: string }, io: Io, kind: OwnerKind): Promise<OwnerClaim> {
  const dir = path.dirname(statePath(cmd, io.env));
  const claim = await claimStateDir(dir, { kind, waitMs: 10 * 60_000, onWait: waitNote(io) });
  if (claim.role !== 'owner') throw new Error(`internal: ${kind} cannot be a client`);
  return claim;
}

/** The core for one command, built the way every front end builds it: an AppController. */
function openController(
  cmd: { config?: string; state?: string },
  io: Io,
  options: { log?: Log; configRequiredWhenNamed: boolean; metrics?: CoreMetrics },
): Promise<AppController> {
  const state = statePath(cmd, io.env);
  const { file, required } = configLocation(cmd.config, io.env);
  return AppController.create({
    settingsStore: new JsonSettingsFile(file, { required: required && options.configRequiredWhenNamed }),
    stateStore: new JsonFileStateStore(state),
    env: io.env,
    journalPath: journalPathFor(state),
    notice: (line) => io.stderr(`imagewatch: ${safeText(line, { max: 2000 })}\n`),
    ...(options.log ? { log: options.log } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...notifyRetries(io.env),
  });
}

/** IMAGEWATCH_NOTIFY_RETRY_MS: the waits between notification attempts, in ms, comma-separated. */
function notifyRetries(env: NodeJS.ProcessEnv): { notifyRetryDelaysMs?: number[] } {
  const raw = env.IMAGEWATCH_NOTIFY_RETRY_MS;
  if (!raw) return {};
  const delays = raw.split(',').map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isFinite(d) || d < 0) || delays.length > 10)
    throw new ConfigError(`IMAGEWATCH_NOTIFY_RETRY_MS: want up to 10 waits in ms, comma-separated, got "${raw.slice(0, 60)}"`);
  return { notifyRetryDelaysMs: delays };
}

/**
 * Runs `body` as the owner of the state directory: the core built, crashed replacements
 * repaired, handed-over work taken meanwhile, and everything stopped and let go at the end.
 * `signal` aborts on the first SIGINT/SIGTERM, or when the lock is lost.
 */
async function asOwner<T>(
  cmd: { config?: string; state?: string },
  io: Io,
  claim: OwnerClaim,
  options: { log?: Log; configRequiredWhenNamed: boolean; metrics?: CoreMetrics },
  body: (controller: AppController, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  let controller: AppController;
  try {
    controller = await openController(cmd, io, options);
  } catch (err) {
    await claim.release();
    throw err;
  }
  const abort = new AbortController();
  claim.lock.lost.addEventListener('abort', () => {
    io.stderr(`imagewatch: ${(claim.lock.lost.reason as Error).message}; stopping\n`);
    abort.abort(claim.lock.lost.reason);
  });
  let signals = 0;
  const dispose = io.onSignal((signal) => {
    signals++;
    if (signals === 1) abort.abort(new ShutdownError(signal));
    if (controller.replacing) io.stderr(`imagewatch: ${signal}: finishing the container replacement in progress before exiting\n`);
  });
  try {
    for (const warning of controller.getState().warnings) io.stderr(`imagewatch: warning: ${warning}\n`);
    await controller.recover();
    await claim.serve(controller.handoff(abort.signal));
    return await body(controller, abort.signal);
  } finally {
    dispose();
    await claim.stopServing();
    await controller.stop(abort.signal.aborted ? (abort.signal.reason as Error) : undefined);
    await claim.release();
  }
}

/** Resolves when `signal` aborts (at once if it already has). */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * `check` and `refresh` run on whoever owns the state directory: this process when nobody
 * does, else the owner, so two processes never replace, recover or write state at once.
 */
async function onOwner(cmd: Extract<Command, { kind: 'check' | 'refresh' }>, io: Io, body: (target: HandoffTarget) => Promise<number>): Promise<number> {
  // A broken config file is reported even when the owner's settings will be the ones used.
  await loadConfig(cmd.config, io.env);
  const dir = path.dirname(statePath(cmd, io.env));
  const claim = await claimStateDir(dir, { kind: cmd.kind, waitMs: CLAIM_WAIT_MS, onWait: waitNote(io) });
  if (claim.role === 'client') {
    io.stderr(
      `imagewatch: handing this ${cmd.kind} to the running imagewatch ${claim.owner.kind} (pid ${claim.owner.identity.pid}), which owns ${dir}; its settings apply\n`,
    );
    return body(remoteTarget(claim));
  }
  return asOwner(cmd, io, claim, { configRequiredWhenNamed: true }, (controller, signal) => body(controller.work(signal)));
}

async function serve(cmd: Extract<Command, { kind: 'serve' }>, io: Io): Promise<number> {
  // Refused before anything starts: a short token would be the only guard of a reachable daemon.
  const weak = io.env.IMAGEWATCH_TOKEN ? tokenProblem(io.env.IMAGEWATCH_TOKEN, cmd.host) : null;
  if (weak) throw new UsageError(weak);
  const stamp = makeLog(chosenLogFormat(cmd.logFormat, io.env), io.stderr);
  const claim = await own(cmd, io, 'serve');
  // serve writes settings changed in the window back, so a named file may be created by it.
  // Loaded here, not at the top: `watch` and `check` never serve HTTP or metrics, and
  // prom-client alone costs a daemon about 10 MB.
  const [{ CoreMetrics }, { startServer }] = await Promise.all([import('../core/metrics/metrics.js'), import('../serve/server.js')]);
  const metrics = new CoreMetrics();
  return asOwner(cmd, io, claim, { log: stamp, configRequiredWhenNamed: false, metrics }, async (controller, signal) => {
    const token = io.env.IMAGEWATCH_TOKEN || randomBytes(24).toString('base64url');
    const server = await startServer({
      controller,
      metrics,
      token,
      host: cmd.host,
      port: cmd.port,
      allowHosts: cmd.allowHosts,
      staticDir: fileURLToPath(new URL('../../renderer/', import.meta.url)),
      windowRenderer: fileURLToPath(new URL('../../renderer-ssr/server.js', import.meta.url)),
      log: stamp,
    });
    if (!['127.0.0.1', 'localhost', '::1'].includes(cmd.host)) {
      io.stderr(`imagewatch: warning: serving on ${cmd.host}, reachable from other machines; keep the token secret\n`);
    }
    io.stdout(`imagewatch: serving the window at ${server.url}\n`);
    controller.start();
    await untilAborted(signal);
    await server.close();
    return 0;
  });
}

/** A test message to each channel of the config, and what each answered; 1 if any failed. */
async function notifyTest(cmd: Extract<Command, { kind: 'notify-test' }>, io: Io): Promise<number> {
  const config = await loadConfig(cmd.config, io.env);
  const routes = parseChannels(config.notify, config.source, io.env);
  if (routes.length === 0) throw new ConfigError(`${config.source}: no notification channels ("notify") to test`);
  const results = await new Notifier(routes).test();
  for (const r of results) io.stdout(`${r.channel}: ${r.ok ? `ok (${r.answer})` : `failed: ${r.answer}`}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
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
      return onOwner(cmd, io, async (target) => {
        const run = await target.check(cmd.autoRefresh, cmd.engines);
        // `runtimes` is the origin's contract; `engine` says which engine answered, and why that one; `engines` lists each with its health.
        io.stdout(
          cmd.json || !io.isTty
            ? `${JSON.stringify(
                {
                  runtimes: run.runtimes,
                  engine: run.engine,
                  ...(run.engines ? { engines: run.engines } : {}),
                  ...(run.unwatched ? { unwatched: run.unwatched } : {}),
                },
                null,
                2,
              )}\n`
            : humanCheck(run),
        );
        const failed = run.runtimes.some((r) => r.outcome === 'error' || (r.refresh && r.refresh.failed.length > 0));
        // A cron job must hear that an engine could not be asked: whether it runs the latest is then unknown, and nothing can be refreshed there.
        const down = (run.engines ?? []).filter((e) => e.health && !e.health.reachable);
        for (const engine of down)
          io.stderr(`imagewatch: engine ${engine.name} cannot be reached: ${engine.health && !engine.health.reachable ? engine.health.error : ''}\n`);
        return failed || down.length > 0 ? 1 : 0;
      });
    case 'refresh':
      return onOwner(cmd, io, async (target) => {
        let result: RefreshResult;
        try {
          result = await target.refresh(cmd.runtimes, cmd.pullOnly, cmd.engines, cmd.toTag);
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
    case 'notify-test':
      return notifyTest(cmd, io);
    case 'watch': {
      const stamp = makeLog(chosenLogFormat(cmd.logFormat, io.env), io.stderr);
      const claim = await own(cmd, io, 'watch');
      return asOwner(cmd, io, claim, { log: stamp, configRequiredWhenNamed: true }, async (controller, signal) => {
        controller.start();
        await untilAborted(signal);
        return 0;
      });
    }
  }
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    return await execute(parseCommand(argv), io);
  } catch (err) {
    // Messages quote config values, runtime names and engine text: never raw to the terminal.
    const say = (text: string): void => io.stderr(`imagewatch: ${safeText(text, { multiline: true, max: 20_000 })}\n`);
    if (err instanceof UsageError) {
      say(`${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof UnknownRuntimeError) {
      say(`unknown runtime: ${err.runtime} (known: ${err.known.join(', ')})`);
      return 2;
    }
    if (err instanceof UnknownEngineError) {
      say(err.message);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof StateVersionError || err instanceof DockerHostError) {
      say(err.message);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    say(message);
    if (io.env.IMAGEWATCH_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return 1;
  }
}
