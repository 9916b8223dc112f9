#!/usr/bin/env node
// `npx kam` runs the TypeScript CLI in this same process through tsx's loader: no build step,
// and signals (Ctrl-C, SIGTERM) reach the CLI directly instead of a wrapper process.
import { register } from 'tsx/esm/api';

register();
await import('../cli/kam.ts');
