#!/usr/bin/env node
// Entry point of `npx flowflare`, the operations CLI; it is built into dist/cli/ops.
import { opsMain } from '../dist/cli/ops/main.js';

process.exitCode = await opsMain(process.argv);
