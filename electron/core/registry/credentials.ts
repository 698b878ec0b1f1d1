// Where registry credentials come from, in the order users expect: explicit settings,
// then the Docker CLI's config (auths, per-registry credHelpers, the global credsStore),
// then GHCR_USER/GHCR_TOKEN for ghcr.io as the origin did.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DOCKER_HUB } from '../image/reference.js';

export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken` in Docker's config). */
  identityToken?: string;
  /** Where the credential came from, for messages; never the secret. */
  source: string;
}

export interface CredentialSource {
  lookup(registry: string): Promise<Credential | null>;
}

export interface SettingsCredential {
  username?: string;
  password?: string;
  identityToken?: string;
}

const HUB_KEYS = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Docker config keys come as `https://host/v1/`, `host`, `http://host:port`: reduce them to the host. */
export function registryKeyHost(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return HUB_KEYS.has(host) ? DOCKER_HUB : host;
}

/** The server URL Docker's credential helpers expect for a registry. */
export function helperServerUrl(registry: string): string {
  return registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export class SettingsCredentials implements CredentialSource {
  private readonly byHost = new Map<string, SettingsCredential>();

  constructor(entries: Record<string, SettingsCredential>) {
    for (const [key, value] of Object.entries(entries)) this.byHost.set(registryKeyHost(key), value);
  }

  async lookup(registry: string): Promise<Credential | null> {
    const entry = this.byHost.get(registry.toLowerCase());
    if (!entry) return null;
    return { ...entry, source: 'settings' };
  }
}

/** Runs `docker-credential-<helper> get`; a seam so tests and other platforms can swap it. */
export type HelperRunner = (helper: string, serverUrl: string) => Promise<{ Username?: string; Secret?: string } | null>;

/**
 * Where credential helpers live besides PATH. An app started from the dock or the start menu
 * has no shell PATH, and Docker Desktop, Homebrew, Rancher Desktop and OrbStack each install
 * their helpers in their own directory.
 */
export function credentialHelperDirs(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): string[] {
  const fromPath = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const usual =
    platform === 'win32'
      ? [path.join(env.ProgramFiles ?? 'C:\\Program Files', 'Docker', 'Docker', 'resources', 'bin')]
      : ['/usr/local/bin', '/opt/homebrew/bin', '/Applications/Docker.app/Contents/Resources/bin', '/usr/bin', '/bin'];
  const own = [path.join(home, '.docker', 'bin'), path.join(home, '.rd', 'bin'), path.join(home, '.orbstack', 'bin')];
  return [...new Set([...fromPath, ...usual, ...own])];
}

/** The helper's executable, or null when it is installed nowhere we look. */
export function findCredentialHelper(helper: string, dirs: readonly string[], platform: NodeJS.Platform = process.platform): string | null {
  const file = `docker-credential-${helper}${platform === 'win32' ? '.exe' : ''}`;
  for (const dir of dirs) {
    const candidate = path.join(dir, file);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; look in the next place.
    }
  }
  return null;
}

/**
 * Runs helpers found by `findCredentialHelper`. A helper installed nowhere means "no stored
 * credentials" (anonymous access goes on, as the docker CLI does); a failing one is an error
 * that names it and its exit, never its stderr, which may echo what it was given.
 */
export function credentialHelperRunner(options: { env: NodeJS.ProcessEnv; home: string }): HelperRunner {
  return (helper, serverUrl) =>
    new Promise((resolve, reject) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(helper)) {
        reject(new Error(`invalid credential helper name "${helper}"`));
        return;
      }
      const file = findCredentialHelper(helper, credentialHelperDirs(options.env, options.home));
      if (!file) {
        resolve(null);
        return;
      }
      const child = execFile(file, ['get'], { timeout: 10_000, env: options.env }, (err, stdout, stderr) => {
        if (err) {
          // Helpers answer "credentials not found" on stdout or stderr with a non-zero exit.
          if (/not found/i.test(`${stdout}${stderr}`)) {
            resolve(null);
            return;
          }
          const how = typeof err.code === 'number' ? `exit ${err.code}` : err.killed ? 'timed out' : String(err.code ?? 'failed');
          reject(new Error(`credential helper docker-credential-${helper} failed (${how})`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as { Username?: string; Secret?: string });
        } catch {
          reject(new Error(`credential helper docker-credential-${helper} printed invalid JSON`));
        }
      });
      // A helper that exits without reading its input makes this write fail with EPIPE; the
      // exit itself is reported above, and an unhandled stream error would end imagewatch.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(serverUrl);
    });
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface DockerConfigOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  runHelper?: HelperRunner;
}

export class DockerConfigCredentials implements CredentialSource {
  private config: { version: string; file: Promise<DockerConfigFile | null> } | null = null;
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;
  private readonly runHelper: HelperRunner;

  constructor(options: DockerConfigOptions = {}) {
    this.env = options.env ?? process.env;
    this.home = options.home ?? (this.env.HOME || os.homedir());
    this.runHelper = options.runHelper ?? credentialHelperRunner({ env: this.env, home: this.home });
  }

  get configPath(): string {
    const dir = this.env.DOCKER_CONFIG || path.join(this.home, '.docker');
    return path.join(dir, 'config.json');
  }

  /**
   * Re-read when the file changes, so a `docker login` while the daemon runs is picked up on
   * the next authentication without a restart. A stat per lookup is cheap: lookups happen only
   * when a registry challenges, not on every check.
   */
  private async load(): Promise<DockerConfigFile | null> {
    let version: string;
    try {
      const info = await stat(this.configPath, { bigint: true });
      version = `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`cannot read ${this.configPath}: ${(err as Error).message}`, { cause: err });
    }
    if (this.config?.version !== version) this.config = { version, file: this.read() };
    return this.config.file;
  }

  private read(): Promise<DockerConfigFile | null> {
    return readFile(this.configPath, 'utf8').then(
      (text) => {
        try {
          return JSON.parse(text) as DockerConfigFile;
        } catch {
          throw new Error(`${this.configPath} is not valid JSON`);
        }
      },
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw new Error(`cannot read ${this.configPath}: ${err.message}`);
      },
    );
  }

  async lookup(registry: string): Promise<Credential | null> {
    const config = await this.load();
    if (!config) return null;
    const host = registry.toLowerCase();
    const source = `docker config (${this.configPath})`;

    for (const [key, entry] of Object.entries(config.auths ?? {})) {
      if (registryKeyHost(key) !== host || !entry) continue;
      if (nonEmpty(entry.identitytoken)) return { identityToken: entry.identitytoken, source };
      if (nonEmpty(entry.username) && nonEmpty(entry.password)) {
        return { username: entry.username, password: entry.password, source };
      }
      if (nonEmpty(entry.auth)) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
        throw new Error(`${this.configPath}: auths["${key}"].auth is not base64 of user:password`);
      }
      // An entry with no secret means "use the credential store" in Docker's own semantics.
    }

    const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => registryKeyHost(key) === host)?.[1] ?? config.credsStore;
    if (!nonEmpty(helper)) return null;
    const answer = await this.runHelper(helper, helperServerUrl(registry));
    if (!answer || !nonEmpty(answer.Secret)) return null;
    const helperSource = `credential helper ${helper}`;
    // Helpers return `<token>` as the username when the secret is an identity token.
    if (answer.Username === '<token>') return { identityToken: answer.Secret, source: helperSource };
    return { username: answer.Username ?? '', password: answer.Secret, source: helperSource };
  }
}

/** The origin's rule: both variables set after trimming, for ghcr.io only. */
export class GhcrEnvCredentials implements CredentialSource {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async lookup(registry: string): Promise<Credential | null> {
    if (registry.toLowerCase() !== 'ghcr.io') return null;
    const username = (this.env.GHCR_USER ?? '').trim();
    const password = (this.env.GHCR_TOKEN ?? '').trim();
    if (!username || !password) return null;
    return { username, password, source: 'GHCR_USER/GHCR_TOKEN' };
  }
}

export class CredentialChain implements CredentialSource {
  constructor(private readonly sources: readonly CredentialSource[]) {}

  async lookup(registry: string): Promise<Credential | null> {
    for (const source of this.sources) {
      const found = await source.lookup(registry);
      if (found) return found;
    }
    return null;
  }
}

/** The users' order: what imagewatch itself holds (settings, or the desktop's keychain), then Docker's config, then GHCR_USER/GHCR_TOKEN. */
export function defaultCredentialChain(own: CredentialSource, env: NodeJS.ProcessEnv = process.env): CredentialChain {
  return new CredentialChain([own, new DockerConfigCredentials({ env }), new GhcrEnvCredentials(env)]);
}

/** The X-Registry-Auth payload the engine expects for a pull. */
export function engineAuthConfig(
  credential: Credential | null,
  registry: string,
): { username?: string; password?: string; identitytoken?: string; serveraddress: string } | undefined {
  if (!credential) return undefined;
  const serveraddress = helperServerUrl(registry);
  if (credential.identityToken) return { identitytoken: credential.identityToken, serveraddress };
  return { username: credential.username ?? '', password: credential.password ?? '', serveraddress };
}
