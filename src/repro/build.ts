// Compiles the reproducer once per (source, compiler, target) and keeps the binary in the user's cache
// directory: $XDG_CACHE_HOME/envrace, else ~/.cache/envrace.
import { spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envraceCacheDir } from '../util/cacheDir.js';
import { readReproSource } from './source.ts';
import { identifyCompiler, type CompilerIdentity, type Toolchain, ToolchainError } from './toolchain.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The flags the README and the emitted header promise: C11, optimised, pthreads, nothing else. */
export const COMPILE_FLAGS: readonly string[] = ['-std=c11', '-O2', '-pthread'];


export interface BuiltReproducer {
  /** Path of the compiled program. */
  binary: string;
  /** Whether this call compiled it (false: taken from the cache). */
  compiled: boolean;
  compiler: CompilerIdentity;
  toolchain: Toolchain;
  sourceSha256: string;
  /** Hash of everything that decides the binary: source, compiler identity and flags, target. */
  key: string;
}

export interface BuildOptions {
  env?: Env;
  /** Recompile even when a cached binary exists. */
  rebuild?: boolean;
}

export function buildReproducer(toolchain: Toolchain, options: BuildOptions = {}): BuiltReproducer {
  const env = options.env ?? process.env;
  const source = readReproSource();
  const compiler = identifyCompiler(toolchain, env);
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        source: source.sha256,
        compiler: toolchain.compiler,
        path: compiler.path,
        version: compiler.version,
        machine: compiler.machine,
        flags: COMPILE_FLAGS,
        target: toolchain.target,
      }),
    )
    .digest('hex');
  const dir = join(envraceCacheDir(env), 'repro');
  const binary = join(dir, `envrace-repro-${toolchain.target}-${key.slice(0, 16)}`);
  const result = { binary, compiler, toolchain, sourceSha256: source.sha256, key };
  if (!options.rebuild && existsSync(binary)) return { ...result, compiled: false };

  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ToolchainError(
      `cannot create the reproducer cache ${dir} (${error instanceof Error ? error.message : String(error)}): set XDG_CACHE_HOME to a writable directory`,
    );
  }
  // Build under unique names and rename into place: concurrent runs never see a half-written binary.
  const stem = join(dir, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  const sourcePath = `${stem}.c`;
  const output = `${stem}.out`;
  try {
    writeFileSync(sourcePath, source.text);
    const [command, ...prefix] = toolchain.compiler as [string, ...string[]];
    const run = spawnSync(command, [...prefix, ...COMPILE_FLAGS, '-o', output, sourcePath], {
      encoding: 'utf8',
      env: env as NodeJS.ProcessEnv,
      timeout: 120_000,
    });
    if (run.error || run.status !== 0) {
      const detail = (run.stderr || run.stdout || (run.error ? run.error.message : '')).trim();
      throw new ToolchainError(
        `compiling the reproducer with ${toolchain.compiler.join(' ')} failed${detail ? `:\n${detail}` : ''}`,
      );
    }
    chmodSync(output, 0o755);
    renameSync(output, binary);
  } finally {
    rmSync(sourcePath, { force: true });
    rmSync(output, { force: true });
  }
  return { ...result, compiled: true };
}
