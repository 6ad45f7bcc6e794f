import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleKey } from '../../src/startup/bundle.js';
import { repoRoot, runCli } from '../support/cli.ts';

/**
 * bin/envrace.js runs a bundle of src/ that it builds into the cache on the first run after a source
 * change (src/startup/bundle.js), and the sources through tsx where it cannot.
 */

const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
/** The CLI with its cache in `cacheHome`; the bundle is on unless `bundle` is false. */
const run = (cacheHome: string, args: string[], bundle = true) =>
  runCli(args, { env: { XDG_CACHE_HOME: cacheHome, ENVRACE_NO_BUNDLE: bundle ? '' : '1' } });
const bundles = (cacheHome: string): string[] => readdirSync(path.join(cacheHome, 'envrace', 'bundle'));

describe('the bundled CLI', () => {
  it('is built on the first run and imported as it is on the next', () => {
    const cacheHome = tempDir('envrace-bundle-');
    const first = run(cacheHome, ['--version']);
    expect(first.stdout.trim()).toBe(version);
    // One bundle, no temporary folder left behind.
    expect(bundles(cacheHome)).toHaveLength(1);
    const dir = path.join(cacheHome, 'envrace', 'bundle', bundles(cacheHome)[0]!);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['cli.cjs', 'extractWorker.cjs']));
    const built = statSync(path.join(dir, 'cli.cjs'));

    const second = run(cacheHome, ['--version']);
    expect(second.stdout.trim()).toBe(version);
    const reused = statSync(path.join(dir, 'cli.cjs'));
    expect([reused.ino, reused.mtimeMs]).toEqual([built.ino, built.mtimeMs]);
    expect(bundles(cacheHome)).toHaveLength(1);

    // V8's code cache of the bundle sits beside it; one that does not fit (here: garbage) is rejected and rewritten.
    const codeCache = path.join(dir, 'cli.cjs.v8-cache');
    expect(statSync(codeCache).size).toBeGreaterThan(0);
    writeFileSync(codeCache, 'not a code cache');
    expect(run(cacheHome, ['--version']).stdout.trim()).toBe(version);
    expect(readFileSync(codeCache, 'utf8')).not.toBe('not a code cache');
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
    // `--version` compiles little: a scan, compiling much more, replaces that thin cache with a fuller one.
    const thin = statSync(codeCache).size;
    expect(run(cacheHome, ['scan', 'examples', '--no-cache', '--fail-on', 'none', '-f', 'json']).status).toBe(0);
    expect(statSync(codeCache).size).toBeGreaterThan(thin * 1.5);

    // What runs is the cached file itself, not a rebuild and not tsx...
    writeFileSync(path.join(dir, 'cli.cjs'), "exports.main = async function main() { process.stdout.write('the cached bundle\\n'); return 0; };\n");
    expect(run(cacheHome, ['--version']).stdout).toBe('the cached bundle\n');
    // ...unless ENVRACE_NO_BUNDLE asks for the sources through tsx.
    expect(run(cacheHome, ['--version'], false).stdout.trim()).toBe(version);
  });

  it('gives the same results as the sources through tsx, worker threads included', () => {
    const cacheHome = tempDir('envrace-bundle-');
    const examples = ['scan', 'examples', '-f', 'json', '--fail-on', 'none', '--no-cache'];
    const bundled = run(cacheHome, examples);
    const tsx = run(cacheHome, examples, false);
    expect(bundled.status).toBe(0);
    expect((JSON.parse(bundled.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(bundled.stdout).toBe(tsx.stdout);
    expect(bundled.stderr).toBe(tsx.stderr);

    // Enough files for worker threads (48): they run the bundled worker, marked here to tell.
    const dir = path.join(cacheHome, 'envrace', 'bundle', bundles(cacheHome)[0]!);
    const worker = path.join(dir, 'extractWorker.cjs');
    writeFileSync(worker, `process.stderr.write('bundled worker\\n');\n${readFileSync(worker, 'utf8')}`);
    const fixtures = ['scan', 'test/fixtures', '-f', 'json', '--fail-on', 'none', '--no-cache', '--exhaustive', '--jobs', '2'];
    const pooled = run(cacheHome, fixtures);
    const pooledTsx = run(cacheHome, fixtures, false);
    expect(pooled.stderr).toContain('bundled worker');
    expect(pooledTsx.stderr).not.toContain('bundled worker');
    expect(pooled.stdout).toBe(pooledTsx.stdout);
  });

  it('falls back to the sources through tsx where the cache cannot be written', () => {
    const parent = tempDir('envrace-bundle-');
    const notADirectory = path.join(parent, 'file');
    writeFileSync(notADirectory, '');
    const result = run(path.join(notADirectory, 'cache'), ['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
    expect(result.stderr).toBe('');
  });
});

describe('bundleKey', () => {
  const root = tempDir('envrace-bundle-key-');
  mkdirSync(path.join(root, 'src/sub'), { recursive: true });
  writeFileSync(path.join(root, 'src/cli.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'src/sub/b.ts'), 'export const b = 2;\n');
  writeFileSync(path.join(root, 'package.json'), '{"version": "1.0.0"}\n');
  const key = () => bundleKey(root, '0.28.2');

  it('stays the same while nothing changes', () => {
    expect(key()).toMatch(/^[0-9a-f]{32}$/);
    expect(key()).toBe(key());
  });

  it('changes with a source file, a new file, the manifest, a lockfile and the esbuild version', () => {
    const seen = new Set([key()]);
    const changed = (what: string): void => {
      const next = key();
      expect(seen.has(next), what).toBe(false);
      seen.add(next);
    };
    appendFileSync(path.join(root, 'src/sub/b.ts'), 'export const c = 3;\n');
    changed('a longer file');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'src/cli.ts'), later, later);
    changed('a newer file');
    writeFileSync(path.join(root, 'src/sub/new.ts'), '');
    changed('a new file');
    writeFileSync(path.join(root, 'package.json'), '{"version": "1.0.1"}\n');
    changed('the version');
    writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
    changed('a lockfile');
    expect(seen.has(bundleKey(root, '0.28.3'))).toBe(false);
  });
});
