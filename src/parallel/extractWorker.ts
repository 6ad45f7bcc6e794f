import { parentPort, workerData } from 'node:worker_threads';
import { FactCache } from '../cache/factCache.ts';
import { createExtractor, type ExtractSettings, type ExtractTask } from '../facts/extractOne.ts';

/** Runs in a worker thread: extracts the files the pool sends, one message per file. */
interface WorkerSetup {
  settings: ExtractSettings;
  cacheDir?: string;
  cacheLimitBytes?: number;
}

const setup = workerData as WorkerSetup;
const cache = setup.cacheDir ? new FactCache(setup.cacheDir, setup.cacheLimitBytes) : undefined;
const extract = createExtractor(setup.settings, cache);

parentPort!.on('message', (message: { index: number; task: ExtractTask } | 'stop') => {
  if (message === 'stop') {
    parentPort!.postMessage({ stopped: true, writes: cache?.writes ?? 0 });
    return;
  }
  void extract(message.task).then((outcome) => parentPort!.postMessage({ index: message.index, outcome }));
});
