#!/usr/bin/env node
// Entry point of the `imagewatch` command.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// V8 tuned for a process that mostly sleeps. Each flag is read whenever V8 next decides (grow
// a space, optimize a function), so setting it here, before the app loads, works; and only on
// the V8 versions known to have them (Node 20-24): an unknown flag makes V8 print "Error:
// unrecognized flag" on every start. `npm run bench` measures each (docs/performance.md).
// - Every command: V8 lets its young generation grow to 32 MB in a burst of allocation (a check
//   of hundreds of images) and keeps it committed. Without growth it stays at 2 MB, for a few
//   more short scavenges per check.
// - The daemons (`watch`, `serve`), which run for months and check every few minutes:
//   TurboFan's optimized code, and the compiler's own pages it touches, cost 10-13 MB for code
//   that runs a fraction of a second per check; without it the same check costs a little more
//   CPU. And the old generation is collected when it grows by a quarter, not when it quadruples
//   (V8's default while collection is cheap, which it is for a heap this small).
const v8Major = Number(process.versions.v8.split('.')[0]);
if (v8Major >= 11 && v8Major <= 13) {
  setFlagsFromString('--semi-space-growth-factor=1');
  const command = process.argv[2];
  if (command === 'watch' || command === 'serve') {
    setFlagsFromString('--no-turbofan');
    setFlagsFromString('--heap-growing-percent=25');
  }
}

const { runCli } = await import('./run.js');

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stdout.isTTY === true,
  env: process.env,
  version: version(),
  onSignal: (handler) => {
    const listener = (signal: NodeJS.Signals): void => handler(signal);
    process.on('SIGINT', listener);
    process.on('SIGTERM', listener);
    return () => {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    };
  },
});
process.exitCode = code;
