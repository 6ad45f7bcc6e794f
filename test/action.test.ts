import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli.ts';

/**
 * The composite GitHub Action (action.yml), run locally the way the runner runs it: every `run:` step's
 * script goes through `bash --noprofile --norc -eo pipefail` with the step's `env:` evaluated (inputs,
 * github.action_path, earlier steps' outputs) and a GITHUB_OUTPUT file; `uses:` steps (setup-node,
 * upload-sarif) are recorded, not run, and the npm install step is replaced by this checkout's node_modules.
 */

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
  'working-directory'?: string;
}

interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

interface ActionRun {
  status: number;
  log: string;
  outputs: Record<string, string>;
  /** `uses:` steps whose `if:` held, with their evaluated `with:`. */
  used: Array<{ uses: string; with: Record<string, string> }>;
}

/** A python3 with PyYAML: pre-commit's own interpreter has it (Debian: python3-yaml). */
const python = [process.env.PYTHON, '/usr/bin/python3', 'python3'].find(
  (candidate): candidate is string => candidate !== undefined && spawnSync(candidate, ['-c', 'import yaml']).status === 0,
);
if (!python) console.warn('SKIPPED test/action.test.ts: no python3 with PyYAML to read action.yml (apt-get install python3-yaml)');

function loadAction(): Action {
  const result = spawnSync(python!, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(repoRoot, 'action.yml')], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`action.yml does not parse: ${result.stderr}`);
  return JSON.parse(result.stdout) as Action;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'envrace-action-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Evaluates the only expression forms the action may use in `env:`, `with:` and `if:`. Anything else
 * fails the test, so the action stays something this simulation really runs.
 */
function evaluate(value: string, context: { inputs: Record<string, string>; steps: Record<string, Record<string, string>> }): string {
  const lookup = (expression: string): string => {
    let match: RegExpExecArray | null;
    if ((match = /^inputs\.([\w-]+)$/.exec(expression))) return context.inputs[match[1]!] ?? '';
    if (expression === 'github.action_path') return repoRoot;
    if ((match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression))) return context.steps[match[1]!]?.[match[2]!] ?? '';
    if ((match = /^inputs\.([\w-]+) == '([^']*)'$/.exec(expression))) return String((context.inputs[match[1]!] ?? '') === match[2]);
    throw new Error(`the simulation does not evaluate \${{ ${expression} }}`);
  };
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => lookup(expression));
}

function runAction(given: Record<string, string>, workspace = repoRoot): ActionRun {
  const action = loadAction();
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, given[name] ?? input.default ?? '']));
  const steps: Record<string, Record<string, string>> = {};
  const run: ActionRun = { status: 0, log: '', outputs: {}, used: [] };
  for (const [index, step] of action.runs.steps.entries()) {
    const condition = step.if === undefined ? 'true' : evaluate(step.if.includes('${{') ? step.if : `\${{ ${step.if} }}`, { inputs, steps });
    if (condition !== 'true') continue;
    if (step.uses) {
      const withs = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, evaluate(String(value), { inputs, steps })]));
      run.used.push({ uses: step.uses, with: withs });
      continue;
    }
    if (/^npm install\b/.test(step.run ?? '')) continue; // this checkout's node_modules stands in for the install
    expect(step.shell, `step ${step.name} must name its shell (composite actions require it)`).toBe('bash');
    const script = path.join(tmp, `step-${index}.sh`);
    const outputFile = path.join(tmp, `output-${index}`);
    writeFileSync(script, step.run ?? '');
    writeFileSync(outputFile, '');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(value, { inputs, steps })]));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: step['working-directory'] ? evaluate(step['working-directory'], { inputs, steps }) : workspace,
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTION_PATH: repoRoot, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, ...env },
      encoding: 'utf8',
    });
    run.log += result.stdout + result.stderr;
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    if (step.id) steps[step.id] = outputs;
    if (result.status !== 0) {
      run.status = result.status ?? -1;
      break;
    }
  }
  run.outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, evaluate(output.value, { inputs, steps })]));
  return run;
}

const readSarif = (file: string): Sarif.Log => JSON.parse(readFileSync(file, 'utf8')) as Sarif.Log;

describe.skipIf(!python)('action.yml (composite GitHub Action)', () => {
  it('declares its inputs with their defaults, and installs, runs, uploads and fails in that order', () => {
    const action = loadAction();
    expect(action.runs.using).toBe('composite');
    const defaults = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default]));
    expect(defaults).toMatchObject({ paths: '.', audit: 'false', 'fail-on': 'error', category: 'envrace', 'sarif-file': 'envrace.sarif', upload: 'true' });
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, `input ${name}`).toBeTruthy();

    const steps = action.runs.steps;
    const at = (predicate: (step: Step) => boolean): number => steps.findIndex(predicate);
    const setup = at((step) => step.uses?.startsWith('actions/setup-node@') === true);
    const install = at((step) => /^npm install --omit=dev\b/.test(step.run ?? ''));
    const scan = at((step) => step.id === 'run');
    const upload = at((step) => step.uses === 'github/codeql-action/upload-sarif@v3');
    const fail = steps.length - 1;
    expect([setup, install, scan, upload].every((index) => index >= 0)).toBe(true);
    expect(setup < install && install < scan && scan < upload && upload < fail).toBe(true);
    expect(steps[setup]!.with).toMatchObject({ 'node-version': 20 });
    expect(steps[install]!['working-directory']).toBe('${{ github.action_path }}');
    expect(steps[upload]!.with).toEqual({ sarif_file: '${{ steps.run.outputs.sarif-file }}', category: '${{ inputs.category }}' });
    expect(steps[upload]!.if).toMatch(/inputs\.upload == 'true'/);
    // No input is spliced into a script: they arrive through env, so a path cannot inject shell.
    for (const step of steps) expect(step.run ?? '', `step ${step.name}`).not.toMatch(/\$\{\{/);
  });

  it('writes SARIF for the category, uploads it, then fails on findings at or above fail-on (error)', () => {
    const sarifFile = path.join(tmp, 'examples.sarif');
    const run = runAction({ paths: 'examples', 'fail-on': 'error', category: 'envrace-examples', 'sarif-file': sarifFile });
    expect(run.status, run.log).toBe(1);
    expect(run.outputs).toEqual({ 'sarif-file': sarifFile, 'exit-code': '1' });
    expect(run.log).toContain("::error title=envrace::findings at or above 'error'");
    const log = readSarif(sarifFile);
    expect(log.runs[0]!.automationDetails?.id).toBe('envrace-examples/');
    expect(log.runs[0]!.results?.some((result) => result.level === 'error')).toBe(true);
    expect(run.used.map((used) => used.uses)).toEqual(['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3']);
    expect(run.used[1]!.with).toEqual({ sarif_file: sarifFile, category: 'envrace-examples' });
  });

  it('passes with fail-on none, and still writes and uploads the same findings', () => {
    const sarifFile = path.join(tmp, 'none.sarif');
    const run = runAction({ paths: 'examples', 'fail-on': 'none', 'sarif-file': sarifFile });
    expect(run.status, run.log).toBe(0);
    expect(run.outputs['exit-code']).toBe('0');
    expect(readSarif(sarifFile).runs[0]!.automationDetails?.id).toBe('envrace/');
    expect(readSarif(sarifFile).runs[0]!.results?.length).toBeGreaterThan(0);
    expect(run.used.map((used) => used.uses)).toContain('github/codeql-action/upload-sarif@v3');
  });

  it('takes several paths, separated by newlines or spaces, and follows fail-on warning', () => {
    const clean = runAction({ paths: 'examples/safe-patterns\ntest/precommit/clean-project', 'fail-on': 'note', 'sarif-file': path.join(tmp, 'clean.sarif'), upload: 'false' });
    expect(clean.status, clean.log).toBe(0);
    expect(readSarif(path.join(tmp, 'clean.sarif')).runs[0]!.results).toEqual([]);
    expect(clean.used.map((used) => used.uses)).toEqual(['actions/setup-node@v4']);

    const racy = runAction({ paths: 'examples/safe-patterns examples/c-system-race', 'fail-on': 'warning', 'sarif-file': path.join(tmp, 'racy.sarif'), upload: 'false' });
    expect(racy.status, racy.log).toBe(1);
    expect(readSarif(path.join(tmp, 'racy.sarif')).runs[0]!.results?.map((result) => result.locations?.[0]?.physicalLocation?.artifactLocation?.uri)).toContain(
      'examples/c-system-race/main.c',
    );
  });

  it('runs envrace audit on one project directory with audit: true', () => {
    const sarifFile = path.join(tmp, 'deps.sarif');
    const run = runAction({ paths: 'test/precommit/clean-project', audit: 'true', category: 'envrace-dependencies', 'sarif-file': sarifFile, args: '--ecosystem npm' });
    expect(run.status, run.log).toBe(0);
    const log = readSarif(sarifFile);
    expect(log.runs[0]!.automationDetails?.id).toBe('envrace-dependencies/');
    expect(run.log).toMatch(/dependenc/);
  });

  it('stops before uploading when envrace cannot run (bad input, exit 2)', () => {
    const sarifFile = path.join(tmp, 'bad.sarif');
    const badAudit = runAction({ audit: 'maybe', 'sarif-file': sarifFile });
    expect(badAudit.status).toBe(2);
    expect(badAudit.log).toContain("input 'audit' must be true or false");
    expect(badAudit.used.map((used) => used.uses)).toEqual(['actions/setup-node@v4']);

    const badLevel = runAction({ paths: 'examples', 'fail-on': 'sometimes', 'sarif-file': sarifFile });
    expect(badLevel.status).toBe(2);
    expect(badLevel.outputs['exit-code']).toBe('2');
    expect(existsSync(sarifFile)).toBe(false);
    expect(badLevel.used.map((used) => used.uses)).toEqual(['actions/setup-node@v4']);
  });
});
