#!/usr/bin/env node
// Runs the TypeScript sources with no build step at install time: pre-commit installs hooks with
// `npm install` + `npm pack`, which a build script would break. The first run after a source change
// bundles src/ into the cache (src/startup/bundle.js); later runs import that bundle and start fast.
// Without it (no esbuild, a read-only cache, ENVRACE_NO_BUNDLE=1) the sources run through tsx.
import { loadBundledCli } from '../src/startup/bundle.js';

async function loadThroughTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src/cli.ts');
}

const cli = (process.env.ENVRACE_NO_BUNDLE ? undefined : await loadBundledCli()) ?? (await loadThroughTsx());
process.exitCode = await cli.main(process.argv.slice(2));
