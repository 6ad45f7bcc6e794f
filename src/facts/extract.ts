import os from 'node:os';
import { DEFAULT_CACHE_LIMIT_BYTES, FactCache } from '../cache/factCache.ts';
import { catalogsFor } from '../catalog/load.ts';
import type { CatalogEntry } from '../catalog/types.ts';
import type { DiscoveredFile } from '../discover/files.ts';
import { closeWorkerPool, extractInWorkers, poolRunning, prestartWorkers } from '../parallel/pool.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import type { DeclaredNames } from '../link/declaredNames.ts';
import type { PackageLocation, PackageReach } from '../prefilter/follow.ts';
import { extractSelected, type SelectionStats } from '../prefilter/select.ts';
import { textIndexSalt } from '../prefilter/textCache.ts';
import { FactCompactor } from './compact.ts';
import { createCacheReader, createExtractor, type ExtractOutcome } from './extractOne.ts';
import type { FileFacts, Language } from './types.ts';

export interface ExtractedFile {
  file: DiscoveredFile;
  facts: FileFacts;
}

export interface ExtractionResult {
  extracted: ExtractedFile[];
  skipped: Skipped[];
  /** How many facts came from the cache instead of a parse. */
  fromCache?: number;
}

export interface ExtractionOptions {
  maxFileBytes: number;
  extraCatalog?: Partial<Record<Language, CatalogEntry[]>>;
  onFileDone?: (done: number, total: number) => void;
  /** The fact cache directory; undefined: no cache. */
  cacheDir?: string;
  cacheLimitBytes?: number;
  /** Worker threads for parsing (default: the CPU count); 1 parses on the main thread. */
  jobs?: number;
  /** Shares equal lists across the files of one extraction (see FactCompactor). */
  compactor?: FactCompactor;
}

/** Below this many files, starting worker threads costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 48;

export function defaultJobs(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/** Starts the extraction workers `extractAll` will use with these options, if it will use any. */
export function prestartExtraction(options: ExtractionOptions): void {
  const jobs = options.jobs ?? defaultJobs();
  if (jobs > 1) prestartWorkers(poolOptionsOf(options, jobs));
}

function poolOptionsOf(options: ExtractionOptions, jobs: number) {
  return { jobs, settings: { maxFileBytes: options.maxFileBytes, extraCatalog: options.extraCatalog }, cacheDir: options.cacheDir, cacheLimitBytes: options.cacheLimitBytes };
}

/**
 * Reads and extracts every given file, on worker threads when there is enough work, from the fact
 * cache where the content was seen before. A file that cannot be read or parsed is skipped with a
 * one-line reason; a crash inside an adapter is contained to its file. Results keep the input order.
 */
export async function extractAll(files: readonly DiscoveredFile[], options: ExtractionOptions): Promise<ExtractionResult> {
  const tasks = files.map((file) => ({ absPath: file.absPath, id: file.id, language: file.language }));
  const jobs = options.jobs ?? defaultJobs();
  const poolOptions = poolOptionsOf(options, jobs);
  const { settings } = poolOptions;
  const cache = options.cacheDir ? new FactCache(options.cacheDir, options.cacheLimitBytes ?? DEFAULT_CACHE_LIMIT_BYTES) : undefined;
  const outcomes: Array<ExtractOutcome | undefined> = new Array(tasks.length);
  let done = 0;
  const report = (): void => options.onFileDone?.((done += 1), tasks.length);
  let misses = tasks.map((_, index) => index);
  // Workers would only read the cache on a warm run, and starting them costs more than that.
  if (cache && jobs > 1 && misses.length >= MIN_FILES_FOR_WORKERS) {
    const fromCache = createCacheReader(settings, cache);
    misses = misses.filter((index) => {
      const outcome = fromCache(tasks[index]!);
      if (!outcome) return true;
      outcomes[index] = outcome;
      report();
      return false;
    });
  }
  const missed = misses.map((index) => tasks[index]!);
  let cacheWrites = 0;
  if (jobs > 1 && missed.length > 0 && (missed.length >= MIN_FILES_FOR_WORKERS || poolRunning(poolOptions))) {
    const pooled = await extractInWorkers(missed, { ...poolOptions, onDone: () => report() });
    pooled.outcomes.forEach((outcome, position) => (outcomes[misses[position]!] = outcome));
    cacheWrites = pooled.cacheWrites;
  } else {
    const extract = createExtractor(settings, cache);
    for (const index of misses) {
      outcomes[index] = await extract(tasks[index]!);
      report();
    }
    cacheWrites = cache?.writes ?? 0;
  }
  cache?.prune(cacheWrites);
  const extracted: ExtractedFile[] = [];
  const skipped: Skipped[] = [];
  let fromCache = 0;
  const compactor = options.compactor ?? new FactCompactor();
  outcomes.forEach((outcome, index) => {
    if (!outcome) return;
    skipped.push(...outcome.skipped);
    if (outcome.facts) extracted.push({ file: files[index]!, facts: compactor.compact(outcome.facts) });
    if (outcome.fromCache) fromCache += 1;
  });
  return { extracted, skipped, fromCache };
}

export interface FileSelectionOptions extends ExtractionOptions {
  /** Parse every file instead of only those that can matter (see src/prefilter). */
  exhaustive?: boolean;
  /** Facts already extracted elsewhere that calls may come from (an audit's project files). */
  context?: readonly ExtractedFile[];
  /** Receives every file's method declarations, counted on its text, for the linkers. */
  declared: DeclaredNames;
  /** The package a file belongs to, as the linkers will see it. */
  packageOf: (file: DiscoveredFile) => PackageLocation;
  /** Which packages can call into which, when known before extraction (an audit's resolved graph). */
  reach?: PackageReach;
  /** Where the findings of the facts parsed so far search their readers (see SelectionInput). */
  readerStarts?: (parsed: readonly ExtractedFile[]) => Promise<ReadonlySet<string>>;
}

export interface FileSelectionResult extends ExtractionResult {
  selection?: SelectionStats;
}

/**
 * The one way the pipelines turn discovered files into facts: every file's text is read once (for
 * the declaration counts, and to pick the files that can matter), then those files are parsed, or
 * all of them with `exhaustive`.
 */
export async function extractFiles(files: readonly DiscoveredFile[], options: FileSelectionOptions): Promise<FileSelectionResult> {
  let fromCache = 0;
  const catalogFor = catalogsFor(options.extraCatalog);
  const compactor = options.compactor ?? new FactCompactor();
  try {
    const result = await extractSelected(files, {
      catalogFor,
      maxFileBytes: options.maxFileBytes,
      declared: options.declared,
      packageOf: options.packageOf,
      reach: options.reach,
      context: options.context,
      readerStarts: options.readerStarts,
      exhaustive: options.exhaustive,
      ...(options.cacheDir !== undefined ? { cache: { dir: options.cacheDir, salt: textIndexSalt(catalogFor) } } : {}),
      extract: async (batch) => {
        const extracted = await extractAll(batch, { ...options, compactor });
        fromCache += extracted.fromCache ?? 0;
        return extracted;
      },
    });
    return { extracted: result.extracted, skipped: result.skipped, fromCache, selection: options.exhaustive ? undefined : result.stats };
  } finally {
    // The workers served the rounds of this selection; their heaps should not outlive it into linking.
    await closeWorkerPool();
  }
}
