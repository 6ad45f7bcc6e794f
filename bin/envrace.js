#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so an installed copy needs no build step:
// pre-commit installs hooks with `npm install` + `npm pack`, which a build script would break.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
