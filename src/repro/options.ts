// The reproducer's run options, shared by `envrace repro` and `envrace repro --from`, and how they become the
// C program's argv. The C program validates them again (it is also run by hand), so this layer only shapes them.
import type { ReproMode } from './verdict.ts';

export type ExecApi = 'posix_spawn' | 'system' | 'vfork';
export type WriterKind = 'add' | 'overwrite';
export type Shaping = 'auto' | 'none' | 'pad' | 'tcache';

export interface ReproRunOptions {
  mode?: ReproMode;
  control?: boolean;
  seconds?: number;
  trials?: number;
  trialMs?: number;
  keepGoing?: boolean;
  readers?: number;
  adds?: number;
  paceNs?: number;
  variables?: readonly string[];
  absent?: string;
  apis?: readonly ExecApi[];
  writer?: WriterKind;
  shape?: Shaping;
  emulatedBy?: string;
  format?: 'text' | 'json';
}

/** POSIX-portable environment names the C program accepts for `--var` (it refuses `=`, spaces and controls). */
export function isPlainVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name);
}

export function reproArgs(options: ReproRunOptions): string[] {
  const args: string[] = [];
  const add = (flag: string, value: string | number | undefined): void => {
    if (value !== undefined) args.push(flag, String(value));
  };
  add('--mode', options.mode);
  if (options.control) args.push('--control');
  add('--seconds', options.seconds);
  add('--trials', options.trials);
  add('--trial-ms', options.trialMs);
  if (options.keepGoing) args.push('--keep-going');
  add('--readers', options.readers);
  add('--adds', options.adds);
  add('--pace-ns', options.paceNs);
  for (const name of options.variables ?? []) add('--var', name);
  add('--absent', options.absent);
  if (options.apis && options.apis.length > 0) add('--api', [...new Set(options.apis)].join(','));
  add('--writer', options.writer);
  add('--shape', options.shape);
  add('--emulated-by', options.emulatedBy);
  add('--format', options.format);
  return args;
}

/** Upper bound on one invocation's wall time, for the outer watchdog: the budget per mode plus a trial deadline each. */
export function wallClockLimitMs(options: ReproRunOptions): number {
  const modes = (options.mode ?? 'auto') === 'auto' ? 2 : 1;
  const seconds = options.seconds ?? 2;
  const trialMs = options.trialMs ?? 1000;
  return modes * (seconds * 1000 + 2 * trialMs + 1000) + 30_000;
}
