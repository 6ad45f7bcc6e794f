// `envrace repro --emit-c`: the written source must build on its own, exactly as its header says, and confirm.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReproSource } from '../../src/repro/source.ts';
import type { ReproVerdict } from '../../src/repro/verdict.ts';
import { runCli } from '../support/cli.ts';
import { makeTestCache, verdictSchemaErrors, type TestCache } from './helpers.ts';

let cache: TestCache;
let sourcePath: string;
let emitted = '';

beforeAll(() => {
  cache = makeTestCache();
  sourcePath = path.join(cache.dir, 'envrace-repro.c');
  const run = runCli(['repro', '--emit-c', sourcePath], { env: cache.env });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toContain('cc -O2 -pthread -o envrace-repro');
  emitted = readFileSync(sourcePath, 'utf8');
});
afterAll(() => cache.cleanup());

describe('--emit-c', () => {
  it('writes the shipped source behind a header that says how to build and run it elsewhere', () => {
    const { text, sha256 } = readReproSource();
    expect(emitted.endsWith(text)).toBe(true);
    const header = emitted.slice(0, emitted.length - text.length);
    expect(header).toContain(`sha256 ${sha256}`);
    expect(header).toContain('cc -O2 -pthread -o envrace-repro envrace-repro.c && ./envrace-repro');
    expect(header).toMatch(/same options as `envrace repro`/);
    expect(header).toMatch(/not real|neither the target's timing/);
  });

  it('- writes the same source to stdout', () => {
    const run = runCli(['repro', '--emit-c', '-'], { env: cache.env });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(emitted);
  });

  it('compiles standalone with `cc -O2 -pthread` and confirms, with a schema-valid JSON verdict', () => {
    const binary = path.join(cache.dir, 'envrace-repro');
    const cc = spawnSync(process.env.CC || 'cc', ['-O2', '-pthread', '-o', binary, sourcePath], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const help = spawnSync(binary, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--mode auto\|exec\|getenv/);
    const run = spawnSync(binary, ['--seconds', '15', '--format', 'json'], { encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(1);
    const verdict = JSON.parse(run.stdout) as ReproVerdict;
    expect(verdictSchemaErrors(verdict)).toBe('');
    expect(verdict.verdict).toBe('confirmed');
    expect(verdict.runs.map((r) => `${r.mode}:${r.verdict}`)).toEqual(['exec:confirmed', 'getenv:confirmed']);
  });
});
