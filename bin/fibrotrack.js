#!/usr/bin/env -S node --max-semi-space-size=64
// The `fibrotrack` command: runs the TypeScript entry point through tsx.
// A 64 MB young generation (V8's default is 16 MB): the server allocates briefly-lived objects at a high rate (parsed
// bundles, index rows, SQL text), and scavenges were a quarter of its CPU time when storing an import (BENCHMARKS.md).
// The flag takes effect only on the command line, hence the shebang; `npm start` passes it too.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/main.ts');
