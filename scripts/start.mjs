// `npm start`: the desktop app where Electron can run. Where it cannot (its binary was never
// downloaded, Node is too old for its installer, or there is no display), say why in one line,
// say what to do, and open the same window in the browser with `imagewatch serve` instead.
// Arguments after `--` go to `serve` (for example `npm start -- --port 9000`).
// The binary is looked up on disk only: requiring the electron package would try to download it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ELECTRON_NODE = [22, 12];

function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function whyNot(env) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const binary = electronBinary();
  if (!binary) {
    const tooOld = major < ELECTRON_NODE[0] || (major === ELECTRON_NODE[0] && minor < ELECTRON_NODE[1]);
    return tooOld
      ? `Electron is not installed, and its installer needs Node ${ELECTRON_NODE.join('.')} or newer (this is ${process.versions.node}); install a newer Node, then run npm ci`
      : 'Electron is not installed (its binary could not be downloaded); run npm ci where github.com is reachable';
  }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset); run it in a desktop session';
  return null;
}

const reason = whyNot(process.env);
const serveArgs = process.argv.slice(2);
const child = reason
  ? (process.stderr.write(`imagewatch: cannot start the desktop app: ${reason}. Opening the same window in the browser instead (npm run serve).\n`),
    spawn(process.execPath, [path.join(root, 'dist', 'electron', 'cli', 'main.js'), 'serve', ...serveArgs], { stdio: 'inherit' }))
  : spawn(electronBinary(), [root], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
