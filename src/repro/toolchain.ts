// Which compiler builds the reproducer and what runs the result: the host's `$CC` (else `cc`), or for
// `--target aarch64` on a non-ARM host, Debian's cross compiler plus qemu-user.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export type TargetName = 'host' | 'aarch64';
export const TARGETS: readonly TargetName[] = ['host', 'aarch64'];

/** Debian/Ubuntu packages that provide the aarch64 cross toolchain and emulator, in the order apt takes them. */
export const AARCH64_PACKAGES: readonly string[] = ['gcc-aarch64-linux-gnu', 'libc6-dev-arm64-cross', 'qemu-user-static'];
export const AARCH64_SYSROOT = '/usr/aarch64-linux-gnu';

export interface Toolchain {
  target: TargetName;
  /** Compiler command and its leading arguments (`$CC` may carry flags, e.g. `ccache gcc` or `clang -m64`). */
  compiler: string[];
  /** The environment variable or default the compiler came from, for messages. */
  compilerSource: string;
  /** Command prefix that runs the built program (an emulator), empty to run it directly. */
  runner: string[];
  /** Set when the program runs under an emulator: passed to the program so its verdict says so. */
  emulatedBy?: string;
}

export class ToolchainError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

/** Finds an executable the way a shell would (absolute or relative paths as given, bare names along PATH). */
export function findExecutable(name: string, env: Env = process.env): string | undefined {
  const executable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return executable(name) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

function splitCommand(value: string): string[] {
  return value.trim().split(/\s+/).filter((part) => part.length > 0);
}

function hostIsAarch64(): boolean {
  return process.arch === 'arm64';
}

export function resolveToolchain(target: TargetName, env: Env = process.env): Toolchain {
  if (target === 'host' || (target === 'aarch64' && hostIsAarch64())) {
    const fromEnv = env.CC !== undefined && env.CC.trim() !== '';
    const compiler = fromEnv ? splitCommand(env.CC as string) : ['cc'];
    const first = compiler[0] as string;
    if (!findExecutable(first, env)) {
      throw new ToolchainError(
        fromEnv
          ? `the C compiler from $CC (${env.CC}) was not found: set CC to an installed compiler, or unset it to use cc`
          : 'no C compiler (cc) was found: install one (Debian/Ubuntu: apt-get install gcc libc6-dev; Alpine: apk add build-base; macOS: xcode-select --install) or point $CC at one',
      );
    }
    return { target, compiler, compilerSource: fromEnv ? '$CC' : 'cc', runner: [] };
  }

  const missing: string[] = [];
  const cross = findExecutable('aarch64-linux-gnu-gcc', env);
  if (!cross) missing.push('aarch64-linux-gnu-gcc (package gcc-aarch64-linux-gnu)');
  if (!existsSync(join(AARCH64_SYSROOT, 'lib', 'libc.so.6')) && !existsSync(join(AARCH64_SYSROOT, 'lib', 'libc.a'))) {
    missing.push(`the arm64 C library in ${AARCH64_SYSROOT} (package libc6-dev-arm64-cross)`);
  }
  // Debian 12 installs only the -static name; newer releases add the plain one.
  const emulatorName = ['qemu-aarch64', 'qemu-aarch64-static'].find((name) => findExecutable(name, env));
  if (!emulatorName) missing.push('qemu-aarch64 or qemu-aarch64-static (package qemu-user-static)');
  if (missing.length > 0 || !cross || !emulatorName) {
    throw new ToolchainError(
      [
        '--target aarch64 needs a cross compiler and an emulator, and this machine is missing:',
        ...missing.map((item) => `  - ${item}`),
        'On Debian or Ubuntu, install them with:',
        `  sudo apt-get install ${AARCH64_PACKAGES.join(' ')}`,
        'Or copy the source to a real ARM64 machine (envrace repro --emit-c envrace-repro.c) and build it there;',
        'emulation is not real ARM timing, so a verdict from real hardware is the one to trust.',
      ].join('\n'),
    );
  }
  return {
    target,
    compiler: [cross],
    compilerSource: 'aarch64-linux-gnu-gcc',
    runner: [findExecutable(emulatorName, env) as string, '-L', AARCH64_SYSROOT],
    emulatedBy: emulatorName,
  };
}

export interface CompilerIdentity {
  /** First line of `--version`, e.g. "cc (Debian 12.2.0-14+deb12u1) 12.2.0". */
  version: string;
  /** `-dumpmachine`, e.g. "x86_64-linux-gnu" (empty when the compiler does not support it). */
  machine: string;
  /** Resolved path of the compiler executable. */
  path: string;
}

/** Asks the compiler who it is; that, with the source hash, keys the binary cache. */
export function identifyCompiler(toolchain: Toolchain, env: Env = process.env): CompilerIdentity {
  const [command, ...prefix] = toolchain.compiler as [string, ...string[]];
  const path = findExecutable(command, env) ?? command;
  const run = (flag: string): string => {
    const result = spawnSync(command, [...prefix, flag], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 30_000 });
    if (result.error || result.status !== 0) return '';
    return (result.stdout || result.stderr || '').split('\n')[0]?.trim() ?? '';
  };
  const version = run('--version');
  if (!version) {
    throw new ToolchainError(`the C compiler ${toolchain.compiler.join(' ')} (${toolchain.compilerSource}) does not run (\`${command} --version\` failed)`);
  }
  return { version, machine: run('-dumpmachine'), path: isAbsolute(path) ? path : join(process.cwd(), path) };
}
