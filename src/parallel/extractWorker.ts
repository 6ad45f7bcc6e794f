import { parentPort, workerData } from 'node:worker_threads';
import { FactCache } from '../cache/factCache.ts';
import { createExtractor, type ExtractSettings, type ExtractTask } from '../facts/extractOne.ts';
import type { WorkerReply } from './pool.ts';

/** Runs in a worker thread: extracts the files the pool sends, one message per file. */
interface WorkerSetup {
  settings: ExtractSettings;
  cacheDir?: string;
  cacheLimitBytes?: number;
}

const setup = workerData as WorkerSetup;
const cache = setup.cacheDir ? new FactCache(setup.cacheDir, setup.cacheLimitBytes) : undefined;
const extract = createExtractor(setup.settings, cache);

// One task at a time (the pool sends the next before this one is done), so each reply knows its own cache write.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (message: { index: number; task: ExtractTask }) => {
  queue = queue.then(async () => {
    const writesBefore = cache?.writes ?? 0;
    const outcome = await extract(message.task);
    const reply: WorkerReply = { index: message.index, outcome: JSON.stringify(outcome), wrote: (cache?.writes ?? 0) > writesBefore };
    parentPort!.postMessage(reply);
  });
});
