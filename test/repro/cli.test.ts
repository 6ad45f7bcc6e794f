// `envrace repro` as a user runs it: compiler selection ($CC), the binary cache, exit statuses, targets.
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envraceCacheDir } from '../../src/util/cacheDir.js';
import { AARCH64_PACKAGES, findExecutable } from '../../src/repro/toolchain.ts';
import type { ReproVerdict } from '../../src/repro/verdict.ts';
import { runCli } from '../support/cli.ts';
import { makeTestCache, verdictSchemaErrors, type TestCache } from './helpers.ts';

let cache: TestCache;

beforeAll(() => {
  cache = makeTestCache();
});
afterAll(() => cache.cleanup());

describe('envrace repro', () => {
  it('compiles once into the cache, then reuses the binary', () => {
    const first = runCli(['repro', '--mode', 'getenv', '--seconds', '15'], { env: cache.env });
    expect(first.status, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/compiled the reproducer with .*cached at /);
    expect(first.stdout).toMatch(/^envrace repro: CONFIRMED/);
    expect(first.stdout).toMatch(/getenv +confirmed +SIGSEGV in getenv/);
    const dir = path.join(cache.dir, 'envrace', 'repro');
    const binaries = readdirSync(dir);
    expect(binaries).toHaveLength(1);
    expect(binaries[0]).toMatch(/^envrace-repro-host-[0-9a-f]{16}$/);
    const mtime = statSync(path.join(dir, binaries[0] as string)).mtimeMs;

    const second = runCli(['repro', '--mode', 'getenv', '--seconds', '15', '--format', 'json'], { env: cache.env });
    expect(second.status, second.stderr).toBe(1);
    expect(second.stderr).not.toMatch(/compiled/);
    expect(statSync(path.join(dir, binaries[0] as string)).mtimeMs).toBe(mtime);
    const verdict = JSON.parse(second.stdout) as ReproVerdict;
    expect(verdictSchemaErrors(verdict)).toBe('');
    expect(verdict.verdict).toBe('confirmed');
  });

  it('honours $CC, and a different compiler gets its own cached binary', () => {
    // Same compiler through another path: a distinct cache key, since the key includes the compiler's path.
    const bin = path.join(cache.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const alias = path.join(bin, 'my-cc');
    if (!existsSync(alias)) symlinkSync(findExecutable('cc') as string, alias);
    const run = runCli(['repro', '--mode', 'getenv', '--seconds', '15'], { env: { ...cache.env, CC: alias } });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/\(\$CC\)/);
    expect(readdirSync(path.join(cache.dir, 'envrace', 'repro'))).toHaveLength(2);
  });

  it('a missing $CC compiler is an error (exit 2) that names it', () => {
    const run = runCli(['repro'], { env: { ...cache.env, CC: '/nonexistent/cc' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/\$CC \(\/nonexistent\/cc\) was not found/);
  });

  it('bad options give a usage message and exit 2', () => {
    for (const args of [['--mode', 'sideways'], ['--var', 'NOT=OK'], ['--output', 'x.sarif']]) {
      const run = runCli(['repro', ...args], { env: cache.env });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.length).toBeGreaterThan(0);
    }
  });

  it('exits 3 on an inconclusive run and 0 on a clean control run', () => {
    const inconclusive = runCli(['repro', '--writer', 'overwrite', '--mode', 'getenv', '--seconds', '0.3'], { env: cache.env });
    expect(inconclusive.status).toBe(3);
    expect(inconclusive.stdout).toMatch(/^envrace repro: INCONCLUSIVE/);
    const control = runCli(['repro', '--control', '--mode', 'getenv', '--trials', '50'], { env: cache.env });
    expect(control.status).toBe(0);
    expect(control.stdout).toMatch(/NOT REPRODUCED \(control run, as expected\)/);
  });

  it('uses $XDG_CACHE_HOME/envrace, else ~/.cache/envrace', () => {
    expect(envraceCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/envrace');
    expect(envraceCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/envrace');
    expect(envraceCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/envrace');
  });
});

const nativeArm = process.arch === 'arm64';
if (nativeArm) console.warn('SKIPPED: the missing-tools message of --target aarch64 (this host is arm64 and builds natively)');

describe('--target aarch64 without the tools', () => {
  it.skipIf(nativeArm)('says exactly which Debian packages to install and exits 2', () => {
    // An empty PATH: no cross compiler, no qemu (the CLI itself is started through node's absolute path).
    const emptyBin = path.join(cache.dir, 'empty-bin');
    mkdirSync(emptyBin, { recursive: true });
    const run = runCli(['repro', '--target', 'aarch64'], { env: { ...cache.env, PATH: emptyBin } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`apt-get install ${AARCH64_PACKAGES.join(' ')}`);
    expect(AARCH64_PACKAGES.join(' ')).toBe('gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static');
    expect(run.stderr).toMatch(/aarch64-linux-gnu-gcc/);
    expect(run.stderr).toMatch(/qemu-aarch64/);
    expect(run.stderr).toMatch(/not real ARM timing/);
  });
});
