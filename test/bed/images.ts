// Docker commands and test images on the bed's engine, for the tests and the bench alike:
// images are built from the bed's busybox rootfs with `docker import` (no network needed).
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BedInfo } from './testbed.js';

const execFileP = promisify(execFile);

export async function docker(bed: BedInfo, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await execFileP('docker', args, {
      env: { ...process.env, DOCKER_HOST: bed.dockerHost, ...options.env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')}: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

export interface ImageSpec {
  /** Written to /version inside the image. */
  version: string;
  /** Shell script run as the image's CMD. Defaults to a loop that exits on TERM/INT. */
  script?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
}

export const IDLE_SCRIPT = "trap 'exit 0' TERM INT; while :; do sleep 1; done";

/** Builds an image from the bed's busybox rootfs with `docker import`, no network needed. */
export async function makeImage(bed: BedInfo, ref: string, spec: ImageSpec): Promise<string> {
  const dir = mkdtempSync(path.join(bed.dir, 'img-'));
  cpSync(bed.rootfs, dir, { recursive: true, verbatimSymlinks: true });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'version'), `${spec.version}\n`);
  const changes = [`CMD ["/bin/sh", "-c", ${JSON.stringify(spec.script ?? IDLE_SCRIPT)}]`, `ENV IMAGE_VERSION=${spec.version}`];
  for (const [k, v] of Object.entries(spec.env ?? {})) changes.push(`ENV ${k}=${v}`);
  for (const [k, v] of Object.entries(spec.labels ?? {})) changes.push(`LABEL ${k}=${v}`);
  const args = ['import', ...changes.flatMap((c) => ['-c', c]), '-', ref];
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const imp = spawn('docker', args, { env: { ...process.env, DOCKER_HOST: bed.dockerHost }, stdio: ['pipe', 'pipe', 'pipe'] });
    tar.stdout.pipe(imp.stdin);
    let out = '';
    let err = '';
    imp.stdout.on('data', (d: Buffer) => (out += d.toString()));
    imp.stderr.on('data', (d: Buffer) => (err += d.toString()));
    imp.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`docker import ${ref}: ${err}`))));
  });
}

/** Pushes and returns the registry digest. */
export async function push(bed: BedInfo, ref: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const out = await docker(bed, ['push', ref], env ? { env } : {});
  const match = /digest: (sha256:[a-f0-9]{64})/.exec(out);
  if (!match) throw new Error(`no digest in push output: ${out}`);
  return match[1]!;
}

export async function publish(bed: BedInfo, ref: string, spec: ImageSpec, env?: NodeJS.ProcessEnv): Promise<{ id: string; digest: string }> {
  const id = await makeImage(bed, ref, spec);
  const digest = await push(bed, ref, env);
  return { id, digest };
}
