// Private CAs for registries, found where the docker CLI finds them: the `caFiles` setting,
// else /etc/docker/certs.d/<host:port>/ca.crt. Verification is never switched off: a registry
// with a private CA is checked against that CA, every other one against the system's roots.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';

export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

export class RegistryTrust {
  private readonly cas = new Map<string, Buffer>();

  /** Reads every CA now, so a setting naming a missing file is a config error at start. */
  constructor(caFiles: Readonly<Record<string, string>>, certsDir: string = DOCKER_CERTS_DIR) {
    let found: string[] = [];
    try {
      found = readdirSync(certsDir).filter((host) => existsSync(path.join(certsDir, host, 'ca.crt')));
    } catch {
      // No certs.d on this machine: nothing to add.
    }
    for (const host of found) this.cas.set(host.toLowerCase(), readFileSync(path.join(certsDir, host, 'ca.crt')));
    for (const [host, file] of Object.entries(caFiles)) {
      try {
        this.cas.set(host.toLowerCase(), readFileSync(file));
      } catch (err) {
        throw new ConfigError(`caFiles["${host}"]: cannot read ${file}: ${(err as Error).message}`);
      }
    }
  }

  /** Registries (`host[:port]`) that have a private CA. */
  get registries(): string[] {
    return [...this.cas.keys()];
  }

  caFor(hostPort: string): Buffer | null {
    return this.cas.get(hostPort.toLowerCase()) ?? null;
  }
}
