// `--target aarch64` for real: cross-compiled with aarch64-linux-gnu-gcc and run under qemu-user.
// Needs gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user-static; skipped (loudly) without them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveToolchain, ToolchainError } from '../../src/repro/toolchain.ts';
import type { ReproVerdict } from '../../src/repro/verdict.ts';
import { runCli } from '../support/cli.ts';
import { makeTestCache, verdictSchemaErrors, type TestCache } from './helpers.ts';

function missingTools(): string | undefined {
  if (process.arch === 'arm64') return 'this host is arm64: --target aarch64 builds natively and is covered by the host tests';
  try {
    resolveToolchain('aarch64');
    return undefined;
  } catch (error) {
    if (error instanceof ToolchainError) return error.message.split('\n').slice(0, 4).join(' ');
    throw error;
  }
}

const skipReason = missingTools();
if (skipReason) console.warn(`SKIPPED: --target aarch64 end-to-end test: ${skipReason}`);

let cache: TestCache;
beforeAll(() => {
  cache = makeTestCache();
});
afterAll(() => cache.cleanup());

describe('--target aarch64 under qemu-user', () => {
  it.skipIf(skipReason !== undefined)('cross-compiles, runs under the emulator and says the timing is not real ARM timing', () => {
    const run = runCli(['repro', '--target', 'aarch64', '--mode', 'getenv', '--seconds', '20', '--format', 'json'], { env: cache.env });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/compiled the reproducer with .*aarch64-linux-gnu-gcc/);
    expect(run.stderr).toMatch(/under qemu-aarch64(-static)?; emulation is not real ARM timing/);
    const verdict = JSON.parse(run.stdout) as ReproVerdict;
    expect(verdictSchemaErrors(verdict)).toBe('');
    expect(verdict.verdict).toBe('confirmed');
    expect(verdict.system.arch).toBe('aarch64');
    expect(verdict.system.emulatedBy).toMatch(/^qemu-aarch64/);
    expect(verdict.notes.join(' ')).toMatch(/emulator has neither the target's timing nor its memory model/);
    expect(verdict.runs[0]?.failure?.signalName).toBe('SIGSEGV');
  });
});
