// Helpers for tests that drive the real engine and registries of the test bed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { inject } from 'vitest';
import type { BedInfo } from '../bed/testbed.js';
import type { RuntimeState } from '../../shared/dto.js';
import { SavedState } from '../../electron/core/state/saved-state.js';
import { JsonFileStateStore } from '../../electron/core/state/store.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'dist/electron/cli/main.js');

/**
 * The started bed. Under CI=true a bed that failed to start fails the test; elsewhere the
 * caller skips (so a laptop without root can still run the unit tests).
 */
export function requireBed(): BedInfo | null {
  const bed = inject('bed');
  if (bed.ok) return bed;
  if (process.env.CI === 'true') throw new Error(`test bed did not start: ${bed.error}`);
  return null;
}

/** Polls `probe` until it gives a value (not undefined or false), or fails naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function uid(): string {
  return Math.random().toString(36).slice(2, 8);
}

export { docker, makeImage, push, publish, IDLE_SCRIPT, type ImageSpec } from '../bed/images.js';
import { docker } from '../bed/images.js';

/** Force-removes every container a filter matches (`name=<id>`, `label=…`); for afterAll. */
export async function removeContainers(bed: BedInfo, filter: string): Promise<void> {
  const all = await docker(bed, ['ps', '-aq', '--filter', filter]).catch(() => '');
  if (all) await docker(bed, ['rm', '-f', ...all.split('\n')]).catch(() => '');
}

export async function inspect(bed: BedInfo, name: string): Promise<Docker.ContainerInspectInfo> {
  return (JSON.parse(await docker(bed, ['inspect', '--type', 'container', name])) as Docker.ContainerInspectInfo[])[0]!;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tempDir(prefix = 'iw-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeConfig(dir: string, config: unknown): string {
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
}

/** Starts `imagewatch serve` on a free port and waits for the URL it prints. */
export async function startServe(config: string, state: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--config', config, '--state', state], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /serving the window at (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, port: Number(new URL(url).port) };
}

/**
 * Runs `imagewatch ARGS` and SIGKILLs it once the replace journal in `journal` shows `step`
 * (plus a moment for the engine to begin it): a crash at a known point. Returns when it died.
 */
export async function killAtStep(args: string[], journal: string, step: 'create' | 'stop-old'): Promise<number> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!(existsSync(journal) && readFileSync(journal, 'utf8').includes(`"step": "${step}"`))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`never reached the step ${step}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 300));
  const killedAt = Date.now();
  child.kill('SIGKILL');
  await exited;
  return killedAt;
}

/**
 * A crash while the old container stops (imagewatch killed at that step), an immediate
 * `check` on the same state, then a wait past the moment the engine's stop for the killed
 * process ends (the container's stop takes `stopMs`): what the user is left with.
 */
export async function crashDuringStop(
  bed: BedInfo,
  config: string,
  statePath: string,
  name: string,
  stopMs: number,
): Promise<{ restarted: CliResult; after: Docker.ContainerInspectInfo }> {
  const journal = path.join(path.dirname(statePath), 'replace-journal.json');
  const killedAt = await killAtStep(['refresh', '--config', config, '--state', statePath], journal, 'stop-old');
  const restarted = await runCli(['check', '--config', config, '--state', statePath]);
  const settle = killedAt + stopMs + 2_000 - Date.now();
  if (settle > 0) await new Promise((r) => setTimeout(r, settle));
  return { restarted, after: await inspect(bed, name) };
}

/** A state file as imagewatch reads it: each runtime on an engine (the first, `local`, when not named). */
export async function readState(file: string): Promise<{ schemaVersion: number; get: (runtime: string, engine?: string) => RuntimeState }> {
  const saved = new SavedState(new JsonFileStateStore(file));
  await saved.load();
  return { schemaVersion: saved.snapshot().schemaVersion, get: (runtime, engine) => saved.get(runtime, engine) };
}
