// Benchmark of the native reproducer: how fast each mode confirms on this machine, and that control runs
// (no writer) never confirm. Not a test: it reports figures against the targets and always exits 0 unless it
// could not run. Usage: node --import tsx bench/repro.ts [--runs N] [--control-trials N] [--target host|aarch64]
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildReproducer } from '../src/repro/build.ts';
import { reproduce } from '../src/repro/run.ts';
import { resolveToolchain, type TargetName } from '../src/repro/toolchain.ts';
import type { ReproVerdict } from '../src/repro/verdict.ts';

const TARGET_MEDIAN_MS = 10;
const TARGET_WORST_MS = 1000;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    'control-trials': { type: 'string', default: '1000' },
    target: { type: 'string', default: 'host' },
    seconds: { type: 'string', default: '10' },
  },
});
const runs = Math.max(1, Number(values.runs));
const controlTrials = Math.max(1, Number(values['control-trials']));
const budgetSeconds = Number(values.seconds);
const target = values.target as TargetName;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

function failureKind(verdict: ReproVerdict): string {
  const failure = verdict.runs[0]?.failure;
  if (!failure) return 'none';
  if (failure.kind === 'errno') return `${failure.api} ${failure.errnoName ?? failure.errno}`;
  if (failure.kind === 'status') return `${failure.api} status ${failure.status}`;
  return `${failure.signalName ?? failure.signal} in ${failure.api}`;
}

interface ModeFigures {
  mode: 'exec' | 'getenv';
  runs: number;
  confirmed: number;
  verdicts: Record<string, number>;
  timeToFirstFailureMs: { median: number; p90: number; worst: number; best: number; all: number[] };
  trialsToFirstFailure: { median: number; worst: number };
  failureKinds: Record<string, number>;
  shaping: string;
}

const toolchain = resolveToolchain(target);
const built = buildReproducer(toolchain);
const loadBefore = loadavg();
const started = Date.now();

const modes: ModeFigures[] = [];
let system: ReproVerdict['system'] | undefined;
for (const mode of ['exec', 'getenv'] as const) {
  const times: number[] = [];
  const trials: number[] = [];
  const verdicts: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  let shaping = '';
  for (let i = 0; i < runs; i++) {
    const verdict = await reproduce(built, { mode, seconds: budgetSeconds });
    system ??= verdict.system;
    const run = verdict.runs[0];
    verdicts[verdict.verdict] = (verdicts[verdict.verdict] ?? 0) + 1;
    kinds[failureKind(verdict)] = (kinds[failureKind(verdict)] ?? 0) + 1;
    shaping = run ? run.shaping.strategy : shaping;
    if (run?.timeToFirstFailureMs != null) {
      times.push(run.timeToFirstFailureMs);
      trials.push(run.firstFailureTrial ?? 0);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const sortedTrials = [...trials].sort((a, b) => a - b);
  modes.push({
    mode,
    runs,
    confirmed: times.length,
    verdicts,
    timeToFirstFailureMs: {
      median: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      worst: sorted[sorted.length - 1] ?? Number.NaN,
      best: sorted[0] ?? Number.NaN,
      all: times,
    },
    trialsToFirstFailure: { median: quantile(sortedTrials, 0.5), worst: sortedTrials[sortedTrials.length - 1] ?? Number.NaN },
    failureKinds: kinds,
    shaping,
  });
}

const control: { mode: 'exec' | 'getenv'; trials: number; confirmations: number; failures: number; timeouts: number; elapsedMs: number }[] = [];
for (const mode of ['exec', 'getenv'] as const) {
  const verdict = await reproduce(built, { mode, control: true, trials: controlTrials, seconds: 3600 });
  const run = verdict.runs[0];
  control.push({
    mode,
    trials: run?.trials ?? 0,
    confirmations: verdict.verdict === 'confirmed' ? 1 : 0,
    failures: run?.failures ?? 0,
    timeouts: run?.timeouts ?? 0,
    elapsedMs: run?.elapsedMs ?? 0,
  });
}
const loadAfter = loadavg();

const fmt = (ms: number): string => (Number.isFinite(ms) ? `${ms.toFixed(2)} ms` : 'n/a');
const pass = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const lines: string[] = [];
if (system) {
  lines.push(
    `envrace repro benchmark: ${system.libc.name} ${system.libc.version}, ${system.arch}, ${system.cpus} CPUs, ${system.os} ${system.kernel}` +
      (system.emulatedBy ? ` (under ${system.emulatedBy})` : ''),
  );
}
lines.push(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after`);
lines.push('');
lines.push('mode    runs  confirmed  median TTF   p90 TTF      worst TTF    median trials  shaping  failures seen');
for (const m of modes) {
  const kinds = Object.entries(m.failureKinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ×${count}`)
    .join(', ');
  lines.push(
    `${m.mode.padEnd(6)}  ${String(m.runs).padStart(4)}  ${`${m.confirmed}/${m.runs}`.padStart(9)}  ${fmt(m.timeToFirstFailureMs.median).padStart(10)}  ${fmt(m.timeToFirstFailureMs.p90).padStart(10)}  ${fmt(m.timeToFirstFailureMs.worst).padStart(11)}  ${String(m.trialsToFirstFailure.median).padStart(13)}  ${m.shaping.padEnd(7)}  ${kinds}`,
  );
}
lines.push('');
for (const c of control) {
  lines.push(`control ${c.mode.padEnd(6)} ${c.trials} trials without the writer: ${c.confirmations} confirmations, ${c.failures} failures, ${c.timeouts} timeouts (${(c.elapsedMs / 1000).toFixed(1)} s)`);
}
lines.push('');
for (const m of modes) {
  lines.push(
    `target ${m.mode}: median < ${TARGET_MEDIAN_MS} ms ${pass(m.confirmed === m.runs && m.timeToFirstFailureMs.median < TARGET_MEDIAN_MS)}, worst < ${TARGET_WORST_MS} ms ${pass(m.confirmed === m.runs && m.timeToFirstFailureMs.worst < TARGET_WORST_MS)}`,
  );
}
lines.push(`target control: 0 confirmations in >= 1000 trials per mode ${pass(control.every((c) => c.confirmations === 0 && c.trials >= 1000))}`);
process.stdout.write(`${lines.join('\n')}\n`);

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results');
mkdirSync(resultsDir, { recursive: true });
const report = {
  benchmark: 'repro',
  date: new Date().toISOString(),
  target,
  binary: built.binary,
  compiler: built.compiler.version,
  system,
  loadAverage: { before: loadBefore, after: loadAfter },
  durationMs: Date.now() - started,
  targets: { medianMs: TARGET_MEDIAN_MS, worstMs: TARGET_WORST_MS, controlConfirmations: 0 },
  modes,
  control,
};
writeFileSync(join(resultsDir, 'repro.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`wrote ${join('bench-results', 'repro.json')}\n`);
