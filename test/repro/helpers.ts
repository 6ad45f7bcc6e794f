// Shared by the reproducer tests: a private cache directory (never the user's), one build per test file,
// and the verdict schema.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildReproducer, type BuiltReproducer } from '../../src/repro/build.ts';
import { resolveToolchain, type TargetName } from '../../src/repro/toolchain.ts';
import { repoRoot } from '../support/cli.ts';

const require = createRequire(import.meta.url);
// CommonJS default export that NodeNext typing does not see as constructible.
const Ajv = require('ajv') as typeof import('ajv').default;

export interface TestCache {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup: () => void;
}

export function makeTestCache(): TestCache {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-repro-test-'));
  return { dir, env: { ...process.env, XDG_CACHE_HOME: dir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function buildFor(cache: TestCache, target: TargetName = 'host'): BuiltReproducer {
  return buildReproducer(resolveToolchain(target, cache.env), { env: cache.env });
}

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'repro/verdict.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

/** Schema errors of a verdict, as one readable string ('' when valid). */
export function verdictSchemaErrors(verdict: unknown): string {
  return validate(verdict) ? '' : JSON.stringify(validate.errors, null, 2);
}

