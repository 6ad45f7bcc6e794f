import os from 'node:os';
import { DEFAULT_CACHE_LIMIT_BYTES, FactCache } from '../cache/factCache.ts';
import { catalogsFor } from '../catalog/load.ts';
import type { CatalogEntry } from '../catalog/types.ts';
import type { DiscoveredFile } from '../discover/files.ts';
import { closeWorkerPool, openWorkerBatch, poolRunning, prestartWorkers, type PoolBatch } from '../parallel/pool.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import type { DeclaredNames } from '../link/declaredNames.ts';
import type { PackageLocation, PackageReach } from '../prefilter/follow.ts';
import { extractSelected, type SelectionStats } from '../prefilter/select.ts';
import { textIndexSalt } from '../prefilter/textCache.ts';
import { FactCompactor } from './compact.ts';
import { createCacheReader, createExtractor, type ExtractOutcome, type ExtractTask } from './extractOne.ts';
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

/** Starts the extraction workers `FileExtraction` will use with these options, if it will use any. */
export function prestartExtraction(options: ExtractionOptions): void {
  const jobs = options.jobs ?? defaultJobs();
  if (jobs > 1) prestartWorkers(poolOptionsOf(options, jobs));
}

function poolOptionsOf(options: ExtractionOptions, jobs: number) {
  return { jobs, settings: { maxFileBytes: options.maxFileBytes, extraCatalog: options.extraCatalog }, cacheDir: options.cacheDir, cacheLimitBytes: options.cacheLimitBytes };
}

/**
 * Reads and extracts files handed over one by one, as a text pass finds them: from the fact cache
 * where the content was seen before, else on worker threads once there is enough work for them (or
 * they already run), each file at once, so parsing overlaps the caller's reading of the rest. A
 * file that cannot be read or parsed is skipped with a one-line reason; a crash inside an adapter is
 * contained to its file. `finish` waits for all of them; results keep the order of `add`.
 */
export class FileExtraction {
  private readonly files: DiscoveredFile[] = [];
  private readonly outcomes: Array<ExtractOutcome | undefined> = [];
  /** Indexes of files waiting for a parse that has not been handed to anyone yet. */
  private waiting: number[] = [];
  private readonly jobs: number;
  private readonly poolOptions: ReturnType<typeof poolOptionsOf>;
  private readonly cache: FactCache | undefined;
  private readonly fromCache: ((task: ExtractTask) => ExtractOutcome | undefined) | undefined;
  /** Once the workers are in use: the files sent to them (in order), and the ones held until their batch is open. */
  private pooled: { batch: Promise<PoolBatch>; opened?: PoolBatch; held: ExtractTask[]; indexes: number[] } | undefined;
  private done = 0;

  constructor(private readonly options: ExtractionOptions) {
    this.jobs = options.jobs ?? defaultJobs();
    this.poolOptions = poolOptionsOf(options, this.jobs);
    this.cache = options.cacheDir ? new FactCache(options.cacheDir, options.cacheLimitBytes ?? DEFAULT_CACHE_LIMIT_BYTES) : undefined;
    // Workers would only read the cache on a warm run, and starting them costs more than that.
    this.fromCache = this.cache && this.jobs > 1 ? createCacheReader(this.poolOptions.settings, this.cache) : undefined;
  }

  add(file: DiscoveredFile): void {
    const index = this.files.length;
    this.files.push(file);
    const task = taskOf(file);
    if (this.pooled) {
      this.pooled.indexes.push(index);
      if (this.pooled.opened) this.pooled.opened.push(task);
      else this.pooled.held.push(task);
      return;
    }
    const outcome = this.fromCache?.(task);
    if (outcome) {
      this.outcomes[index] = outcome;
      this.report();
      return;
    }
    this.waiting.push(index);
    if (this.jobs > 1 && (this.waiting.length >= MIN_FILES_FOR_WORKERS || poolRunning(this.poolOptions))) this.startWorkers();
  }

  async finish(): Promise<ExtractionResult> {
    let cacheWrites: number;
    if (this.pooled) {
      const { indexes } = this.pooled;
      const result = await (await this.pooled.batch).close();
      result.outcomes.forEach((outcome, position) => (this.outcomes[indexes[position]!] = outcome));
      cacheWrites = result.cacheWrites;
    } else {
      const extract = createExtractor(this.poolOptions.settings, this.cache);
      for (const index of this.waiting) {
        this.outcomes[index] = await extract(taskOf(this.files[index]!));
        this.report();
      }
      cacheWrites = this.cache?.writes ?? 0;
    }
    this.cache?.prune(cacheWrites);
    const extracted: ExtractedFile[] = [];
    const skipped: Skipped[] = [];
    let fromCache = 0;
    const compactor = this.options.compactor ?? new FactCompactor();
    this.outcomes.forEach((outcome, index) => {
      if (!outcome) return;
      skipped.push(...outcome.skipped);
      if (outcome.facts) extracted.push({ file: this.files[index]!, facts: compactor.compact(outcome.facts) });
      if (outcome.fromCache) fromCache += 1;
    });
    return { extracted, skipped, fromCache };
  }

  /** From now on every file goes to the workers, the ones waiting first. */
  private startWorkers(): void {
    const indexes = this.waiting;
    this.waiting = [];
    const pooled = { batch: openWorkerBatch({ ...this.poolOptions, onDone: () => this.report() }), opened: undefined as PoolBatch | undefined, held: indexes.map((index) => taskOf(this.files[index]!)), indexes };
    this.pooled = pooled;
    void pooled.batch.then((opened) => {
      pooled.opened = opened;
      for (const task of pooled.held.splice(0)) opened.push(task);
    }, () => undefined);
  }

  private report(): void {
    this.done += 1;
    this.options.onFileDone?.(this.done, this.files.length);
  }
}

function taskOf(file: DiscoveredFile): ExtractTask {
  return { absPath: file.absPath, id: file.id, language: file.language };
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
  /** More extraction follows at once (an audit's dependencies after the project): the worker threads stay. */
  keepWorkers?: boolean;
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
      extraction: () => new FileExtraction({ ...options, compactor }),
    });
    return { extracted: result.extracted, skipped: result.skipped, fromCache: result.fromCache, selection: options.exhaustive ? undefined : result.stats };
  } finally {
    // The workers served the rounds of this selection; their heaps should not outlive it into linking.
    if (!options.keepWorkers) await closeWorkerPool();
  }
}
