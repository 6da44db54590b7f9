#!/usr/bin/env -S node --max-semi-space-size=64
// The `fibrotrack` command: runs the compiled server in dist/ when it is up to date with the sources (`npm run build`,
// scripts/dist-state.mjs), else the TypeScript entry point through tsx.
// A 64 MB young generation (V8's default is 16 MB): the server allocates briefly-lived objects at a high rate (parsed
// bundles, index rows, SQL text), and scavenges were a quarter of its CPU time when storing an import (BENCHMARKS.md).
// The flag takes effect only on the command line, hence the shebang; `npm start` passes it too.
// `fibrotrack import` runs again as a child with V8's 16 MB young generation and a heap let grow by at most 25% over
// what a full collection leaves: an import streams (its live memory is flat), and so its peak RSS for a 1 GB export
// stays under 300 MB instead of the 670+ MB V8's own heap growth reaches, for about a fifth more time (BENCHMARKS.md).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from '../scripts/dist-state.mjs';

const IMPORT_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=25'];

if (process.argv[2] === 'import' && !process.execArgv.includes(IMPORT_FLAGS[1])) {
  const child = spawn(process.execPath, [...IMPORT_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // A Ctrl-C reaches both; a signal sent to this process alone is passed on, so that the import never runs orphaned.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
} else if (distIsFresh()) {
  await import('../dist/server/src/main.js');
} else {
  (await import('tsx/esm/api')).register();
  await import('../server/src/main.ts');
}
