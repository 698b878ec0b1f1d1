// What docker-modem needs to speak ssh:// safely. It opens the connection with ssh2, which
// trusts any host key unless told otherwise; the docker CLI runs the system ssh, which checks
// known_hosts. A spoofed engine would be handed registry credentials with every pull, so the
// host key is checked here against the same files. (No maintained npm package reads
// known_hosts, hashed entries included, so the small reader below is our own.)
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { ParsedKey } from 'ssh2';

// Loaded when an ssh:// engine is used, not at start (see lazy-modules.ts).
const require = createRequire(import.meta.url);
const parseKey = (data: Buffer): ParsedKey | ParsedKey[] | Error => (require('ssh2') as typeof import('ssh2')).utils.parseKey(data);

export interface SshOptions {
  agent?: string;
  privateKey?: Buffer;
  hostVerifier: (key: Buffer) => boolean;
}

/**
 * Why ssh connections are being refused, per host and port, for the error the user sees (ssh2's
 * says only "Host denied", without the host). Each reason names its host, so with several ssh
 * engines the message says which one.
 */
const refusals = new Map<string, string>();

export function sshRefusal(): string | undefined {
  return refusals.size ? [...refusals.values()].join('; ') : undefined;
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}

/** A known_hosts host pattern (`*`, `?`) against a name. */
function patternMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(name);
}

/** Whether a known_hosts host field names `name` (`host` or `[host]:port`). */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

/** Checks a server's key (the raw SSH key blob) as ssh does with StrictHostKeyChecking=yes. */
export function checkHostKey(lines: readonly string[], hostname: string, port: number, key: Buffer): HostKeyVerdict {
  const name = port === 22 ? hostname : `[${hostname}]:${port}`;
  let known = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    const [hosts, , blob] = fields;
    if (!hosts || !blob || marker === '@cert-authority' || !hostFieldMatches(hosts, name)) continue;
    const same = Buffer.from(blob, 'base64').equals(key);
    if (marker === '@revoked') {
      if (same) return { ok: false, reason: `the SSH host key of ${name} is marked @revoked in known_hosts` };
      continue;
    }
    if (same) return { ok: true };
    known = true;
  }
  if (known) {
    return { ok: false, reason: `the SSH host key of ${name} does not match known_hosts: it changed, or someone is in between; check it before you trust it` };
  }
  return {
    ok: false,
    reason: `${name} is not in known_hosts; connect once with \`ssh ${port === 22 ? '' : `-p ${port} `}${hostname}\` to check and accept its key`,
  };
}

/** The user's first private key that opens without a passphrase, as ssh would offer it. */
function defaultIdentity(env: NodeJS.ProcessEnv): Buffer | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    let data: Buffer;
    try {
      data = readFileSync(path.join(home(env), '.ssh', name));
    } catch {
      continue;
    }
    if (!(parseKey(data) instanceof Error)) return data;
  }
  return undefined;
}

/**
 * The ssh2 options for an ssh:// engine: the agent when there is one, else the user's default
 * key, and a host key check against ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts.
 */
export function sshOptions(hostname: string, port: number, env: NodeJS.ProcessEnv): SshOptions {
  const files = [path.join(home(env), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
  const privateKey = defaultIdentity(env);
  return {
    ...(env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {}),
    ...(privateKey ? { privateKey } : {}),
    hostVerifier: (key: Buffer) => {
      // Read at every connection, so a key accepted with ssh meanwhile counts without a restart.
      const verdict = checkHostKey(files.flatMap(readLines), hostname, port, key);
      if (verdict.ok) refusals.delete(`${hostname}:${port}`);
      else refusals.set(`${hostname}:${port}`, verdict.reason);
      return verdict.ok;
    },
  };
}
