#!/usr/bin/env node
// The `fibrotrack` command: runs the TypeScript entry point through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/main.ts');
