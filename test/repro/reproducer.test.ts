// The native reproducer, compiled and run for real (this machine: glibc < 2.41, where both modes must confirm).
// Budgets are generous ceilings; confirmed runs stop at the first failure, usually within milliseconds.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltReproducer } from '../../src/repro/build.ts';
import { reproduce, runReproducer } from '../../src/repro/run.ts';
import type { ReproVerdict } from '../../src/repro/verdict.ts';
import { buildFor, makeTestCache, verdictSchemaErrors, type TestCache } from './helpers.ts';

let cache: TestCache;
let built: BuiltReproducer;

beforeAll(() => {
  cache = makeTestCache();
  built = buildFor(cache);
});
afterAll(() => cache.cleanup());

function expectValid(verdict: ReproVerdict): void {
  expect(verdictSchemaErrors(verdict)).toBe('');
}

describe('exec mode', () => {
  it('confirms: a reader starting /bin/true fails with EFAULT or status 32512 while setenv moves environ', async () => {
    const verdict = await reproduce(built, { mode: 'exec', seconds: 15 }, cache.env);
    expectValid(verdict);
    expect(verdict.verdict).toBe('confirmed');
    expect(verdict.exitCode).toBe(1);
    const [run] = verdict.runs;
    expect(run?.mode).toBe('exec');
    expect(run?.environMoves).toBeGreaterThan(0);
    const failure = run?.failure;
    expect(failure).not.toBeNull();
    expect(['posix_spawn', 'system', 'vfork+execve']).toContain(failure?.api);
    // The execve race's two faces: EFAULT from the kernel, or a shell that could not start (exit 127).
    expect(failure?.errnoName === 'EFAULT' || failure?.status === 32512).toBe(true);
    expect(run?.timeToFirstFailureMs).toBeGreaterThan(0);
  });

  it('honours --api: only the chosen reader API runs', async () => {
    const verdict = await reproduce(built, { mode: 'exec', apis: ['system'], seconds: 15 }, cache.env);
    expectValid(verdict);
    expect(verdict.workload.execApis).toEqual(['system']);
    expect(verdict.runs[0]?.readers).toBe(1);
    expect(verdict.verdict).toBe('confirmed');
    expect(verdict.runs[0]?.failure).toMatchObject({ api: 'system', kind: 'status', status: 32512 });
  });
});

describe('getenv mode', () => {
  it('confirms: a reader walking the freed array faults with SIGSEGV and the address is reported', async () => {
    const verdict = await reproduce(built, { mode: 'getenv', seconds: 15, variables: ['SSL_CERT_FILE'] }, cache.env);
    expectValid(verdict);
    expect(verdict.verdict).toBe('confirmed');
    const [run] = verdict.runs;
    expect(run?.failure).toMatchObject({ kind: 'signal', signalName: 'SIGSEGV', api: 'getenv', thread: 'reader' });
    expect(run?.failure?.address).toMatch(/^0x[0-9a-f]+$/);
    expect(verdict.workload.variables).toEqual(['SSL_CERT_FILE']);
    // The shaping is reported: on glibc, the tcache fill so that free() overwrites the old array's terminator.
    expect(run?.shaping).toMatchObject({ requested: 'auto', strategy: 'tcache', nextAddMoves: true });
    expect(run?.shaping.tcacheChunks).toBeGreaterThan(0);
  });

  it('--keep-going counts failures over many trials instead of stopping at the first', async () => {
    const verdict = await reproduce(built, { mode: 'getenv', trials: 20, seconds: 20, keepGoing: true }, cache.env);
    expectValid(verdict);
    const [run] = verdict.runs;
    expect(run?.trials).toBe(20);
    expect(run?.failures).toBeGreaterThan(1);
  });
});

describe('control runs', () => {
  it('never confirm without the writer, over a few hundred trials of both modes', async () => {
    const getenv = await reproduce(built, { mode: 'getenv', control: true, trials: 300, seconds: 40 }, cache.env);
    const exec = await reproduce(built, { mode: 'exec', control: true, trials: 120, seconds: 40 }, cache.env);
    for (const verdict of [getenv, exec]) {
      expectValid(verdict);
      expect(verdict.control).toBe(true);
      expect(verdict.workload.writer).toBe('none');
      expect(verdict.verdict).toBe('not-reproduced');
      expect(verdict.runs[0]?.failures).toBe(0);
      expect(verdict.runs[0]?.environMoves).toBe(0);
      expect(verdict.notes.join(' ')).toMatch(/control run/);
    }
    expect(getenv.runs[0]?.trials).toBe(300);
    expect(exec.runs[0]?.trials).toBe(120);
  });
});

describe('inconclusive', () => {
  it('a writer that only overwrites existing names never moves environ: inconclusive (exit 3), not "not reproduced"', async () => {
    const result = await runReproducer(built, { writer: 'overwrite', seconds: 0.4, format: 'json' }, cache.env);
    expect(result.exitCode).toBe(3);
    const verdict = JSON.parse(result.stdout) as ReproVerdict;
    expectValid(verdict);
    expect(verdict.verdict).toBe('inconclusive');
    for (const run of verdict.runs) {
      expect(run.verdict).toBe('inconclusive');
      expect(run.environMoves).toBe(0);
      expect(run.environAdds).toBeGreaterThan(0);
      expect(run.trials).toBeGreaterThan(0);
    }
    expect(verdict.notes.join(' ')).toMatch(/never moved/);
  });
});

describe('the program itself', () => {
  it('prints a text verdict with the machine facts by default', async () => {
    const result = await runReproducer(built, { mode: 'getenv', seconds: 15 }, cache.env);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^envrace repro: CONFIRMED/);
    expect(result.stdout).toMatch(/^system: +\S+ \S+, \S+, \d+ CPUs, /m);
    expect(result.stdout).toMatch(/^allocator: malloc in .*; LD_PRELOAD (unset|.+); GLIBC_TUNABLES/m);
  });

  it('reports the allocator facts: LD_PRELOAD, where malloc resolves, GLIBC_TUNABLES', async () => {
    const env = { ...cache.env, GLIBC_TUNABLES: 'glibc.malloc.check=0' };
    const verdict = await reproduce(built, { mode: 'getenv', seconds: 15 }, env);
    expectValid(verdict);
    expect(verdict.system.allocator.glibcTunables).toBe('glibc.malloc.check=0');
    expect(verdict.system.allocator.mallocIn).toMatch(/libc/);
    expect(verdict.system.cpus).toBeGreaterThan(0);
    expect(verdict.system.kernel.length).toBeGreaterThan(0);
  });

  it('rejects bad options with a usage message and exit status 2', () => {
    for (const args of [['--bogus'], ['--mode', 'sideways'], ['--seconds', '-1'], ['--var', 'A=B'], ['--mode']]) {
      const result = spawnSync(built.binary, args, { encoding: 'utf8' });
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^envrace-repro: /);
      expect(result.stderr).toMatch(/usage: envrace-repro/);
      expect(result.stdout).toBe('');
    }
  });

  it('leaves no private temporary directory behind', async () => {
    const tmp = cache.dir;
    await reproduce(built, { mode: 'getenv', seconds: 15 }, { ...cache.env, TMPDIR: tmp });
    expect(readdirSync(tmp).filter((name) => name.startsWith('envrace-repro-'))).toEqual([]);
  });
});
