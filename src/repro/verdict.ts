// The verdict the C reproducer prints with `--format json`; repro/verdict.schema.json is the contract.

export type Verdict = 'confirmed' | 'not-reproduced' | 'inconclusive' | 'error';
export type ReproMode = 'auto' | 'exec' | 'getenv';

export interface ReproFailure {
  kind: 'errno' | 'status' | 'signal';
  api: 'none' | 'getenv' | 'posix_spawn' | 'system' | 'vfork+execve' | 'writer';
  thread: 'reader' | 'writer' | 'unknown';
  description: string;
  errno: number | null;
  errnoName: string | null;
  status: number | null;
  signal: number | null;
  signalName: string | null;
  address: string | null;
  siCode: string | null;
}

export interface ReproRun {
  mode: 'exec' | 'getenv';
  verdict: Verdict;
  trials: number;
  failures: number;
  timeouts: number;
  otherErrors: number;
  environMoves: number;
  environAdds: number;
  readerOps: number;
  readers: number;
  paceNs: number;
  elapsedMs: number;
  timeToFirstFailureMs: number | null;
  firstFailureTrial: number | null;
  uncaughtSignals: number;
  shaping: {
    requested: 'auto' | 'none' | 'pad' | 'tcache';
    strategy: 'none' | 'pad' | 'tcache';
    environBefore: number;
    environAfter: number;
    padded: number;
    nextAddMoves: boolean | null;
    tcacheChunks: number;
    tcacheSizeClasses: number;
  };
  failure: ReproFailure | null;
}

export interface ReproVerdict {
  tool: 'envrace-repro';
  reproducerVersion: string;
  verdict: Verdict;
  exitCode: 0 | 1 | 2 | 3;
  mode: ReproMode;
  control: boolean;
  budget: { seconds: number; trials: number; trialMs: number; keepGoing: boolean };
  workload: {
    writer: 'add' | 'overwrite' | 'none';
    adds: number;
    variables: string[];
    absentName: string;
    execApis: string[];
    program: string | null;
  };
  runs: ReproRun[];
  system: {
    libc: { name: string; version: string };
    arch: string;
    cpus: number;
    os: string;
    kernel: string;
    emulatedBy: string | null;
    allocator: { ldPreload: string | null; mallocIn: string | null; glibcTunables: string | null };
  };
  notes: string[];
}

/** Exit status of `envrace repro` (and of the C program) for each verdict. */
export const VERDICT_EXIT: Readonly<Record<Verdict, number>> = {
  'not-reproduced': 0,
  confirmed: 1,
  error: 2,
  inconclusive: 3,
};

const VERDICTS = new Set<string>(Object.keys(VERDICT_EXIT));

/**
 * Parses the program's JSON output. A structural check only (the tool name, a known verdict, runs):
 * the schema test pins the full shape, and a reproducer that printed something else is an error worth its own message.
 */
export function parseVerdict(stdout: string): ReproVerdict {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`the reproducer printed no JSON verdict (${error instanceof Error ? error.message : String(error)})`);
  }
  const candidate = value as Partial<ReproVerdict> | null;
  if (
    !candidate ||
    typeof candidate !== 'object' ||
    candidate.tool !== 'envrace-repro' ||
    typeof candidate.verdict !== 'string' ||
    !VERDICTS.has(candidate.verdict) ||
    !Array.isArray(candidate.runs)
  ) {
    throw new Error('the reproducer printed JSON that is not a verdict');
  }
  return candidate as ReproVerdict;
}

/**
 * The combined verdict of several reproductions (the `--from` case), with the C program's precedence across
 * modes: any confirmation wins, then errors, then runs that could not exercise the race. None at all: nothing reproduced.
 */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('confirmed')) return 'confirmed';
  if (verdicts.includes('error')) return 'error';
  if (verdicts.includes('inconclusive')) return 'inconclusive';
  return 'not-reproduced';
}
