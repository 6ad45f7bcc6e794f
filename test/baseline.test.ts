import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaselineError, readBaseline } from '../src/baseline/file.ts';
import { repoRoot, runCli } from './support/cli.ts';

/**
 * Baselines: `--write-baseline FILE` records today's results by fingerprint; `--baseline FILE` then
 * reports (and fails on) only the new ones, with SARIF baselineState new / unchanged / absent.
 */
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'envrace-baseline-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MAIN_C = `#include <pthread.h>
#include <stdlib.h>

static void *idle(void *arg) { return arg; }

int main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    setenv("TZ", "UTC", 1);
    setenv("LANG", "C", 1);
    return 0;
}
`;
const APP_PY = `import os
import threading


def main():
    worker = threading.Thread(target=print)
    worker.start()
    os.environ["LANG"] = "C"


if __name__ == "__main__":
    main()
`;

function write(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
}

interface BaselineFile {
  version: number;
  tool: { name: string; version: string };
  results: Array<{ ruleId: string; file: string; primaryLocationLineHash: string; message: string; line: number; level: string }>;
}

const dir = path.join(scratch, 'project');
let baseline: BaselineFile;

beforeAll(() => {
  write(dir, { 'main.c': MAIN_C, 'app.py': APP_PY });
  const run = runCli(['scan', '.', '--write-baseline', 'envrace-baseline.json'], { cwd: dir });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toBe('envrace: wrote baseline envrace-baseline.json (3 results)\n');
  expect(run.stdout).toBe('envrace: 0 errors, 0 warnings, 0 notes new in 2 files analyzed; 3 unchanged from baseline envrace-baseline.json\n');
  baseline = JSON.parse(readFileSync(path.join(dir, 'envrace-baseline.json'), 'utf8')) as BaselineFile;
});

describe('a baseline round trip', () => {
  it('records rule, file, line hash and message of every result, atomically', () => {
    expect(baseline.version).toBe(1);
    expect(baseline.tool.name).toBe('envrace');
    expect(baseline.results.map((r) => `${r.file}:${r.line} ${r.ruleId} ${r.level}`)).toEqual([
      'app.py:8 env-mutation-after-thread-spawn error',
      'main.c:9 env-mutation-after-thread-spawn error',
      'main.c:10 env-mutation-after-thread-spawn error',
    ]);
    for (const result of baseline.results) {
      expect(result.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/);
      expect(result.message).toMatch(/writes (LANG|TZ)/);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('passes with nothing new', () => {
    const run = runCli(['scan', '.', '--baseline', 'envrace-baseline.json'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('envrace: 0 errors, 0 warnings, 0 notes new in 2 files analyzed; 3 unchanged from baseline envrace-baseline.json\n');
  });

  it('fails on a new result only, even after the old ones moved down', () => {
    const edited = path.join(scratch, 'edited');
    // A new function with a new race above main(): main's results move down by five lines. The call to it
    // right after them changes their line hashes too (the hash reads 100 characters ahead): they still
    // match their entries on rule, file and message.
    const later = 'static void later(void) {\n    pthread_t other;\n    pthread_create(&other, NULL, idle, NULL);\n    setenv("PATH", "/usr/bin", 1);\n}\n\n';
    write(edited, {
      'envrace-baseline.json': readFileSync(path.join(dir, 'envrace-baseline.json'), 'utf8'),
      'main.c': MAIN_C.replace('int main(void) {', `${later}int main(void) {`).replace('    return 0;', '    later();\n    return 0;'),
      'app.py': APP_PY,
    });
    const text = runCli(['scan', '.', '--baseline', 'envrace-baseline.json'], { cwd: edited });
    expect(text.status).toBe(1);
    expect(text.stdout.match(/^\S+:\d+:\d+: .*$/gm)).toEqual([
      'main.c:9:5: error env-mutation-after-thread-spawn: setenv writes PATH after the thread spawned at main.c:8:5 (pthread_create) was started, while it may still be running.',
    ]);
    expect(text.stdout).toMatch(/^envrace: 1 error, 0 warnings, 0 notes new in 2 files analyzed; 3 unchanged from baseline envrace-baseline.json$/m);

    const sarif = runCli(['scan', '.', '--baseline', 'envrace-baseline.json', '-f', 'sarif'], { cwd: edited });
    expect(sarif.status).toBe(1);
    const results = (JSON.parse(sarif.stdout) as Sarif.Log).runs[0]!.results!;
    expect(results.map((r) => `${r.locations![0]!.physicalLocation!.artifactLocation!.uri}:${r.locations![0]!.physicalLocation!.region!.startLine} ${r.baselineState}`)).toEqual([
      'app.py:8 unchanged',
      'main.c:9 new',
      'main.c:15 unchanged',
      'main.c:16 unchanged',
    ]);
  });

  it('reports fixed results as absent (kind pass) in SARIF that the schema and GitHub accept; JSON lists them', () => {
    const fixed = path.join(scratch, 'fixed');
    write(fixed, {
      'envrace-baseline.json': readFileSync(path.join(dir, 'envrace-baseline.json'), 'utf8'),
      'main.c': MAIN_C.replace('    setenv("TZ", "UTC", 1);\n', ''),
      'app.py': APP_PY,
    });
    const run = runCli(['scan', '.', '--baseline', 'envrace-baseline.json', '-f', 'sarif', '-o', 'out.sarif'], { cwd: fixed });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^envrace: 0 errors, 0 warnings, 0 notes new in 2 files analyzed; 2 unchanged from baseline envrace-baseline.json, 1 absent \(fixed or moved\)$/m);
    const log = JSON.parse(readFileSync(path.join(fixed, 'out.sarif'), 'utf8')) as Sarif.Log;
    const absent = log.runs[0]!.results!.filter((r) => r.baselineState === 'absent');
    expect(absent.map((r) => [r.kind, r.level, r.locations![0]!.physicalLocation!.region!.startLine])).toEqual([['pass', 'none', 9]]);
    expect(absent[0]!.message.text).toMatch(/^No longer found \(was at line 9 when the baseline was written\): setenv writes TZ/);

    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const multitool = require('@microsoft/sarif-multitool-linux') as string;
    const validation = path.join(fixed, 'validation.sarif');
    const check = spawnSync(multitool, ['validate', '--rule-kind', 'Gh;Sarif', '--output', validation, path.join(fixed, 'out.sarif')], {
      encoding: 'utf8',
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    });
    expect(check.status, `${check.stdout}\n${check.stderr}`).toBe(0);
    const problems = ((JSON.parse(readFileSync(validation, 'utf8')) as Sarif.Log).runs[0]?.results ?? []).map((r) => `${r.level} ${r.ruleId}: ${r.message.text ?? ''}`);
    expect(problems, problems.join('\n')).toEqual([]);

    const json = JSON.parse(runCli(['scan', '.', '--baseline', 'envrace-baseline.json', '-f', 'json'], { cwd: fixed }).stdout) as {
      summary: { unchanged: number; absent: number };
      absent: Array<{ file: string; line: number; baselineState: string }>;
    };
    expect(json.summary).toMatchObject({ unchanged: 2, absent: 1 });
    expect(json.absent.map((a) => `${a.file}:${a.line} ${a.baselineState}`)).toEqual(['main.c:9 absent']);
  });

  it('is taken from envrace.config.json when --baseline is not given', () => {
    const configured = path.join(scratch, 'configured');
    write(configured, {
      'envrace.config.json': JSON.stringify({ baseline: 'ci/envrace-baseline.json' }),
      'ci/envrace-baseline.json': readFileSync(path.join(dir, 'envrace-baseline.json'), 'utf8'),
      'main.c': MAIN_C,
      'app.py': APP_PY,
    });
    const run = runCli(['scan', '.'], { cwd: configured });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/3 unchanged from baseline ci\/envrace-baseline\.json$/m);
  });
});

describe('a baseline that cannot be used', () => {
  const cases: Array<[string, string, string]> = [
    ['invalid JSON', '{ "version": 1, ', 'envrace: broken.json: not a baseline: invalid JSON at line 1, column 17: expected a property name in double quotes, found end of file\n'],
    ['another version', '{ "version": 7, "results": [] }', 'envrace: broken.json: not an envrace baseline: /version: must be 1 (found 7)\n'],
    ['a SARIF file', '{ "version": "2.1.0", "runs": [] }', 'envrace: broken.json: not an envrace baseline: /version: must be 1 (found "2.1.0")\n'],
    ['a result without a file', '{ "version": 1, "results": [ { "ruleId": "x", "message": "m" } ] }', 'envrace: broken.json: not an envrace baseline: /results/0/file: must be a string\n'],
  ];
  for (const [name, text, message] of cases) {
    it(`names the file and the problem in one line: ${name}`, () => {
      writeFileSync(path.join(scratch, 'broken.json'), text);
      expect(() => readBaseline(path.join(scratch, 'broken.json'))).toThrow(BaselineError);
      try {
        readBaseline(path.join(scratch, 'broken.json'));
      } catch (error) {
        expect(`envrace: ${(error as Error).message.replace(`${scratch}${path.sep}`, '')}\n`).toBe(message);
      }
    });
  }

  it('makes scan and audit exit with 2', () => {
    writeFileSync(path.join(dir, 'broken.json'), cases[0]![1]);
    const scan = runCli(['scan', '.', '--baseline', 'broken.json'], { cwd: dir });
    expect([scan.status, scan.stdout, scan.stderr]).toEqual([2, '', cases[0]![2]]);
    const audit = runCli(['audit', '.', '--ecosystem', 'npm', '--baseline', 'broken.json'], { cwd: dir });
    expect([audit.status, audit.stderr]).toEqual([2, cases[0]![2]]);
    const missing = runCli(['scan', '.', '--baseline', 'nope.json'], { cwd: dir });
    expect([missing.status, missing.stderr]).toEqual([2, 'envrace: nope.json: cannot read the baseline (no such file; create it with --write-baseline)\n']);
  });

  it('--write-baseline refuses --only (a baseline records the whole project)', () => {
    const run = runCli(['scan', '.', '--only', 'main.c', '--write-baseline', 'partial.json'], { cwd: dir });
    expect([run.status, run.stderr]).toEqual([2, 'envrace: --write-baseline records the whole project; run it without --only\n']);
  });

  it('with --only, entries of other files are not absent', () => {
    const run = runCli(['scan', '.', '--only', 'app.py', '--baseline', 'envrace-baseline.json', '-f', 'json'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ summary: { unchanged: 1, absent: 0 } });
  });
});
