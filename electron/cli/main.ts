#!/usr/bin/env node
// Entry point of the `imagewatch` command.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// The daemon sleeps between checks. By default V8 lets its young generation grow to 32 MB
// during a burst of allocation (a check of hundreds of images) and keeps it committed, about
// a third of a daemon's memory. Without growth it stays at 2 MB, for a few more short
// scavenges per check (`npm run bench` shows both). Set before anything is allocated; this
// flag is read whenever the young generation would grow, so setting it at run time works.
// Only on the V8 versions known to have the flag (Node 20-24): an unknown one makes V8 print
// "Error: unrecognized flag" on every start.
const v8Major = Number(process.versions.v8.split('.')[0]);
if (v8Major >= 11 && v8Major <= 13) setFlagsFromString('--semi-space-growth-factor=1');

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
