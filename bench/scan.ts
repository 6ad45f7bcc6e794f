/**
 * `npm run bench`: wall time (median of N runs) and peak RSS of envrace on real trees, next to
 * `grep -rl` over the same tree as the reference for "the speed of reading the bytes", and of the
 * pre-commit hook in a generated 10,000-file project. Prints a table and writes bench-results/scan.json.
 * A benchmark, not a test: it asserts nothing.
 *
 * Environment: BENCH_RUNS (5), BENCH_STDLIB_RUNS, BENCH_PRECOMMIT_RUNS (8), BENCH_EXHAUSTIVE=0, and
 * BENCH_ONLY, a comma-separated selection of precommit, examples, stdlib, cargo, npm (default: all).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendFunction, writePrecommitProject } from './precommitProject.ts';

const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const cli = path.join(repoRoot, 'bin/envrace.js');
const runs = Number(process.env.BENCH_RUNS ?? 5);
/** The 13,000-file Python tree is slow while the prefilter follows too many names there (see README, Speed). */
const stdlibRuns = Number(process.env.BENCH_STDLIB_RUNS ?? runs);
/** Two edits per language of the generated project. */
const precommitRuns = Number(process.env.BENCH_PRECOMMIT_RUNS ?? 8);
const TREES = ['precommit', 'examples', 'stdlib', 'cargo', 'npm'];
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((tree) => tree.trim()) : TREES;
const unknown = only.filter((tree) => !TREES.includes(tree));
if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')} (known: ${TREES.join(', ')})`);
const selected = (tree: string): boolean => only.includes(tree);

interface Measurement {
  wallSeconds: number;
  maxRssMb: number;
  status: number;
  summary: string;
}

/** Runs a command under /usr/bin/time for its wall time and peak RSS. */
function measure(command: string, args: readonly string[], cwd = repoRoot, env: NodeJS.ProcessEnv = {}): Measurement {
  const result = spawnSync('/usr/bin/time', ['-f', '@@time %e %M', command, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    maxBuffer: 512 * 1024 * 1024,
  });
  const timing = /@@time ([\d.]+) (\d+)/.exec(result.stderr ?? '');
  // The summary line goes to stderr, except after a text report on stdout.
  const summary = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').find((line) => /^envrace: \d+ errors?, /.test(line)) ?? '';
  return { wallSeconds: Number(timing?.[1] ?? NaN), maxRssMb: Math.round(Number(timing?.[2] ?? 0) / 1024), status: result.status ?? -1, summary };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Row {
  tree: string;
  mode: string;
  runs: number;
  medianSeconds: number;
  worstSeconds: number;
  peakRssMb: number;
  summary: string;
  /** Every run's wall time, in order. */
  wallSeconds: number[];
}

const rows: Row[] = [];

/** A row of `count` runs; its summary is the last run's, or `summaryRun`'s where the runs print none (--quiet). */
function bench(tree: string, mode: string, count: number, run: (index: number) => Measurement, summaryRun?: () => Measurement): void {
  const measurements = Array.from({ length: count }, (_, index) => run(index));
  const row: Row = {
    tree,
    mode,
    runs: count,
    medianSeconds: median(measurements.map((m) => m.wallSeconds)),
    worstSeconds: Math.max(...measurements.map((m) => m.wallSeconds)),
    peakRssMb: Math.max(...measurements.map((m) => m.maxRssMb)),
    summary: (summaryRun ?? (() => measurements[measurements.length - 1]!))().summary.replace(/^envrace: /, ''),
    wallSeconds: measurements.map((m) => m.wallSeconds),
  };
  rows.push(row);
  process.stdout.write(`${tree.padEnd(28)} ${mode.padEnd(26)} median ${row.medianSeconds.toFixed(2)} s  worst ${row.worstSeconds.toFixed(2)} s  rss ${row.peakRssMb} MB  ${row.summary}\n`);
}

const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'envrace-bench-cache-'));
/** Empties the fact cache and the text index (the bundled CLI stays): the next run starts cold. */
const emptyCache = (): void => {
  for (const dir of ['facts', 'text']) rmSync(path.join(cacheHome, 'envrace', dir), { recursive: true, force: true });
};
const scanArgs = (target: string, extra: string[] = []): string[] => [cli, 'scan', target, '--fail-on', 'none', '-f', 'json', '-o', '/dev/null', ...extra];
// The first run after a source change bundles the CLI into the cache (src/startup/bundle.js): not part of any row.
spawnSync('node', [cli, '--version'], { env: { ...process.env, XDG_CACHE_HOME: cacheHome } });

// 1. What the pre-commit hook runs after one file of a 10,000-file project was edited, warm cache.
if (selected('precommit')) {
  const project = mkdtempSync(path.join(os.tmpdir(), 'envrace-bench-precommit-'));
  const generated = writePrecommitProject(project);
  const tree = `generated (${generated.files.toLocaleString('en-US')} files)`;
  const env = { XDG_CACHE_HOME: cacheHome };
  // The cold run fills the fact cache that the warm runs then read.
  bench(tree, 'scan, cold cache', 1, () => measure('node', [cli, 'scan', '--fail-on', 'none', '-f', 'json', '-o', '/dev/null'], project, env));
  bench(tree, 'scan, warm cache', 1, () => measure('node', [cli, 'scan', '--fail-on', 'none', '-f', 'json', '-o', '/dev/null'], project, env));
  // What any Node program pays before its first line here (NODE_EXTRA_CA_CERTS, if set, is read at startup).
  bench(tree, 'node -e 0 (reference)', runs, () => measure('node', ['-e', '0'], project, env));
  // The hook's entry (.pre-commit-hooks.yaml) with the edited file, from the project root, as pre-commit runs it.
  const hook = (file: string, quiet = true): string[] => [cli, 'scan', ...(quiet ? ['--quiet'] : []), '--format', 'text', '--only', file];
  const edited = (index: number): string => generated.ordinary[index % generated.ordinary.length]!;
  bench(
    tree,
    'pre-commit: 1 file edited',
    precommitRuns,
    (index) => {
      appendFunction(project, edited(index), index);
      return measure('node', hook(edited(index)), project, env);
    },
    () => measure('node', hook(edited(precommitRuns - 1), false), project, env),
  );
  rmSync(project, { recursive: true, force: true });
}

// 2. The project's own examples.
if (selected('examples')) {
  const scan = (): Measurement => measure('node', scanArgs('examples'), repoRoot, { XDG_CACHE_HOME: cacheHome });
  bench('examples/', 'scan, cold cache', runs, () => {
    emptyCache();
    return scan();
  });
  bench('examples/', 'scan, warm cache', runs, scan);
}

// 3. The Python standard library of the machine's python3 (13,000 files, 161 MB).
const stdlib = selected('stdlib') ? spawnSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).stdout.trim() : '';
if (stdlib && existsSync(stdlib)) {
  bench('python stdlib', 'grep -rl (reference)', runs, () =>
    measure('grep', ['-rlE', '--include=*.py', 'environ|putenv|unsetenv|Thread|ThreadPool|start_new_thread|to_thread|run_in_executor', stdlib]),
  );
  if (stdlibRuns > 0) {
    // The cold run fills the cache that the warm runs then read.
    bench('python stdlib', 'scan, cold cache', 1, () => {
      emptyCache();
      return measure('node', scanArgs(stdlib, ['--root', stdlib]), repoRoot, { XDG_CACHE_HOME: cacheHome });
    });
    bench('python stdlib', 'scan, warm cache', stdlibRuns, () => measure('node', scanArgs(stdlib, ['--root', stdlib]), repoRoot, { XDG_CACHE_HOME: cacheHome }));
  }
  if (stdlibRuns > 0 && process.env.BENCH_EXHAUSTIVE !== '0') {
    bench('python stdlib', 'scan --exhaustive', 1, () => measure('node', scanArgs(stdlib, ['--root', stdlib, '--exhaustive']), repoRoot, { XDG_CACHE_HOME: cacheHome }));
  }
}

// 4. The EdgeDB-shaped Cargo audit against Debian's crate registry.
const cargoExample = path.join(repoRoot, 'examples/audit-edgedb-cargo');
if (selected('cargo') && existsSync('/usr/share/cargo/registry/openssl-probe-0.1.2')) {
  bench('cargo edgedb-shaped', 'cargo metadata alone', runs, () => measure('cargo', ['metadata', '--format-version', '1', '--offline'], cargoExample));
  const audit = (): Measurement => measure('node', [cli, 'audit', cargoExample, '--offline', '--fail-on', 'none', '-f', 'json', '-o', '/dev/null'], repoRoot, { XDG_CACHE_HOME: cacheHome });
  bench('cargo edgedb-shaped', 'audit, cold cache', runs, () => {
    emptyCache();
    return audit();
  });
  bench('cargo edgedb-shaped', 'audit, warm cache', runs, audit);
} else if (selected('cargo')) {
  process.stdout.write('cargo edgedb-shaped: skipped (apt-get install librust-reqwest-dev librust-native-tls-dev librust-openssl-probe-dev librust-tokio-dev)\n');
}

// 5. A node_modules of popular packages, installed from the npm registry into a temporary project.
if (selected('npm')) {
  const npmProject = mkdtempSync(path.join(os.tmpdir(), 'envrace-bench-npm-'));
  writeFileSync(path.join(npmProject, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', private: true }));
  const popular = ['express', 'axios', 'lodash', 'dotenv', 'commander', 'chalk', 'debug', 'yargs', 'ws', 'undici', 'pg', 'mysql2', 'redis', 'mongoose', 'jsonwebtoken', 'bcryptjs', 'uuid', 'dayjs', 'winston', 'pino', 'fastify', 'koa', 'socket.io', 'node-fetch', 'cross-env', 'glob', 'rimraf', 'semver', 'minimist', 'body-parser', 'cors', 'helmet', 'morgan', 'multer', 'nodemailer', 'sharp'];
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...popular], { cwd: npmProject, encoding: 'utf8' });
  if (install.status === 0) {
    writeFileSync(path.join(npmProject, 'server.js'), "const http = require('http');\nrequire('dotenv').config();\nhttp.createServer((q, s) => s.end('ok')).listen(8080, '127.0.0.1');\n");
    bench(`node_modules (${popular.length} pkgs)`, 'grep -rl (reference)', runs, () => measure('grep', ['-rlE', '--include=*.js', 'process\\.env|Worker|fetch|lookup', path.join(npmProject, 'node_modules')]));
    const audit = (): Measurement => measure('node', [cli, 'audit', npmProject, '--fail-on', 'none', '-f', 'json', '-o', '/dev/null'], repoRoot, { XDG_CACHE_HOME: cacheHome });
    bench(`node_modules (${popular.length} pkgs)`, 'audit, cold cache', runs, () => {
      emptyCache();
      return audit();
    });
    bench(`node_modules (${popular.length} pkgs)`, 'audit, warm cache', runs, audit);
  } else {
    process.stdout.write(`node_modules: skipped (npm install failed: ${(install.stderr ?? '').split('\n')[0]})\n`);
  }
}

mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
const report = { machine: { cpus: os.cpus().length, arch: os.arch(), node: process.version, loadavg: os.loadavg() }, only, rows };
writeFileSync(path.join(repoRoot, 'bench-results/scan.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write('wrote bench-results/scan.json\n');
