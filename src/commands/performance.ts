import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { defaultJobs } from '../facts/extract.ts';
import { envraceCacheDir } from '../util/cacheDir.js';

export interface PerformanceCommandOptions {
  exhaustive?: boolean;
  cache: boolean;
  jobs?: number;
}

export interface PerformanceSettings {
  exhaustive: boolean;
  cacheDir?: string;
  jobs: number;
}

function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return jobs;
}

/** Options shared by `scan` and `audit` that trade time: the same findings either way, but for the prefilter's known gap (README, Known limitations). */
export function addPerformanceOptions(command: Command): Command {
  return command
    .option('--exhaustive', 'parse every file; by default a text pass skips files that cannot contribute (same findings but for one known gap: README, Known limitations)')
    .option('--no-cache', `do not read or write the fact cache (${path.join(envraceCacheDir(), 'facts')})`)
    .option('-j, --jobs <n>', `worker threads for parsing (default: ${defaultJobs()}, the CPU count)`, parseJobs);
}

export function performanceSettings(options: PerformanceCommandOptions): PerformanceSettings {
  return {
    exhaustive: Boolean(options.exhaustive),
    cacheDir: options.cache ? envraceCacheDir() : undefined,
    jobs: options.jobs ?? defaultJobs(),
  };
}
