import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { fileFilter } from '../src/config/files.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/facts/read.ts';
import { runScan } from '../src/pipeline/scan.ts';
import { ConfigError, findConfigFile, loadConfigFile } from '../src/config/load.ts';
import { loadRules } from '../src/rules/registry.ts';
import { annotationsOf, sourceFilesOf } from './support/annotations.ts';
import { repoRoot, runCli } from './support/cli.ts';

/**
 * envrace.config.json: discovery (walking up from the scanned path), validation with one clear line
 * and exit 2, include/exclude, rule switches and levels, project catalog entries in all four
 * languages, audit settings, and the command line overriding the file.
 */
const require = createRequire(import.meta.url);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'envrace-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let projects = 0;
/** A project on disk from a map of relative paths to contents. */
function project(files: Record<string, string>): string {
  projects += 1;
  const dir = path.join(scratch, `p${projects}`);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** A C file whose setenv runs after a pthread_create: one env-mutation-after-thread-spawn error at line 9. */
const RACE_C = `#include <pthread.h>
#include <stdlib.h>

static void *idle(void *arg) { return arg; }

int main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    setenv("TZ", "UTC", 1);
    return 0;
}
`;
const ALLOC_C = `#include <stddef.h>
void *arena_alloc(size_t size);
void *malloc(size_t size) { return arena_alloc(size); }
`;

interface JsonReport {
  summary: { errors: number; warnings: number; notes: number; filesAnalyzed: number };
  findings: Array<{ ruleId: string; level: string; file: string; line: number }>;
  skipped: Array<{ file: string; reason: string }>;
}
const json = (stdout: string): JsonReport => JSON.parse(stdout) as JsonReport;
const config = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe('finding the configuration', () => {
  const root = project({
    'envrace.config.json': config({ rules: { 'env-mutation-after-thread-spawn': 'off' } }),
    'app/src/main.c': RACE_C,
    'lib/envrace.config.json': config({}),
    'lib/src/main.c': RACE_C,
    'other.json': config({ failOn: 'none' }),
  });

  it('uses the first envrace.config.json above the scanned path, from a folder or a file argument', () => {
    expect(runCli(['scan', 'app/src/main.c'], { cwd: root }).status).toBe(0);
    expect(findConfigFile(path.join(root, 'app/src'))).toBe(path.join(root, 'envrace.config.json'));
    expect(findConfigFile(path.join(root, 'lib/src/main.c'))).toBe(path.join(root, 'lib/envrace.config.json'));
  });

  it('stops at the nearest one (lib/ has its own, empty configuration)', () => {
    const run = runCli(['scan', 'lib/src', '-f', 'json'], { cwd: root });
    expect(run.status).toBe(1);
    expect(json(run.stdout).findings.map((f) => f.ruleId)).toEqual(['env-mutation-after-thread-spawn']);
  });

  it('--no-config ignores it, --config FILE replaces it', () => {
    expect(runCli(['scan', 'app/src', '--no-config'], { cwd: root }).status).toBe(1);
    const replaced = runCli(['scan', 'app/src', '--config', 'other.json', '-f', 'json'], { cwd: root });
    expect(replaced.status).toBe(0);
    expect(json(replaced.stdout).summary.errors).toBe(1);
  });
});

describe('a configuration that cannot be used', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{\n  "failOn": "error",\n  "rules": {,}\n}\n', /envrace\.config\.json: invalid JSON at line 3, column 13: expected a property name in double quotes/],
    ['a trailing comma', '{ "exclude": ["vendor",] }', /invalid JSON at line 1, column 24: trailing comma before "\]"/],
    ['an unknown level', config({ rules: { 'env-mutation-after-thread-spawn': 'fatal' } }), /: \/rules\/env-mutation-after-thread-spawn: must be one of "off", "error", "warning", "note"$/],
    ['an unknown rule id', config({ rules: { 'env-race': 'off' } }), /: \/rules\/env-race: unknown property "env-race"; expected one of "env-mutation-after-thread-spawn", /],
    ['a misspelt key', config({ exclude: [], failon: 'error' }), /: \/failon: unknown property "failon"; expected one of .*"failOn"/],
    ['a catalog entry without kind', config({ catalog: { c: [{ id: 'project.x', names: ['x'] }] } }), /: \/catalog\/c\/0: missing required property "kind"$/],
    ['a qualified catalog name', config({ catalog: { python: [{ id: 'p.x', kind: 'spawn', names: ['pool.run'] }] } }), /: \/catalog\/python\/0\/names\/0: must be a plain function name/],
    ['a bad size', config({ maxFileSize: 'huge' }), /: \/maxFileSize: must be a byte count or a size such as "4MiB"$/],
    ['not an object', '[]\n', /envrace\.config\.json: \/: must be an object$/],
  ];
  for (const [name, text, expected] of cases) {
    it(`reports ${name} in one line naming the file, and exits with 2`, () => {
      const dir = project({ 'envrace.config.json': text, 'main.c': RACE_C });
      let error: unknown;
      try {
        loadConfigFile(path.join(dir, 'envrace.config.json'));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(expected);
      expect((error as Error).message).not.toContain('\n');
    });
  }

  it('through the CLI: scan and audit print that one line and exit with 2', () => {
    const dir = project({ 'envrace.config.json': '{ "rules": { "env-mutation-after-thread-spawn": "fatal" } }', 'main.c': RACE_C });
    for (const args of [['scan', '.'], ['audit', '.']]) {
      const run = runCli(args, { cwd: dir });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('envrace: envrace.config.json: /rules/env-mutation-after-thread-spawn: must be one of "off", "error", "warning", "note"\n');
    }
    const missing = runCli(['scan', '.', '--config', 'nope.json'], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('envrace: nope.json: cannot read the configuration file (no such file)\n');
  });
});

describe('config.schema.json', () => {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'config.schema.json'), 'utf8')) as { properties: { rules: { properties: object } } };

  it('lists exactly the rules under rules/', () => {
    expect(Object.keys(schema.properties.rules.properties).sort()).toEqual(loadRules().map((rule) => rule.id).sort());
  });

  it('is a valid draft-07 schema that accepts the documented full example', () => {
    const Ajv = require('ajv') as typeof import('ajv').default;
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    const example = JSON.parse(readFileSync(path.join(repoRoot, 'test/config-cases/full/envrace.config.json'), 'utf8')) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the full example scans as its annotations say (include, exclude, levels, catalog for C and Python)', () => {
    const dir = path.join(repoRoot, 'test/config-cases/full');
    const run = runCli(['scan', 'test/config-cases/full', '-f', 'json']);
    // failOn "error" in the file; two errors found.
    expect(run.status, run.stderr).toBe(1);
    const reported = json(run.stdout).findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort();
    const expected = sourceFilesOf(dir)
      .flatMap((file) => annotationsOf(file, repoRoot))
      .filter((annotation) => annotation.kind === 'ruleid')
      .map((annotation) => `${annotation.file}:${annotation.line} ${annotation.ruleId}`)
      .sort();
    expect(reported).toEqual(expected);
    expect(json(run.stdout).findings.find((f) => f.ruleId === 'libc-symbol-interposition')?.level).toBe('warning');
    expect(json(run.stdout).summary.filesAnalyzed).toBe(3);
  });
});

describe('include and exclude', () => {
  it('match paths relative to the configuration, folders included, and exclude wins', () => {
    const filter = fileFilter('/p', ['src', 'tools/**/*.py'], ['src/vendor', '**/*_test.c'])!;
    expect(filter('/p/src/a/b.c')).toBe(true);
    expect(filter('/p/src/vendor/z.c')).toBe(false);
    expect(filter('/p/src/a_test.c')).toBe(false);
    expect(filter('/p/tools/ci/bump.py')).toBe(true);
    expect(filter('/p/tools/ci/bump.c')).toBe(false);
    expect(filter('/p/lib/x.c')).toBe(false);
    expect(filter('/elsewhere/x.c')).toBe(true);
    expect(fileFilter('/p', [], [])).toBeUndefined();
  });

  it('leave excluded files out of the analysis', () => {
    const dir = project({
      'envrace.config.json': config({ exclude: ['third_party/', 'test/**'] }),
      'src/main.c': RACE_C,
      'third_party/zlib/race.c': RACE_C,
      'test/race.c': RACE_C,
    });
    const run = runCli(['scan', '.', '-f', 'json'], { cwd: dir });
    expect(json(run.stdout).findings.map((f) => f.file)).toEqual(['src/main.c']);
    expect(json(run.stdout).summary.filesAnalyzed).toBe(1);
  });
});

describe('rules, failOn, format and maxFileSize', () => {
  const dir = project({
    'envrace.config.json': config({
      rules: { 'env-mutation-after-thread-spawn': 'note', 'libc-symbol-interposition': 'off' },
      failOn: 'warning',
      format: 'sarif',
      maxFileSize: 400,
    }),
    'main.c': RACE_C,
    'alloc.c': ALLOC_C,
    'big.c': `${RACE_C}\n${'// padding\n'.repeat(40)}`,
  });

  it('turn a rule off, change a level (SARIF level and exit status follow), pick the format and the size limit', () => {
    const run = runCli(['scan', '.'], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    const log = JSON.parse(run.stdout) as Sarif.Log;
    const results = log.runs[0]!.results!;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([['env-mutation-after-thread-spawn', 'note']]);
    expect(run.stderr).toMatch(/skipped big\.c: too large/);
  });

  it('are overridden by the command line', () => {
    const run = runCli(['scan', '.', '--fail-on', 'note', '--format', 'json', '--max-file-size', '1MiB'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(json(run.stdout).findings.map((f) => `${f.file} ${f.level}`)).toEqual(['big.c note', 'main.c note']);
  });
});

describe('project catalog entries (set_env_locked, spawn_worker) in every language', () => {
  for (const language of ['c', 'rust', 'python', 'javascript']) {
    it(`${language}: the wrappers named in envrace.config.json become writes and spawns`, async () => {
      const dir = path.join(repoRoot, 'test/config-cases/catalog', language);
      const annotations = sourceFilesOf(dir).flatMap((file) => annotationsOf(file, repoRoot));
      const projectConfig = loadConfigFile(findConfigFile(dir)!);
      const scan = await runScan({ root: repoRoot, paths: [dir], maxFileBytes: DEFAULT_MAX_FILE_BYTES, extraCatalog: projectConfig.extraCatalog });
      const reported = new Set(scan.findings.map((f) => `${f.location.fileId}:${f.location.span.line + 1} ${f.ruleId}`));
      const problems: string[] = [];
      for (const annotation of annotations) {
        const key = `${annotation.file}:${annotation.line} ${annotation.ruleId}`;
        if (annotation.kind === 'ruleid' && !reported.has(key)) problems.push(`missed ${key}`);
        if (annotation.kind === 'ok' && reported.has(key)) problems.push(`false positive ${key}`);
        if (annotation.kind === 'todoruleid' && reported.has(key)) problems.push(`gap fixed, turn todoruleid into ruleid: ${key}`);
      }
      expect(problems, problems.join('\n')).toEqual([]);
      expect(reported.size).toBe(annotations.filter((a) => a.kind === 'ruleid').length);
      expect(scan.findings.every((f) => f.api?.startsWith('project.') || f.threads[0]?.steps.some((step) => step.message.includes('project.')))).toBe(true);
    });
  }

  it('through the CLI, with and without the configurations', () => {
    const withConfig = runCli(['scan', 'test/config-cases/catalog/c', '-f', 'json']);
    expect(withConfig.status, withConfig.stderr).toBe(1);
    expect(json(withConfig.stdout).findings.map((f) => f.line)).toEqual([17, 36]);
    // Without them the wrappers are calls to unknown functions.
    const without = runCli(['scan', 'test/config-cases/catalog', '--no-config']);
    expect(without.status, without.stdout).toBe(0);
    expect(without.stdout).toMatch(/^envrace: 0 errors, 0 warnings, 0 notes in 4 files analyzed$/m);
  });
});

describe('audit settings', () => {
  it('includeDev and ecosystems come from the file', () => {
    const dir = project({
      'envrace.config.json': config({ audit: { includeDev: true, ecosystems: ['npm'] } }),
      'package.json': config({ name: 'app', version: '1.0.0', dependencies: { envdep: '1.0.0' }, devDependencies: { devenv: '1.0.0' } }),
      // A requirements file would make the audit ask Python too, but the configuration says npm only.
      'requirements.txt': 'requests\n',
      'node_modules/envdep/package.json': config({ name: 'envdep', version: '1.0.0', main: 'index.js' }),
      'node_modules/envdep/index.js': "exports.init = function () {\n  process.env.SSL_CERT_FILE = '/etc/ssl/cert.pem';\n};\n",
      'node_modules/devenv/package.json': config({ name: 'devenv', version: '1.0.0', main: 'index.js' }),
      'node_modules/devenv/index.js': "exports.setup = function () {\n  process.env.DEV_MODE = '1';\n};\n",
      'index.js': "const dns = require('dns');\nconst { init } = require('envdep');\n\ndns.lookup('example.org', () => {});\ninit();\n",
      'dev.js': "const { setup } = require('devenv');\nsetup();\n",
    });
    const run = runCli(['audit', '.', '-f', 'json'], { cwd: dir });
    const report = JSON.parse(run.stdout) as { dependencies: Array<{ name: string }>; audit: { ecosystems: string[] } };
    expect(report.audit.ecosystems).toEqual(['npm']);
    expect(report.dependencies.map((d) => d.name).sort()).toEqual(['devenv', 'envdep']);
    const noDev = runCli(['audit', '.', '-f', 'json', '--ecosystem', 'npm', '--no-config'], { cwd: dir });
    expect((JSON.parse(noDev.stdout) as typeof report).dependencies.map((d) => d.name)).toEqual(['envdep']);
  });
});
