import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliRun } from './support/cli.ts';

/**
 * Every kind of bad input gets one clear line naming the file and the reason, and the scan goes
 * on: the racy file in the same tree is still reported (exit 1).
 */
const RACE = `#include <pthread.h>
#include <stdlib.h>
static void *worker(void *arg) { (void)arg; return getenv("HOME"); }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  setenv("LATE", "1", 1);
  return 0;
}
`;

let tree = '';
let run: CliRun;

function lineAbout(file: string): string | undefined {
  return run.stderr.split('\n').find((line) => line.includes(` ${file}:`) || line.includes(` ${file}`));
}

beforeAll(() => {
  tree = mkdtempSync(path.join(os.tmpdir(), 'envrace-bad-'));
  writeFileSync(path.join(tree, 'race.c'), RACE);
  writeFileSync(path.join(tree, 'syntax.c'), `int main(void) {\n  pthread_t t;\n  pthread_create(&t, NULL, w, NULL);\n  int x = ;\n  setenv("AFTER_ERROR", "1", 1);\n}\n`);
  writeFileSync(path.join(tree, 'binary.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
  writeFileSync(path.join(tree, 'latin1.py'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nimport os\nos.environ["A"] = "1"\n')]));
  writeFileSync(path.join(tree, 'empty.rs'), '');
  writeFileSync(path.join(tree, 'huge.js'), `// generated\n${'const x = 1;\n'.repeat(420_000)}`);
  writeFileSync(path.join(tree, 'secret.py'), 'import os\n');
  chmodSync(path.join(tree, 'secret.py'), 0o000);
  mkdirSync(path.join(tree, 'nested'));
  symlinkSync('..', path.join(tree, 'nested', 'loop'));
  symlinkSync('cycle-b.c', path.join(tree, 'cycle-a.c'));
  symlinkSync('cycle-a.c', path.join(tree, 'cycle-b.c'));
  symlinkSync('does-not-exist.c', path.join(tree, 'dangling.c'));
  chmodSync(tree, 0o755);
  // Root reads any file through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH: without them in the bounding
  // set, the mode-000 file is really unreadable, while everything root owns (wherever the repository
  // was cloned, even below a 0700 folder) stays readable.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const result = spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, path.join(repoRoot, 'bin/envrace.js'), 'scan', '.'], {
      cwd: tree,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    run = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  } else {
    run = runCli(['scan', '.'], { cwd: tree });
  }
});

describe('bad input', () => {
  it('still reports the race in the good file (exit 1)', () => {
    expect(run.stdout + run.stderr).toMatch(/race\.c:7:3: error env-mutation-after-thread-spawn/);
    expect(run.status).toBe(1);
  });
  it('analyzes what parses in a file with a syntax error, and says so', () => {
    expect(run.stdout).toMatch(/syntax\.c:5:3: error env-mutation-after-thread-spawn/);
    expect(lineAbout('syntax.c')).toMatch(/^envrace: note: syntax\.c:4: syntax error/);
  });
  it('skips a binary file', () => {
    expect(lineAbout('binary.c')).toBe('envrace: skipped binary.c: binary file (contains NUL bytes)');
  });
  it('analyzes invalid UTF-8 with replacement characters and says where', () => {
    expect(lineAbout('latin1.py')).toMatch(/^envrace: note: latin1\.py: invalid UTF-8 at byte 5 \(0xe9\)/);
  });
  it('analyzes an empty file without a word (an empty __init__.py is ordinary)', () => {
    expect(lineAbout('empty.rs')).toBeUndefined();
  });
  it('skips a 5 MB file with the limit and the option to raise it', () => {
    expect(lineAbout('huge.js')).toMatch(/^envrace: skipped huge\.js: too large \(5\.\d MiB, the limit is 4\.0 MiB; raise it with --max-file-size\)$/);
  });
  it('skips an unreadable file', () => {
    expect(lineAbout('secret.py')).toBe('envrace: skipped secret.py: unreadable (permission denied)');
  });
  it('detects a directory symlink loop and a file symlink cycle', () => {
    expect(lineAbout('nested/loop')).toMatch(/symlink loop/);
    expect(lineAbout('cycle-a.c')).toMatch(/symlink loop/);
  });
  it('reports a broken symlink', () => {
    expect(lineAbout('dangling.c')).toMatch(/broken symlink/);
  });
  it('counts what it skipped in the summary line', () => {
    expect(run.stdout).toMatch(/envrace: 2 errors, 0 warnings, 0 notes in \d+ files analyzed; \d+ skipped \(/);
  });
});

describe('command line', () => {
  it('exits 2 with one line for a path that does not exist', () => {
    const missing = runCli(['scan', 'no/such/dir']);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('envrace: no/such/dir: no such file or directory');
  });
  it('exits 2 on an unknown option or format', () => {
    expect(runCli(['scan', '--frobnicate']).status).toBe(2);
    const badFormat = runCli(['scan', '--format', 'xml']);
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toMatch(/Allowed choices are text, json, sarif/);
  });
  it('explains every scan option with examples in --help', () => {
    const help = runCli(['scan', '--help']);
    expect(help.status).toBe(0);
    for (const option of ['--format', '--output', '--fail-on', '--root', '--max-file-size', '--category', '--quiet']) expect(help.stdout).toContain(option);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/Exit status:/);
  });
  it('maps --fail-on to the exit code', () => {
    expect(runCli(['scan', 'examples/c-system-race', '--fail-on', 'none', '-q']).status).toBe(0);
    expect(runCli(['scan', 'examples/c-system-race', '--fail-on', 'error', '-q']).status).toBe(1);
    expect(runCli(['scan', 'examples/safe-patterns', '--fail-on', 'note', '-q']).status).toBe(0);
  });
  it('writes --output atomically and leaves no temporary file behind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-out-'));
    const out = path.join(dir, 'report.json');
    const result = runCli(['scan', 'examples/c-system-race', '-f', 'json', '-o', out]);
    expect(result.status).toBe(1);
    const listing = spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listing).toEqual(['report.json']);
  });
});
