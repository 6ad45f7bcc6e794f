// `envrace repro --from results.sarif`: one reproduction per distinct (mode, variable, API) plan, and a SARIF copy
// where each env-mutation-after-thread-spawn result carries properties.reproduction.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReproRunOptions } from '../../src/repro/options.ts';
import { execApisFor, planFor, readSarif, reproduceSarif } from '../../src/repro/sarif.ts';
import type { ReproVerdict } from '../../src/repro/verdict.ts';
import { repoRoot, runCli } from '../support/cli.ts';
import { makeTestCache, verdictSchemaErrors, type TestCache } from './helpers.ts';

const require = createRequire(import.meta.url);
const AjvDraft04 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

const fixture = path.join(repoRoot, 'test/repro/fixtures/findings.sarif');

describe('choosing the mode per finding', () => {
  it('exec-class readers get exec mode with the matching API, getenv-class get getenv, others auto', () => {
    expect(planFor({ variable: 'APP_MODE', readerKind: 'exec', readerApi: 'os.system' })).toEqual({ mode: 'exec', variables: ['APP_MODE'], apis: ['system'] });
    expect(planFor({ variable: 'SSL_CERT_FILE', readerKind: 'getenv', readerApi: 'getenv' })).toEqual({ mode: 'getenv', variables: ['SSL_CERT_FILE'], apis: [] });
    expect(planFor({ readerKind: 'other' })).toEqual({ mode: 'auto', variables: [], apis: [] });
    expect(planFor(undefined)).toEqual({ mode: 'auto', variables: [], apis: [] });
  });

  it('uses the variable only when it is a literal name', () => {
    expect(planFor({ variable: 'key', readerKind: 'getenv' }).variables).toEqual(['key']);
    expect(planFor({ variable: '${name}', readerKind: 'getenv' }).variables).toEqual([]);
    expect(planFor({ variable: 'A=B', readerKind: 'getenv' }).variables).toEqual([]);
  });

  it('maps reader APIs to the libc call they end in', () => {
    expect(execApisFor('os.system')).toEqual(['system']);
    expect(execApisFor('popen')).toEqual(['system']);
    expect(execApisFor('posix_spawnp')).toEqual(['posix_spawn']);
    expect(execApisFor('execvp')).toEqual(['vfork']);
    expect(execApisFor('std::process::Command::spawn')).toEqual(['posix_spawn']);
    expect(execApisFor('subprocess.run')).toEqual(['posix_spawn']);
    expect(execApisFor(undefined)).toEqual([]);
  });
});

describe('annotating a log', () => {
  it('runs each distinct plan once and attaches the verdict to every matching result', async () => {
    const log = readSarif(fixture);
    const calls: ReproRunOptions[] = [];
    const fake = (options: ReproRunOptions): Promise<ReproVerdict> => {
      calls.push(options);
      return Promise.resolve({ tool: 'envrace-repro', verdict: 'confirmed', mode: options.mode, runs: [] } as unknown as ReproVerdict);
    };
    const outcome = await reproduceSarif(log, { seconds: 3, shape: 'pad' }, fake);
    expect(calls.map((c) => [c.mode, c.variables, c.apis, c.seconds, c.shape])).toEqual([
      ['exec', ['APP_MODE'], ['system'], 3, 'pad'],
      ['getenv', ['SSL_CERT_FILE'], undefined, 3, 'pad'],
      ['auto', undefined, undefined, 3, 'pad'],
    ]);
    expect(outcome.reproductions).toBe(3);
    expect(outcome.skipped).toBe(1);
    expect(outcome.findings.map((f) => f.location)).toEqual(['app/workers.py:14:5', 'src/main.rs:9:5', 'src/tls.rs:31', 'lib/config.js:22:3']);
    const results = log.runs[0]?.results ?? [];
    expect(results.slice(0, 4).every((r) => (r.properties?.reproduction as ReproVerdict | undefined)?.verdict === 'confirmed')).toBe(true);
    // The finding's own properties stay, and the other rule's result is untouched.
    expect(results[0]?.properties).toMatchObject({ variable: 'APP_MODE', readerKind: 'exec' });
    expect(results[4]?.properties).toBeUndefined();
  });

  it('rejects input that is not a SARIF log', () => {
    expect(() => readSarif(path.join(repoRoot, 'package.json'))).toThrow(/not a SARIF log/);
  });
});

describe('envrace repro --from (end to end)', () => {
  let cache: TestCache;
  beforeAll(() => {
    cache = makeTestCache();
  });
  afterAll(() => cache.cleanup());

  it('reproduces the findings and writes a valid SARIF copy with properties.reproduction', () => {
    const input = path.join(cache.dir, 'results.sarif');
    copyFileSync(fixture, input);
    const output = path.join(cache.dir, 'results.repro.sarif');
    const run = runCli(['repro', '--from', input, '--output', output, '--seconds', '15'], { env: cache.env });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^envrace repro: CONFIRMED: 4 of 4 finding\(s\) confirmed \(3 reproduction\(s\) run\)/);
    expect(run.stdout).toMatch(/app\/workers\.py:14:5 +APP_MODE +exec +confirmed/);
    expect(run.stdout).toMatch(/src\/main\.rs:9:5 +SSL_CERT_FILE +getenv +confirmed +SIGSEGV in getenv/);
    expect(run.stdout).toContain('(1 result(s) of other rules left as they were)');
    expect(run.stdout).toContain(`wrote ${output}`);

    const log = JSON.parse(readFileSync(output, 'utf8')) as Sarif.Log;
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);

    const results = log.runs[0]?.results ?? [];
    for (const result of results.slice(0, 4)) {
      const reproduction = result.properties?.reproduction as ReproVerdict;
      expect(verdictSchemaErrors(reproduction)).toBe('');
      expect(reproduction.verdict).toBe('confirmed');
    }
    const first = results[0]?.properties?.reproduction as ReproVerdict;
    expect(first.mode).toBe('exec');
    expect(first.workload.variables).toEqual(['APP_MODE']);
    expect(first.workload.execApis).toEqual(['system']);
    expect((results[1]?.properties?.reproduction as ReproVerdict).mode).toBe('getenv');
    expect((results[3]?.properties?.reproduction as ReproVerdict).mode).toBe('auto');
    expect(results[4]?.properties).toBeUndefined();
    // Written through a temporary file and a rename: nothing else is left in the directory.
    expect(readdirSync(cache.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // The input is not modified.
    expect(readFileSync(input, 'utf8')).toBe(readFileSync(fixture, 'utf8'));
  });
});
