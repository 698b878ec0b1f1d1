// Why this exists: at start, dockerode loads gRPC and protobuf (for BuildKit sessions, used
// only by image builds) and docker-modem loads ssh2 (for its own ssh transport, which
// imagewatch does not use: ssh:// engines go through the system's ssh, see ssh.ts). That is
// about 30 MB of a daemon's memory for code imagewatch never runs. These stand-ins sit in the
// CommonJS module cache before dockerode loads, and load the real module the first time it is
// used. Imported first by connect.ts, the only module that loads dockerode. (Neither package
// offers a lazy entry point; this is the smallest change.)
import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);

function standIn(filename: string, make: (load: () => Record<string, unknown>) => unknown): void {
  if (require.cache[filename]) return; // already loaded for real: nothing to save
  let real: Record<string, unknown> | undefined;
  const load = (): Record<string, unknown> => {
    if (!real) {
      delete require.cache[filename];
      real = require(filename) as Record<string, unknown>;
    }
    return real;
  };
  const stub = new Module(filename);
  stub.filename = filename;
  stub.loaded = true;
  stub.exports = make(load);
  require.cache[filename] = stub;
}

type Constructor = new (...args: unknown[]) => object;

try {
  const modem = createRequire(require.resolve('docker-modem'));
  standIn(modem.resolve('ssh2'), (load) => {
    // docker-modem reads `.Client` when it loads, and constructs one per ssh connection.
    class Client {
      constructor(...args: unknown[]) {
        const Real = load().Client as Constructor;
        return new Real(...args);
      }
    }
    return {
      Client,
      get utils() {
        return load().utils;
      },
    };
  });
  // dockerode calls this only to build images with BuildKit.
  standIn(require.resolve('dockerode/lib/session.js'), (load) => {
    const real = (): unknown => load();
    return function withSession(this: unknown, ...args: unknown[]): unknown {
      return (real() as unknown as (...a: unknown[]) => unknown).apply(this, args);
    };
  });
} catch {
  // A layout other than the one expected: load everything as usual.
}
