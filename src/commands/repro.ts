// `envrace repro`: compile (once, cached) and run the native reproducer, which races setenv against readers in
// forked children and reports whether the hazard is real on this machine.
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { buildReproducer, type BuiltReproducer } from '../repro/build.ts';
import { isPlainVariableName, type ExecApi, type ReproRunOptions, type Shaping, type WriterKind } from '../repro/options.ts';
import { reproduce, runReproducer } from '../repro/run.ts';
import { readSarif, reproduceSarif, writeFileAtomic, REPRODUCIBLE_RULE, type SarifReproduction } from '../repro/sarif.ts';
import { emittedSource } from '../repro/source.ts';
import { resolveToolchain, TARGETS, type TargetName } from '../repro/toolchain.ts';
import { combineVerdicts, VERDICT_EXIT, type ReproMode, type ReproVerdict } from '../repro/verdict.ts';

const EXIT_ERROR = 2;

interface ReproCliOptions {
  mode?: ReproMode;
  control?: boolean;
  seconds?: number;
  trials?: number;
  trialMs?: number;
  keepGoing?: boolean;
  readers?: number;
  adds?: number;
  paceNs?: number;
  var?: string[];
  absent?: string;
  api?: ExecApi[];
  writer?: WriterKind;
  shape?: Shaping;
  format: 'text' | 'json';
  target: TargetName;
  emitC?: string;
  from?: string;
  output?: string;
  rebuild?: boolean;
}

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    return parsed;
  };
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(parsed > 0) || parsed > 3600) throw new InvalidArgumentError('expected seconds, more than 0 and at most 3600.');
  return parsed;
}

function variableName(value: string, previous: string[] | undefined): string[] {
  if (!isPlainVariableName(value)) throw new InvalidArgumentError('expected an environment variable name (letters, digits, _).');
  if ((previous ?? []).length >= 8) throw new InvalidArgumentError('at most 8 --var names.');
  return [...(previous ?? []), value];
}

function absentName(value: string): string {
  if (!isPlainVariableName(value)) throw new InvalidArgumentError('expected an environment variable name (letters, digits, _).');
  return value;
}

function execApis(value: string): ExecApi[] {
  const apis = value.split(',').map((part) => part.trim());
  for (const api of apis) {
    if (api !== 'posix_spawn' && api !== 'system' && api !== 'vfork') throw new InvalidArgumentError('expected a list of posix_spawn, system, vfork.');
  }
  return apis as ExecApi[];
}

function runOptions(options: ReproCliOptions): ReproRunOptions {
  return {
    mode: options.mode,
    control: options.control,
    seconds: options.seconds,
    trials: options.trials,
    trialMs: options.trialMs,
    keepGoing: options.keepGoing,
    readers: options.readers,
    adds: options.adds,
    paceNs: options.paceNs,
    variables: options.var,
    absent: options.absent,
    apis: options.api,
    writer: options.writer,
    shape: options.shape,
    format: options.format,
  };
}

function firstFailure(verdict: ReproVerdict): string {
  for (const run of verdict.runs) {
    if (run.failure) return `${run.failure.description} after ${run.timeToFirstFailureMs?.toFixed(2) ?? '?'} ms`;
  }
  const moves = verdict.runs.reduce((sum, run) => sum + run.environMoves, 0);
  const trials = verdict.runs.reduce((sum, run) => sum + run.trials, 0);
  return `${trials} trials, ${moves} environ moves`;
}

function renderSarifSummary(from: string, outcome: SarifReproduction, output: string | undefined): string {
  const verdict = combineVerdicts(outcome.findings.map((finding) => finding.verdict.verdict));
  const confirmed = outcome.findings.filter((finding) => finding.verdict.verdict === 'confirmed').length;
  const lines: string[] = [];
  if (outcome.findings.length === 0) {
    lines.push(`envrace repro: ${from} has no ${REPRODUCIBLE_RULE} results; nothing to reproduce`);
  } else {
    lines.push(
      `envrace repro: ${verdict.toUpperCase()}: ${confirmed} of ${outcome.findings.length} finding(s) confirmed (${outcome.reproductions} reproduction(s) run)`,
    );
    const width = Math.max(...outcome.findings.map((finding) => finding.location.length));
    for (const finding of outcome.findings) {
      const variable = finding.plan.variables[0] ?? '-';
      lines.push(
        `  ${finding.location.padEnd(width)}  ${variable.padEnd(16)} ${finding.plan.mode.padEnd(6)}  ${finding.verdict.verdict.padEnd(14)}  ${firstFailure(finding.verdict)}`,
      );
    }
    const system = outcome.findings[0]?.verdict.system;
    if (system) {
      lines.push(`system: ${system.libc.name} ${system.libc.version}, ${system.arch}, ${system.cpus} CPUs, ${system.os} ${system.kernel}`);
    }
    const notes = new Set(outcome.findings.flatMap((finding) => finding.verdict.notes));
    for (const note of notes) lines.push(`note: ${note}`);
  }
  if (outcome.skipped > 0) lines.push(`(${outcome.skipped} result(s) of other rules left as they were)`);
  if (output) lines.push(`wrote ${output}`);
  return `${lines.join('\n')}\n`;
}

async function runFromSarif(options: ReproCliOptions, built: BuiltReproducer): Promise<number> {
  const from = options.from as string;
  const log = readSarif(from);
  const outcome = await reproduceSarif(log, runOptions(options), (opts) => reproduce(built, opts));
  if (options.output) writeFileAtomic(options.output, `${JSON.stringify(outcome.log, null, 2)}\n`);
  const verdict = combineVerdicts(outcome.findings.map((finding) => finding.verdict.verdict));
  if (options.format === 'json') {
    const summary = {
      verdict,
      exitCode: VERDICT_EXIT[verdict],
      input: from,
      output: options.output ?? null,
      reproductions: outcome.reproductions,
      skipped: outcome.skipped,
      findings: outcome.findings.map((finding) => ({
        runIndex: finding.runIndex,
        resultIndex: finding.resultIndex,
        location: finding.location,
        mode: finding.plan.mode,
        variables: finding.plan.variables,
        apis: finding.plan.apis,
        reproduction: finding.verdict,
      })),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(renderSarifSummary(from, outcome, options.output));
  }
  return VERDICT_EXIT[verdict];
}

async function action(options: ReproCliOptions): Promise<number> {
  if (options.emitC) {
    const fileName = options.emitC === '-' ? 'envrace-repro.c' : options.emitC.split('/').pop() ?? 'envrace-repro.c';
    const text = emittedSource(fileName);
    if (options.emitC === '-') {
      process.stdout.write(text);
    } else {
      writeFileSync(options.emitC, text);
      process.stderr.write(`envrace: wrote ${options.emitC}; build and run it with: cc -O2 -pthread -o envrace-repro ${options.emitC} && ./envrace-repro\n`);
    }
    return 0;
  }
  if (options.output && !options.from) {
    process.stderr.write('envrace repro: --output needs --from (it writes the annotated copy of that SARIF log)\n');
    return EXIT_ERROR;
  }

  const toolchain = resolveToolchain(options.target);
  const built = buildReproducer(toolchain, { rebuild: options.rebuild });
  if (built.compiled) {
    process.stderr.write(`envrace: compiled the reproducer with ${built.compiler.version} (${toolchain.compilerSource}), cached at ${built.binary}\n`);
  }
  if (toolchain.emulatedBy) {
    process.stderr.write(`envrace: running the ${toolchain.target} build under ${toolchain.emulatedBy}; emulation is not real ARM timing\n`);
  }
  if (options.from) return runFromSarif(options, built);

  const result = await runReproducer(built, runOptions(options));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

export function registerReproCommand(program: Command, setResult: (exitCode: number) => void): void {
  program
    .command('repro')
    .summary('confirm the environment race on this machine with a native reproducer')
    .description(
      [
        'Compile (with $CC, else cc; cached by source hash and compiler) and run a C program that races setenv() of new names against reader threads, every trial in a forked child with a hard deadline, and report a verdict: confirmed, not-reproduced, inconclusive (the environ array never moved, so the race was not exercised) or error.',
        'Modes: exec (readers start /bin/true with posix_spawn, system and vfork+execve, which fail with EFAULT or status 32512), getenv (readers fault with SIGSEGV in getenv), auto (both). --control runs the same workload without the writer and must never confirm.',
        'Exit status: 0 not reproduced, 1 confirmed, 2 error or bad usage, 3 inconclusive.',
      ].join('\n\n'),
    )
    .addOption(new Option('--mode <mode>', 'what the reader threads do (default: auto, both)').choices(['auto', 'exec', 'getenv']))
    .option('--control', 'run the same workload without the writer (must never confirm)')
    .option('--seconds <s>', 'time budget per mode (default: 2)', seconds)
    .option('--trials <n>', 'stop after n trials per mode (default: as many as fit the budget)', integer(1, 100_000_000))
    .option('--trial-ms <ms>', 'hard deadline of one trial (default: 1000)', integer(10, 600_000))
    .option('--keep-going', 'keep running after the first failure, to count failures')
    .option('--readers <n>', 'reader threads (default: exec one per API, getenv CPUs-1)', integer(1, 16))
    .option('--adds <n>', 'new names the writer adds per trial (default: 64)', integer(1, 4096))
    .option('--pace-ns <ns>', 'writer pause between adds (default: exec 20000, getenv 0)', integer(0, 100_000_000))
    .option('--var <name>', 'a name the writer adds first, e.g. the finding\'s variable (repeatable)', variableName)
    .option('--absent <name>', 'the absent name getenv readers look up', absentName)
    .option('--api <list>', 'exec readers: comma-separated posix_spawn,system,vfork (default: all)', execApis)
    .addOption(new Option('--writer <kind>', 'add new names (moves the array) or only overwrite existing ones').choices(['add', 'overwrite']))
    .addOption(new Option('--shape <shaping>', 'heap preparation before racing (default: auto)').choices(['auto', 'none', 'pad', 'tcache']))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--target <target>', 'build for this CPU (aarch64: cross-compile and run under qemu-user)').choices([...TARGETS]).default('host'))
    .option('--emit-c <file>', 'write the standalone C source (with build instructions) to file, or - for stdout, and exit')
    .option('--from <sarif>', `reproduce each ${REPRODUCIBLE_RULE} result of an envrace SARIF log`)
    .option('--output <sarif>', 'with --from: write a copy of the log with properties.reproduction on each result')
    .option('--rebuild', 'recompile even if a cached binary exists')
    .action(async (options: ReproCliOptions) => {
      try {
        setResult(await action(options));
      } catch (error) {
        // ToolchainError messages say what to install; anything else is reported as is.
        process.stderr.write(`envrace repro: ${error instanceof Error ? error.message : String(error)}\n`);
        setResult(EXIT_ERROR);
      }
    });
}
