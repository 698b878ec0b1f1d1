// The daemon does not load what it does not use: gRPC/protobuf (dockerode's BuildKit
// sessions) and ssh2 (docker-modem's ssh:// transport) stay out of memory until needed, and
// ssh2 still works when an ssh:// engine asks for it. Runs the built core in a fresh Node.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const run = promisify(execFile);

describe('modules loaded at start', () => {
  it('leaves gRPC and ssh2 unloaded until used, and ssh2 usable then', async () => {
    const connection = path.join(REPO_ROOT, 'dist/electron/core/docker/connection.js');
    const script = `
      const { createRequire } = require('node:module');
      const loaded = () => Object.keys(require.cache).filter((f) => /node_modules\\/(@grpc|protobufjs|ssh2\\/lib\\/(client|protocol)|asn1|bcrypt-pbkdf)/.test(f));
      import(${JSON.stringify(connection)}).then(({ connectDocker }) => {
        const before = loaded();
        const docker = connectDocker({ host: 'ssh://nobody@127.0.0.1:1' }, {});
        const modem = createRequire(require.resolve('docker-modem'));
        const client = new (modem('ssh2').Client)();
        console.log(JSON.stringify({ before, after: loaded().length > 0, connect: typeof client.connect, docker: typeof docker.listContainers }));
      });`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: REPO_ROOT });
    const result = JSON.parse(stdout) as { before: string[]; after: boolean; connect: string; docker: string };
    expect(result.before).toEqual([]);
    expect(result).toMatchObject({ after: true, connect: 'function', docker: 'function' });
  });
});
