// Runs the compiled reproducer (directly, or under the target's emulator) and collects what it printed.
import { spawn } from 'node:child_process';
import type { BuiltReproducer } from './build.ts';
import { reproArgs, wallClockLimitMs, type ReproRunOptions } from './options.ts';
import { parseVerdict, type ReproVerdict } from './verdict.ts';

export interface ReproProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the outer watchdog had to kill the program (it enforces its own budget, so this means a bug or a stuck emulator). */
  killedAfterMs?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export function runReproducer(
  built: BuiltReproducer,
  options: ReproRunOptions,
  env: Env = process.env,
): Promise<ReproProcessResult> {
  const emulated = built.toolchain.emulatedBy;
  const args = reproArgs({ ...options, emulatedBy: options.emulatedBy ?? emulated });
  const [command, ...prefix] = built.toolchain.runner.length > 0 ? [...built.toolchain.runner, built.binary] : [built.binary];
  const limitMs = wallClockLimitMs(options) * (emulated ? 4 : 1);
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, [...prefix, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (killed) {
        resolve({ exitCode: 2, stdout, stderr: `${stderr}envrace: the reproducer did not finish within ${limitMs} ms and was killed\n`, killedAfterMs: limitMs });
      } else if (code === null) {
        resolve({ exitCode: 2, stdout, stderr: `${stderr}envrace: the reproducer was killed by ${signal ?? 'a signal'}\n` });
      } else {
        resolve({ exitCode: code, stdout, stderr });
      }
    });
  });
}

/** Runs with `--format json` and returns the parsed verdict (the `--from` path and the benchmark use this). */
export async function reproduce(built: BuiltReproducer, options: ReproRunOptions, env: Env = process.env): Promise<ReproVerdict> {
  const result = await runReproducer(built, { ...options, format: 'json' }, env);
  if (result.exitCode === 2 && !result.stdout.trim()) {
    throw new Error(`the reproducer failed: ${result.stderr.trim() || 'exit status 2'}`);
  }
  return parseVerdict(result.stdout);
}
