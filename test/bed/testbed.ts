// The integration test bed: a private dockerd, two more for the several-engines tests (one on
// tcp:// with TLS, one reached over ssh://), and four private registries on loopback (open,
// Basic auth, Bearer token auth, TLS), plus the token server the third one trusts.
// Everything lives under one temp dir and is stopped by the pids recorded here.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { startTokenServer, type TokenServer } from './token-server.js';
import { hostFreePools } from './address-pool.js';
import { claimBed, sweepDeadBeds } from './dead-beds.js';

export interface BedInfo {
  ok: true;
  dir: string;
  dockerHost: string;
  /** host:port of each registry. */
  registries: { open: string; basic: string; token: string; tls: string };
  /** The CA that signed the TLS registry's (and the engine's TCP) certificate. */
  registryCa: string;
  tokenServer: string;
  user: { username: string; password: string };
  rootfs: string;
  /** The same engine on tcp://127.0.0.1 with --tlsverify; `certDir` holds the client's ca.pem, cert.pem, key.pem. */
  tls: { host: string; certDir: string };
  /**
   * The same engine over ssh://: sshd on 127.0.0.1 runs `docker system dial-stdio` against it.
   * `identity` is the client's private key; `knownHosts` the known_hosts line for the server.
   */
  ssh: { host: string; identity: string; knownHosts: string };
  /**
   * Two more engines, as a NAS and a VPS are: `nas` on tcp://127.0.0.1 with --tlsverify (the
   * client certificate in `tls.certDir`), `vps` over ssh:// through an sshd of its own. Each
   * also listens on a unix socket, for the tests' own docker commands (`socket`, as DOCKER_HOST).
   */
  engines: { nas: { socket: string; host: string }; vps: { socket: string; host: string; knownHosts: string } };
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeTlsMaterial(dir: string): { ca: string; serverCert: string; serverKey: string; clientDir: string } {
  mkdirSync(dir, { recursive: true });
  const clientDir = path.join(dir, 'client');
  mkdirSync(clientDir, { recursive: true });
  const file = (name: string): string => path.join(dir, name);
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  const sign = (csr: string, out: string, ext: string): void =>
    ssl(['x509', '-req', '-in', csr, '-CA', file('ca.pem'), '-CAkey', file('ca-key.pem'), '-CAcreateserial', '-out', out, '-days', '2', '-extfile', ext]);
  ssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('ca-key.pem'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=imagewatch-test-ca',
  ]);
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server-key.pem'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  sign(file('server.csr'), file('server-cert.pem'), file('server.ext'));
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(clientDir, 'key.pem'), '-out', file('client.csr'), '-subj', '/CN=imagewatch-test-client']);
  sign(file('client.csr'), path.join(clientDir, 'cert.pem'), file('client.ext'));
  copyFileSync(file('ca.pem'), path.join(clientDir, 'ca.pem'));
  return { ca: file('ca.pem'), serverCert: file('server-cert.pem'), serverKey: file('server-key.pem'), clientDir };
}

export type BedState = BedInfo | { ok: false; error: string };

export const BED_USER = { username: 'tester', password: 'pa55-word' };
const BUSYBOX_APPLETS = [
  'sh',
  'sleep',
  'echo',
  'cat',
  'ls',
  'test',
  'true',
  'false',
  'touch',
  'mkdir',
  'wc',
  'printf',
  'grep',
  'nslookup',
  'ping',
  'wget',
  'httpd',
  'hostname',
  'env',
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s: ${log()}`);
}

function httpOk(url: string, socketPath?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(socketPath ? { socketPath, path: url } : url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

function httpsOk(url: string, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

function tail(file: string): string {
  try {
    return execFileSync('tail', ['-n', '15', file], { encoding: 'utf8' });
  } catch {
    return '(no log)';
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function which(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class TestBed {
  private readonly children: ChildProcess[] = [];
  private tokenServer: TokenServer | null = null;
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'iw-bed-'));
    claimBed(this.dir);
  }

  private spawnLogged(command: string, args: string[], logName: string): ChildProcess {
    const log = openSync(path.join(this.dir, logName), 'a');
    // Own process group, so stopping it also stops what it spawned (containerd, shims).
    const child = spawn(command, args, { stdio: ['ignore', log, log], detached: true });
    child.unref();
    this.children.push(child);
    writeFileSync(path.join(this.dir, `${logName}.pid`), String(child.pid));
    return child;
  }

  private async startRegistry(name: string, auth: string, tls?: { cert: string; key: string; ca: string }): Promise<string> {
    const port = await freePort();
    const storage = path.join(this.dir, `registry-${name}`);
    mkdirSync(storage, { recursive: true });
    const config = path.join(this.dir, `registry-${name}.yml`);
    writeFileSync(
      config,
      `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${tls ? `  tls:\n    certificate: ${tls.cert}\n    key: ${tls.key}\n` : ''}${auth}`,
    );
    this.spawnLogged('docker-registry', ['serve', config], `registry-${name}.log`);
    await waitFor(
      `registry ${name}`,
      () => (tls ? httpsOk(`https://127.0.0.1:${port}/v2/`, readFileSync(tls.ca)) : httpOk(`http://127.0.0.1:${port}/v2/`)),
      20_000,
      () => tail(path.join(this.dir, `registry-${name}.log`)),
    );
    return `127.0.0.1:${port}`;
  }

  private buildRootfs(): string {
    const rootfs = path.join(this.dir, 'rootfs');
    mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    for (const dir of ['tmp', 'data', 'etc', 'proc', 'sys', 'dev']) mkdirSync(path.join(rootfs, dir), { recursive: true });
    const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
    if (!busybox) throw new Error('busybox not found (apt-get install busybox-static)');
    copyFileSync(busybox, path.join(rootfs, 'bin', 'busybox'));
    for (const applet of BUSYBOX_APPLETS) symlinkSync('busybox', path.join(rootfs, 'bin', applet));
    return rootfs;
  }

  /**
   * dockerd keeps a network's bridge interface when it stops, and the interface outlives the
   * deleted data dir, holding its subnet on the host. Removing every container and user
   * network first takes the bridges down with them.
   */
  private removeContainersAndNetworks(): void {
    for (const name of ['docker.sock', 'nas-docker.sock', 'vps-docker.sock']) {
      const socket = path.join(this.dir, name);
      if (!existsSync(socket)) continue;
      try {
        const containers = docker(socket, ['ps', '-aq']);
        if (containers) docker(socket, ['rm', '-f', ...containers.split('\n')]);
        docker(socket, ['network', 'prune', '-f']);
      } catch {
        // An engine that does not answer has nothing more to clean here.
      }
    }
  }

  /**
   * sshd on loopback with throwaway keys; sessions get DOCKER_HOST pointing at `socket`. A second
   * one (`name`) for another engine reuses the first one's client key.
   */
  private async startSshd(socket: string, name = 'ssh', clientKey?: string): Promise<BedInfo['ssh']> {
    const dir = path.join(this.dir, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Privilege separation wants this directory; a machine that never ran sshd lacks it.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const hostKey = path.join(dir, 'host_ed25519');
    const identity = clientKey ?? path.join(dir, 'id_ed25519');
    for (const key of clientKey ? [hostKey] : [hostKey, identity])
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
    writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(`${identity}.pub`));
    const port = await freePort();
    const config = path.join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        `SetEnv DOCKER_HOST=unix://${socket}`,
        '',
      ].join('\n'),
    );
    this.spawnLogged('/usr/sbin/sshd', ['-D', '-e', '-f', config], `${name}d.log`);
    await waitFor(
      `${name}d`,
      () => portOpen(port),
      30_000,
      () => tail(path.join(this.dir, `${name}d.log`)),
    );
    const [type, blob] = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
    return { host: `ssh://${os.userInfo().username}@127.0.0.1:${port}`, identity, knownHosts: `[127.0.0.1]:${port} ${type} ${blob}` };
  }

  async start(): Promise<BedInfo> {
    sweepDeadBeds(this.dir);
    for (const binary of ['dockerd', 'docker-registry', 'docker', 'openssl', '/usr/sbin/sshd', 'ssh-keygen']) {
      if (!which(binary)) throw new Error(`${binary} is not installed (test/bed/install.sh installs the test bed's packages)`);
    }
    const tls = makeTlsMaterial(path.join(this.dir, 'engine-tls'));
    const tlsPort = await freePort();
    const nasPort = await freePort();
    // Each engine its own address pool: their networks' bridges share the host's routes.
    const pools = hostFreePools(3);
    const withTls = (port: number): string[] => [
      '--host',
      `tcp://127.0.0.1:${port}`,
      '--tlsverify',
      '--tlscacert',
      tls.ca,
      '--tlscert',
      tls.serverCert,
      '--tlskey',
      tls.serverKey,
    ];
    const [socket, nasSocket, vpsSocket] = [
      this.startDockerd('', pools[0]!, withTls(tlsPort)),
      this.startDockerd('nas', pools[1]!, withTls(nasPort)),
      this.startDockerd('vps', pools[2]!, []),
    ];
    const dockerWait = Promise.all(
      [
        ['', socket],
        ['nas', nasSocket],
        ['vps', vpsSocket],
      ].map(([name, sock]) =>
        waitFor(
          `dockerd ${name}`.trim(),
          () => httpOk('/_ping', sock),
          90_000,
          () => tail(path.join(this.dir, `${name ? `${name}-` : ''}dockerd.log`)),
        ),
      ),
    );

    // Bearer tokens for the third registry are JWTs signed by a key its config trusts.
    const key = path.join(this.dir, 'token.key');
    const cert = path.join(this.dir, 'token.crt');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=imagewatch-test-token'],
      { stdio: 'ignore' },
    );
    this.tokenServer = await startTokenServer({ keyFile: key, certFile: cert, user: BED_USER, issuer: 'imagewatch-test', service: 'imagewatch-registry' });

    const htpasswd = path.join(this.dir, 'htpasswd');
    writeFileSync(htpasswd, `${BED_USER.username}:${bcrypt.hashSync(BED_USER.password, 6)}\n`);
    const [open, basic, token, tlsRegistry] = await Promise.all([
      this.startRegistry('open', ''),
      this.startRegistry('basic', `auth:\n  htpasswd:\n    realm: imagewatch-basic\n    path: ${htpasswd}\n`),
      this.startRegistry(
        'token',
        `auth:\n  token:\n    realm: ${this.tokenServer.url}/token\n    service: imagewatch-registry\n    issuer: imagewatch-test\n    rootcertbundle: ${cert}\n`,
      ),
      // Served over TLS with a certificate from the bed's own CA, as a registry with a private CA is.
      this.startRegistry('tls', '', { cert: tls.serverCert, key: tls.serverKey, ca: tls.ca }),
    ]);
    await dockerWait;
    const ssh = await this.startSshd(socket);
    const vpsSsh = await this.startSshd(vpsSocket, 'vps-ssh', ssh.identity);
    return {
      ok: true,
      dir: this.dir,
      dockerHost: `unix://${socket}`,
      registries: { open, basic, token, tls: tlsRegistry },
      registryCa: tls.ca,
      tokenServer: this.tokenServer.url,
      user: BED_USER,
      rootfs: this.buildRootfs(),
      tls: { host: `tcp://127.0.0.1:${tlsPort}`, certDir: tls.clientDir },
      ssh,
      engines: {
        nas: { socket: `unix://${nasSocket}`, host: `tcp://127.0.0.1:${nasPort}` },
        vps: { socket: `unix://${vpsSocket}`, host: vpsSsh.host, knownHosts: vpsSsh.knownHosts },
      },
    };
  }

  /** A dockerd with its own socket, data and exec roots (`name` '' is the bed's main engine); returns its socket path. */
  private startDockerd(name: string, pool: string, extraHosts: string[]): string {
    const prefix = name ? `${name}-` : '';
    const socket = path.join(this.dir, `${prefix}docker.sock`);
    this.spawnLogged(
      'dockerd',
      [
        ...extraHosts,
        '--data-root',
        path.join(this.dir, `${prefix}docker-data`),
        '--exec-root',
        path.join(this.dir, `${prefix}docker-exec`),
        '--host',
        `unix://${socket}`,
        '--pidfile',
        path.join(this.dir, `${prefix}docker.pid`),
        '--iptables=false',
        '--bridge=none',
        '--storage-driver=vfs',
        '--default-address-pool',
        `base=${pool},size=24`,
      ],
      `${prefix}dockerd.log`,
    );
    return socket;
  }

  async stop(): Promise<void> {
    await this.tokenServer?.close();
    this.removeContainersAndNetworks();
    for (const child of this.children.reverse()) {
      if (child.pid === undefined || child.exitCode !== null) continue;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        continue;
      }
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && isAlive(child.pid)) await new Promise((r) => setTimeout(r, 100));
      if (isAlive(child.pid)) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    // vfs layers can hold read-only files; a failed cleanup of a temp dir must not fail the run.
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // left for the OS to clean
    }
  }
}

function docker(socket: string, args: string[]): string {
  return execFileSync('docker', ['--host', `unix://${socket}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }).trim();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
