import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coveredLine, findDirectives } from '../src/suppress/directives.ts';
import { repoRoot, runCli, type CliRun } from './support/cli.ts';

/**
 * Inline suppressions: `envrace-ignore[rule-id]: reason` in each language's comments, on the
 * reported line or alone on the line above. Without a reason (or with an unknown rule id) the comment
 * suppresses nothing and is reported itself as `invalid-suppression`.
 */
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'envrace-suppress-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const RULE = 'env-mutation-after-thread-spawn';

const FILES = {
  'main.c': `#include <pthread.h>
#include <stdlib.h>

static void *idle(void *arg) { return arg; }

int main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    setenv("A", "1", 1); // envrace-ignore[${RULE}]: idle() never reads the environment
    /* envrace-ignore[${RULE}]: same thread, block comment above */
    setenv("B", "1", 1);
    setenv("C", "1", 1); /* envrace-ignore[${RULE}] */
    setenv("D", "1", 1); // envrace-ignore[env-race, ${RULE}]: the first id is a typo
    const char *text = "envrace-ignore[${RULE}]: in a string, not a comment"; setenv("E", text, 1);
    setenv("F", "1", 1); // envrace-ignore[libc-symbol-interposition]: another rule
    return 0;
}
`,
  'src/main.rs': `use std::env;
use std::thread;

fn main() {
    let _worker = thread::spawn(|| {});
    // envrace-ignore[${RULE}]: the worker only sleeps
    env::set_var("A", "1");
    env::set_var("B", "1"); // envrace-ignore[${RULE}]:
}
`,
  'Cargo.toml': '[package]\nname = "s"\nversion = "0.1.0"\nedition = "2021"\n',
  'app.py': `import os
import threading


def main():
    worker = threading.Thread(target=print)
    worker.start()
    os.environ["A"] = "1"  # envrace-ignore[${RULE}]: the worker only prints
    # envrace-ignore[${RULE}]
    os.environ["B"] = "1"
    # envrace-ignore: no rule named
    os.environ["C"] = "1"


if __name__ == "__main__":
    main()
`,
  'server.js': `const { Worker, SHARE_ENV } = require('worker_threads');

new Worker('./worker.js', { env: SHARE_ENV });
/* envrace-ignore[${RULE}]: worker.js never reads process.env */ process.env.A = '1';
// envrace-ignore[${RULE}]: the line above covers its own line only, this one covers the next
process.env.B = '1';
process.env.C = '1'; // envrace-ignore[${RULE}]: reason
process.env.D = '1';
`,
  'clean.py': '# envrace-ignore[env-mutation-after-thread-spawn] left behind without a reason\nVALUE = 1\n',
};

interface JsonFinding {
  ruleId: string;
  level: string;
  file: string;
  line: number;
  message: string;
  suppressed?: boolean;
  justification?: string;
}

let dir = '';
let jsonRun: CliRun;
let findings: JsonFinding[] = [];
beforeAll(() => {
  dir = project('mixed', FILES);
  jsonRun = runCli(['scan', '.', '-f', 'json'], { cwd: dir });
  findings = (JSON.parse(jsonRun.stdout) as { findings: JsonFinding[] }).findings;
});

const at = (file: string, line: number, ruleId = RULE): JsonFinding | undefined => findings.find((f) => f.file === file && f.line === line && f.ruleId === ruleId);

describe('suppression comments in each language', () => {
  it('C: end of line with //, block comment alone on the line above, several ids', () => {
    expect(at('main.c', 9)?.justification).toBe('idle() never reads the environment');
    expect(at('main.c', 11)?.justification).toBe('same thread, block comment above');
    expect(at('main.c', 13)?.justification).toBe('the first id is a typo');
    for (const line of [9, 11, 13]) expect(at('main.c', line)?.suppressed).toBe(true);
  });

  it('C: a comment without a reason, a directive in a string and another rule id do not suppress', () => {
    for (const line of [12, 14, 15]) {
      expect(at('main.c', line), `main.c:${line}`).toBeDefined();
      expect(at('main.c', line)?.suppressed, `main.c:${line}`).toBeUndefined();
    }
  });

  it('Rust: // on the line above; an empty reason after the colon does not count', () => {
    expect(at('src/main.rs', 7)?.suppressed).toBe(true);
    expect(at('src/main.rs', 8)?.suppressed).toBeUndefined();
  });

  it('Python: # at the end of the line; a comment above without a reason or without ids does not suppress', () => {
    expect(at('app.py', 8)?.justification).toBe('the worker only prints');
    expect(at('app.py', 10)?.suppressed).toBeUndefined();
    expect(at('app.py', 12)?.suppressed).toBeUndefined();
  });

  it('JavaScript: /* */ before code covers its line; a trailing comment does not reach the next line', () => {
    expect(at('server.js', 4)?.justification).toBe('worker.js never reads process.env');
    expect(at('server.js', 6)?.suppressed).toBe(true);
    expect(at('server.js', 7)?.suppressed).toBe(true);
    expect(at('server.js', 8)?.suppressed).toBeUndefined();
  });

  it('reports each unusable comment as an invalid-suppression note with a clear message', () => {
    const invalid = findings.filter((f) => f.ruleId === 'invalid-suppression').map((f) => `${f.file}:${f.line} ${f.level} ${f.message}`);
    expect(invalid).toEqual([
      `app.py:9 note envrace-ignore[${RULE}] has no reason, so it suppresses nothing: say why the code is safe after a colon (envrace-ignore[${RULE}]: reason)`,
      'app.py:11 note envrace-ignore names no rule, so it suppresses nothing: write the rule ids in brackets and a reason after a colon (envrace-ignore[env-mutation-after-thread-spawn]: why this is safe)',
      `clean.py:1 note envrace-ignore[${RULE}] has no reason, so it suppresses nothing: say why the code is safe after a colon (envrace-ignore[${RULE}]: reason)`,
      `main.c:12 note envrace-ignore[${RULE}] has no reason, so it suppresses nothing: say why the code is safe after a colon (envrace-ignore[${RULE}]: reason)`,
      expect.stringMatching(/^main\.c:13 note envrace-ignore\[env-race, env-mutation-after-thread-spawn\] names an unknown rule 'env-race' \(run `envrace rules` for the ids: env-mutating-public-api, /),
      `src/main.rs:8 note envrace-ignore[${RULE}] has no reason, so it suppresses nothing: say why the code is safe after a colon (envrace-ignore[${RULE}]: reason)`,
    ]);
  });
});

describe('reports and exit status', () => {
  it('text leaves suppressed results out and counts them in the summary', () => {
    const run = runCli(['scan', '.'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(/^main\.c:9:/m);
    expect(run.stdout).toMatch(/^main\.c:12:5: error env-mutation-after-thread-spawn:/m);
    expect(run.stdout).toMatch(/^envrace: 7 errors, 0 warnings, 6 notes in 5 files analyzed; 8 suppressed$/m);
  });

  it('SARIF keeps suppressed results with an inSource suppression and stays schema-valid', () => {
    const run = runCli(['scan', '.', '-f', 'sarif'], { cwd: dir });
    const log = JSON.parse(run.stdout) as Sarif.Log;
    const results = log.runs[0]!.results!;
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(8);
    const first = results.find((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'main.c' && r.locations![0]!.physicalLocation!.region!.startLine === 9)!;
    expect(first.suppressions).toEqual([{ kind: 'inSource', justification: 'idle() never reads the environment' }]);
    expect(log.runs[0]!.tool.driver.rules!.map((rule) => rule.id)).toContain('invalid-suppression');
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('suppressed results do not count for the exit status; invalid-suppression can be switched off', () => {
    const quiet = project('all-suppressed', {
      'envrace.config.json': JSON.stringify({ rules: { 'invalid-suppression': 'off' } }),
      'main.c': FILES['main.c'].split('\n').filter((line) => !/setenv\("[CDEF]"/.test(line)).join('\n'),
      'clean.py': FILES['clean.py'],
    });
    const run = runCli(['scan', '.', '--fail-on', 'note'], { cwd: quiet });
    expect(run.stdout).toBe('envrace: 0 errors, 0 warnings, 0 notes in 2 files analyzed; 2 suppressed\n');
    expect(run.status).toBe(0);
  });
});

describe('directive parsing', () => {
  it('finds directives after comment openers only and knows what line they cover', () => {
    const text = [
      'x = "envrace-ignore[a]: b"',
      '    # envrace-ignore[a, b]: reason: with colon',
      'call()  # envrace-ignore[a]:   spaced   ',
      'my-envrace-ignore[a]: no',
    ].join('\n');
    const directives = findDirectives(text, 'python');
    expect(directives.map((d) => [d.span.line, d.ruleIds, d.reason, d.standalone, coveredLine(d)])).toEqual([
      [1, ['a', 'b'], 'reason: with colon', true, 2],
      [2, ['a'], 'spaced', false, 2],
    ]);
    const c = findDirectives(' * envrace-ignore[a]: in a block comment */\nf(); /* envrace-ignore[a]: r */ g();', 'c');
    expect(c.map((d) => [d.span.line, d.reason, d.standalone])).toEqual([
      [0, 'in a block comment', true],
      [1, 'r', false],
    ]);
    expect(findDirectives('// envrace-ignore[a]: # not python', 'python')).toEqual([]);
  });
});
