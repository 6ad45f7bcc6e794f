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
 * A worker's answer: the outcome of one task, and whether it wrote a cache entry. The outcome
 * travels as JSON text, not as a structured clone: the main thread then holds facts as
 * it does when it reads them from the cache (JSON.parse shares short strings), a fifth less memory
 * in a node_modules audit, and one string crosses threads instead of an object graph.
 */
export interface WorkerReply {
  index: number;
  outcome: string;
  wrote: boolean;
}

/** Tasks given to a pool one by one; `close` waits for all of them. */
export interface PoolBatch {
  push(task: ExtractTask): void;
  close(): Promise<PoolResult>;
}

/** Tasks in flight per worker: the next file is already there when one is done. */
const IN_FLIGHT = 2;

/**
 * Worker threads kept between batches: the prefilter extracts in rounds, and starting threads (each
 * loads the parsers) for every round cost more than some rounds' parsing. Idle workers are unref'd,
 * so they never keep the process alive.
 */
class WorkerPool {
  private readonly workers: Worker[] = [];

  constructor(
    readonly key: string,
    private readonly size: number,
    private readonly setup: Omit<PoolOptions, 'jobs' | 'onDone'>,
  ) {}

  /**
   * A batch whose tasks arrive one by one (as a text pass finds them): each is sent as soon as a
   * worker has room, while the caller goes on. Outcomes keep the order of `push`.
   */
  open(onDone?: (done: number, total: number) => void): PoolBatch {
    const tasks: ExtractTask[] = [];
    const outcomes: ExtractOutcome[] = [];
    let next = 0;
    let done = 0;
    let cacheWrites = 0;
    let closed = false;
    let failure: Error | undefined;
    let settle: { resolve: (result: PoolResult) => void; reject: (error: Error) => void } | undefined;
    const workers = this.take(this.size);
    const pending = new Map<Worker, number>(workers.map((worker) => [worker, 0]));
    const listeners: Array<() => void> = [];
    const release = (): void => {
      for (const stop of listeners.splice(0)) stop();
      for (const worker of workers) worker.unref();
    };
    const finishIfDone = (): void => {
      if (!settle) return;
      if (failure) {
        release();
        settle.reject(failure);
      } else if (closed && done === tasks.length) {
        release();
        settle.resolve({ outcomes, cacheWrites });
      }
    };
    const feed = (worker: Worker): void => {
      while (!failure && pending.get(worker)! < IN_FLIGHT && next < tasks.length) {
        const index = next;
        next += 1;
        pending.set(worker, pending.get(worker)! + 1);
        worker.postMessage({ index, task: tasks[index] });
      }
    };
    for (const worker of workers) {
      const onMessage = (message: WorkerReply): void => {
        pending.set(worker, pending.get(worker)! - 1);
        outcomes[message.index] = JSON.parse(message.outcome) as ExtractOutcome;
        if (message.wrote) cacheWrites += 1;
        done += 1;
        onDone?.(done, tasks.length);
        feed(worker);
        finishIfDone();
      };
      const onError = (error: Error): void => {
        failure ??= error;
        finishIfDone();
      };
      const onExit = (code: number): void => onError(new Error(`extraction worker exited (code ${code})`));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      listeners.push(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      });
    }
    return {
      push: (task) => {
        tasks.push(task);
        for (const worker of workers) feed(worker);
      },
      close: () => {
        closed = true;
        return new Promise<PoolResult>((resolve, reject) => {
          settle = { resolve, reject };
          finishIfDone();
        });
      },
    };
  }

  /** Starts the workers; those a batch took meanwhile stay ref'd. */
  prestart(): void {
    while (this.workers.length < this.size) this.start().unref();
  }

  /** `count` workers, started as needed, ref'd while they work. */
  private take(count: number): Worker[] {
    while (this.workers.length < count) this.start();
    const taken = this.workers.slice(0, count);
    for (const worker of taken) worker.ref();
    return taken;
  }

  private start(): Worker {
    const worker = new Worker(workerEntry, { workerData: { settings: this.setup.settings, cacheDir: this.setup.cacheDir, cacheLimitBytes: this.setup.cacheLimitBytes } });
    // A worker that fails or exits leaves the pool (a running batch also rejects).
    worker.on('error', () => this.discard(worker));
    worker.on('exit', () => this.discard(worker));
    this.workers.push(worker);
    return worker;
  }

  private discard(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return;
    this.workers.splice(index, 1);
    void worker.terminate();
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

let shared: WorkerPool | undefined;

/** Whether a pool for these settings is already running (then even a small batch is worth sending). */
export function poolRunning(options: Omit<PoolOptions, 'onDone'>): boolean {
  return shared?.key === poolKey(options);
}

/**
 * A batch on the shared pool whose tasks the caller pushes as it finds them (see `WorkerPool.open`).
 * Results come back in push order whatever the scheduling, so output stays deterministic.
 */
export async function openWorkerBatch(options: PoolOptions): Promise<PoolBatch> {
  return (await poolFor(options)).open(options.onDone);
}

/**
 * Starts the workers ahead of the first batch, while the caller waits for something else (an
 * audit's `cargo metadata`): loading the parsers in each worker then costs no wall time.
 */
export function prestartWorkers(options: Omit<PoolOptions, 'onDone'>): void {
  if (!poolRunning(options)) void poolFor(options).then((pool) => pool.prestart());
}

/**
 * The shared pool for these settings (taken at once, so that two callers never make two); one made
 * for other settings is stopped before the new one is used.
 */
async function poolFor(options: Omit<PoolOptions, 'onDone'>): Promise<WorkerPool> {
  const key = poolKey(options);
  if (shared?.key === key) return shared;
  const previous = shared;
  const pool = new WorkerPool(key, options.jobs, options);
  shared = pool;
  await previous?.close();
  return pool;
}

/** Stops the workers (tests; a CLI run just exits, idle workers do not hold it). */
export async function closeWorkerPool(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

function poolKey(options: Omit<PoolOptions, 'onDone'>): string {
  return JSON.stringify([options.jobs, options.settings, options.cacheDir ?? null, options.cacheLimitBytes ?? null]);
}
