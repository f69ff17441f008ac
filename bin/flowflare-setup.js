#!/usr/bin/env node
// Entry point of `npx flowflare-setup`; the CLI itself is built into dist/cli.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
