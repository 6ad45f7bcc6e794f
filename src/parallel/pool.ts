import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExtractOutcome, ExtractSettings, ExtractTask } from '../facts/extractOne.ts';

/** What a worker thread runs: workerEntry.js (tsx, then extractWorker.ts), unless the CLI runs from its bundle. */
let workerEntry = fileURLToPath(new URL('./workerEntry.js', import.meta.url));

/** Called by the bundled CLI (src/startup/bundle.js): its workers run the bundled worker, without tsx. */
export function setWorkerEntry(file: string): void {
  workerEntry = file;
}

export interface PoolOptions {
  jobs: number;
  settings: ExtractSettings;
  cacheDir?: string;
  cacheLimitBytes?: number;
  onDone?: (done: number, total: number) => void;
}

export interface PoolResult {
  outcomes: ExtractOutcome[];
  /** Cache entries the workers wrote (for pruning). */
  cacheWrites: number;
}

/**
 * Extracts files on `jobs` worker threads. Results come back in input order whatever the
 * scheduling, so output stays deterministic.
 */
export async function extractInWorkers(tasks: readonly ExtractTask[], options: PoolOptions): Promise<PoolResult> {
  const outcomes = new Array<ExtractOutcome>(tasks.length);
  let next = 0;
  let done = 0;
  let cacheWrites = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(options.jobs, tasks.length)) }, () =>
    new Worker(workerEntry, { workerData: { settings: options.settings, cacheDir: options.cacheDir, cacheLimitBytes: options.cacheLimitBytes } }),
  );
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const feed = (): void => {
            if (next < tasks.length) {
              const index = next;
              next += 1;
              worker.postMessage({ index, task: tasks[index] });
            } else {
              worker.postMessage('stop');
            }
          };
          worker.on('message', (message: { index: number; outcome: ExtractOutcome } | { stopped: true; writes: number }) => {
            if ('stopped' in message) {
              cacheWrites += message.writes;
              void worker.terminate().then(() => resolve());
              return;
            }
            outcomes[message.index] = message.outcome;
            done += 1;
            options.onDone?.(done, tasks.length);
            feed();
          });
          worker.on('error', reject);
          feed();
        }),
    ),
  );
  return { outcomes, cacheWrites };
}
