import { readFileSync, statSync } from 'node:fs';
import type { Catalog } from '../catalog/types.ts';
import type { DiscoveredFile } from '../discover/files.ts';
import type { ExtractedFile, ExtractionResult } from '../facts/extract.ts';
import type { Language } from '../facts/types.ts';
import type { DeclaredNames } from '../link/declaredNames.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { fileStem, NameFollower, type FollowSpecs, type PackageLocation, type PackageReach, type ParsedFile, type TextSpec } from './follow.ts';
import { definitionMatcher, READER_KINDS, seedSpecs } from './tokens.ts';
import { commonDirectory, TextIndexCache, type FileStamp, type TextRecord } from './textCache.ts';
import { KeyWordFilter, scanWords, WordSetMatcher } from './wordIndex.ts';
import { trace } from '../util/trace.ts';
import { JavascriptModules } from './javascriptModules.ts';

export interface SelectionStats {
  /** Source files considered. */
  present: number;
  /** Files whose text names a write, a spawn or a runtime. */
  seeds: number;
  /** Files parsed in the end (seeds plus the files on paths to them). */
  parsed: number;
  /** Rounds of following names until nothing new turned up. */
  rounds: number;
  /** Following names was abandoned for parsing the rest (see `FOLLOW_BUDGET` and `EXPLODING_GROWTH`). */
  parsedTheRest: boolean;
}

/**
 * Following names costs time in proportion to the facts gathered so far, every round; once the files
 * parsed pass this share of the tree, parsing the rest is cheaper than deciding file by file (a big
 * tree where by-name links connect most writers to most callers, or where a third of the files use
 * a runtime API, as in a node_modules).
 */
const FOLLOW_BUDGET = 0.25;
/**
 * A round that selects more than three times the files of the round before (the seeds count as
 * the first), past a tenth of the tree, is a closure spreading through by-name links: the next
 * round would cost more than parsing the rest (the Python library: 580 seeds, then 519 files, then
 * 1,800; followed to its end, the closure takes some 9,600 of the 13,449 files).
 * Only speed depends on this: parsing more never changes findings.
 */
const EXPLODING_GROWTH = 3;
const EXPLODING_SHARE = 0.1;
/** How long the text pass runs before it lets the workers' replies in. */
const YIELD_EVERY_MS = 10;
/** In a small tree following names is cheap whatever it finds. */
const MIN_FILES_FOR_BUDGET = 1000;

export interface SelectionResult extends ExtractionResult {
  stats: SelectionStats;
}

/** What the text pass learned about one file not parsed yet. */
interface TextEntry {
  file: DiscoveredFile;
  /** The identifiers it mentions, hashed. */
  words: Uint32Array;
  /** The names it defines, hashed, where the language's definitions are recognized on the text. */
  definitions?: Uint32Array;
  /** The names it writes after a `.`, hashed, where only those can name a method call (Rust). */
  members?: Uint32Array;
  /** Its text names an API that reads the environment. */
  reads: boolean;
}

/**
 * One kind of spec of a round: files named outright, and word sets, each distinct set checked once
 * per file (specs repeat: every call of `new` in the region asks for the same definition).
 */
class SpecMatcher {
  readonly files = new Set<string>();
  readonly words: WordSetMatcher<TextSpec>;

  constructor(specs: readonly TextSpec[]) {
    const distinct = new Map<string, TextSpec>();
    for (const spec of specs) {
      if (spec.file !== undefined) {
        this.files.add(spec.file);
        continue;
      }
      const key = [spec.language, spec.words.join(' '), spec.stem ?? '', spec.defines ? 'd' : spec.reexports ? 'r' : '', spec.member ? 'm' : '', spec.under ?? '', spec.reaches ?? '', spec.reachedFrom ?? ''].join('\0');
      if (!distinct.has(key)) distinct.set(key, spec);
    }
    this.words = new WordSetMatcher([...distinct.values()]);
  }

  matches(entry: TextEntry, accept: (spec: TextSpec) => boolean): boolean {
    return this.files.has(entry.file.absPath) || this.words.matches(entry.words, entry, accept);
  }
}

function readBytes(absPath: string): Buffer | undefined {
  try {
    return readFileSync(absPath);
  } catch {
    return undefined;
  }
}

/** Files handed over for extraction one by one; `finish` gives their facts in that order. */
export interface FileBatch {
  add(file: DiscoveredFile): void;
  finish(): Promise<ExtractionResult>;
}

export interface SelectionInput {
  catalogFor: (language: Language) => Catalog;
  maxFileBytes: number;
  /** Starts extracting files handed over one by one (see FileExtraction). */
  extraction: () => FileBatch;
  /** Method declarations of every file, counted here on the text; the linkers use the same counts. */
  declared: DeclaredNames;
  /** The package a file belongs to, as the linkers will see it. */
  packageOf: (file: DiscoveredFile) => PackageLocation;
  /** Facts already extracted elsewhere (the project's own files, in an audit) that calls may come from. */
  context?: readonly ExtractedFile[];
  /** Parse every readable file, not only those that can matter (the text pass still counts declarations). */
  exhaustive?: boolean;
  /** Where the text pass keeps its records between runs; `salt` names everything they depend on besides the files. */
  cache?: { dir: string; salt: string };
  /** Which packages can call into which, when the package graph is known up front (an audit). */
  reach?: PackageReach;
  /**
   * Links and analyzes the facts parsed so far and names the functions the findings' readers are
   * searched from (`${absPath}\0${key}`). Without it, readers are followed from every spawning
   * function of the writers' region and every thread body started there.
   */
  readerStarts?: (parsed: readonly ExtractedFile[]) => Promise<ReadonlySet<string>>;
}

/**
 * Reads every file once: counts its method declarations (for the linkers) and decides whether it is
 * a seed (its text names a write, a spawn, a runtime or a libc symbol definition). A file whose stat
 * stamp matches the text index of the last run is not read again. Files that cannot be read, are too
 * large or binary go straight to extraction, which reports why they are skipped. Empty files hold
 * nothing to parse.
 */
async function textPass(files: readonly DiscoveredFile[], input: SelectionInput, cache: TextIndexCache | undefined, seeds: FileBatch): Promise<{ seeds: number; rest: TextEntry[] }> {
  type Words = WordSetMatcher<{ words: string[] }>;
  const seedMatchers = new Map<Language, { specs: Words; readers: Words; definitions: { names: Words; pattern: RegExp } | undefined }>();
  const matchersFor = (language: Language) => {
    let matchers = seedMatchers.get(language);
    if (!matchers) {
      const catalog = input.catalogFor(language);
      const definitions = definitionMatcher(catalog);
      matchers = {
        specs: new WordSetMatcher(seedSpecs(catalog).map((words) => ({ words }))),
        readers: new WordSetMatcher(seedSpecs(catalog, READER_KINDS).map((words) => ({ words }))),
        definitions: definitions && { names: new WordSetMatcher(definitions.names.map((name) => ({ words: [name] }))), pattern: definitions.pattern },
      };
      seedMatchers.set(language, matchers);
    }
    return matchers;
  };
  const scan = (file: DiscoveredFile, bytes: Buffer): TextRecord => {
    const { hashes, declared, definitions, used, members } = scanWords(bytes, file.language);
    const matchers = matchersFor(file.language);
    // An API named only where something is defined (`pub fn setenv(..);` of an extern block) is not called there.
    const interposes = matchers.definitions !== undefined && matchers.definitions.names.matches(hashes) && matchers.definitions.pattern.test(bytes.toString('latin1'));
    const seed = matchers.specs.matches(used) || interposes;
    return seed ? { seed, reads: false, declared } : { seed, reads: matchers.readers.matches(used), declared, hashes, ...(definitions ? { definitions } : {}), ...(members ? { members } : {}) };
  };
  let seedCount = 0;
  const seed = (file: DiscoveredFile): void => {
    seeds.add(file);
    seedCount += 1;
  };
  const rest: TextEntry[] = [];
  let lastYield = performance.now();
  for (const file of files) {
    // Seeds are parsed on the workers while this goes on: their replies need the event loop now and then.
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    let stamp: FileStamp;
    try {
      const stats = statSync(file.absPath);
      stamp = { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
    } catch {
      seed(file);
      continue;
    }
    if (stamp.size === 0) {
      if (input.exhaustive) seed(file);
      continue;
    }
    let record = cache?.get(file.absPath, stamp);
    if (!record) {
      const bytes = stamp.size > input.maxFileBytes ? undefined : readBytes(file.absPath);
      if (bytes === undefined || bytes.subarray(0, 8192).includes(0)) {
        seed(file);
        continue;
      }
      record = scan(file, bytes);
      cache?.set(file.absPath, stamp, record);
    }
    input.declared.add(file.language, input.packageOf(file).id, record.declared);
    if (input.exhaustive || record.seed) seed(file);
    else rest.push({ file, words: record.hashes ?? new Uint32Array(), definitions: record.definitions, members: record.members, reads: record.reads });
  }
  return { seeds: seedCount, rest };
}

/**
 * Parses only what can matter: files whose text names a write, a spawn or a runtime, then, round by
 * round, the files whose text can hold a function on a path to them (see `NameFollower`), as the
 * linkers would resolve the names.
 */
export async function extractSelected(files: readonly DiscoveredFile[], input: SelectionInput): Promise<SelectionResult> {
  const cache = input.cache ? new TextIndexCache(input.cache.dir, input.cache.salt, commonDirectory(files.map((file) => file.absPath))) : undefined;
  const seedBatch = input.extraction();
  const { seeds, rest } = await textPass(files, input, cache, seedBatch);
  trace(() => `text pass: ${seeds} of ${files.length} files are seeds`);
  cache?.save();
  const extracted: ExtractedFile[] = [];
  const skipped: Skipped[] = [];
  const extract = (batch: readonly TextEntry[]): Promise<ExtractionResult> => {
    const extraction = input.extraction();
    for (const entry of batch) extraction.add(entry.file);
    return extraction.finish();
  };
  let fromCache = 0;
  const absorb = (result: ExtractionResult): void => {
    extracted.push(...result.extracted);
    skipped.push(...result.skipped);
    fromCache += result.fromCache ?? 0;
  };
  absorb(await seedBatch.finish());
  trace(() => 'seeds parsed');

  const reach = input.reach ?? (() => true);
  const javascript = new JavascriptModules(() =>
    [...(input.context ?? []).map(({ file }) => file), ...files]
      .filter((file) => file.language === 'javascript')
      .map((file) => ({ absPath: file.absPath, pkg: { name: '', deps: {}, inProject: false, ...input.packageOf(file) } })),
  );
  const follower = new NameFollower(input.declared, reach, javascript);
  const asParsed = ({ file, facts }: ExtractedFile): ParsedFile => {
    const pkg = input.packageOf(file);
    return { absPath: file.absPath, facts, packageId: pkg.id, packageRoot: pkg.root };
  };
  const context = (input.context ?? []).map(asParsed);
  let remaining = rest;
  let rounds = 0;
  let parsedTheRest = false;
  let previousBatch = extracted.length;
  /**
   * The files the specs reach (`batch`), and the others. Without `withReaders`, files only a reader
   * spec reaches stay out of the batch and are counted in `readersOnly`.
   */
  const selectBatch = (specs: FollowSpecs, entries: readonly TextEntry[], withReaders: boolean): { batch: TextEntry[]; still: TextEntry[]; readersOnly: number } => {
    const direct = new SpecMatcher(specs.direct);
    const bridgeCallers = new SpecMatcher(specs.bridgeCallers);
    const bridgeCallees = new SpecMatcher(specs.bridgeCallees);
    const readerCallers = new SpecMatcher(specs.readerCallers);
    const readerCallees = new SpecMatcher(specs.readerCallees);
    const modules = new SpecMatcher(specs.modules);
    const readerModules = new SpecMatcher(specs.readerModules);
    // Each way in needs a word of the direct, bridge-callee or reader-callee sets, or names the file.
    const keys = new KeyWordFilter([direct.words, bridgeCallees.words, readerCallees.words, modules.words, readerModules.words]);
    const named = (absPath: string): boolean => direct.files.has(absPath) || bridgeCallees.files.has(absPath) || readerCallees.files.has(absPath);
    const batch: TextEntry[] = [];
    const still: TextEntry[] = [];
    let readersOnly = 0;
    for (const entry of entries) {
      if (!keys.mayMatch(entry.words) && !named(entry.file.absPath)) {
        still.push(entry);
        continue;
      }
      const { language, absPath } = entry.file;
      // Computed once per file, not once per word set that matches it (thousands in a crate tree).
      let stem: string | undefined;
      let packageId: string | undefined;
      const reaches = new Map<string, boolean>();
      const reachedFrom = new Map<string, boolean>();
      const memo = (known: Map<string, boolean>, other: string, compute: (own: string) => boolean): boolean => {
        let answer = known.get(other);
        if (answer === undefined) {
          answer = compute((packageId ??= input.packageOf(entry.file).id));
          known.set(other, answer);
        }
        return answer;
      };
      const accept = (spec: TextSpec): boolean =>
        spec.language === language &&
        (spec.stem === undefined || spec.stem === (stem ??= fileStem(absPath))) &&
        (spec.under === undefined || absPath.startsWith(spec.under)) &&
        (spec.reaches === undefined || memo(reaches, spec.reaches, (own) => reach(own, spec.reaches!))) &&
        (spec.reachedFrom === undefined || memo(reachedFrom, spec.reachedFrom, (own) => reach(spec.reachedFrom!, own)));
      const forWrites = direct.matches(entry, accept) || modules.matches(entry, accept) || (bridgeCallees.matches(entry, accept) && bridgeCallers.matches(entry, accept));
      const forReaders = !forWrites && (readerModules.matches(entry, accept) || (readerCallees.matches(entry, accept) && (entry.reads || readerCallers.matches(entry, accept))));
      if (forWrites || (forReaders && withReaders)) {
        batch.push(entry);
        continue;
      }
      if (forReaders) readersOnly += 1;
      still.push(entry);
    }
    return { batch, still, readersOnly };
  };
  // With the analysis at hand, readers are followed only where a finding will look for one: first
  // the writes and spawns to a fixpoint, then the readers of the findings that makes, until the
  // findings' reader starts stop changing (a runtime's write, as in the EdgeDB audit, names none).
  let readersFrom: ((absPath: string, key: string) => boolean) | undefined;
  let startsSeen: string | undefined;
  while (remaining.length > 0) {
    if (files.length >= MIN_FILES_FOR_BUDGET && extracted.length > FOLLOW_BUDGET * files.length) {
      absorb(await extract(remaining));
      parsedTheRest = true;
      break;
    }
    rounds += 1;
    // Before the analysis is asked, the specs follow every region's readers, but only to see whether any file waits for them.
    const withReaders = input.readerStarts === undefined || startsSeen !== undefined;
    const { batch, still, readersOnly } = selectBatch(follower.specs([...context, ...extracted.map(asParsed)], readersFrom), remaining, withReaders);
    remaining = still;
    trace(() => `round ${rounds}: ${batch.length} files to parse`);
    if (batch.length === 0) {
      // A pre-commit run usually ends here: no file waits for a reader, nothing to ask the analysis.
      if (!input.readerStarts || (startsSeen === undefined && readersOnly === 0)) break;
      const starts = await input.readerStarts([...(input.context ?? []), ...extracted]);
      const seen = [...starts].sort().join('\n');
      // The same starts as last time, or none at all (a write inside a runtime names no reader): done.
      if (seen === startsSeen || starts.size === 0) break;
      startsSeen = seen;
      readersFrom = (absPath, key) => starts.has(`${absPath}\0${key}`);
      continue;
    }
    if (files.length >= MIN_FILES_FOR_BUDGET && batch.length > EXPLODING_GROWTH * previousBatch && extracted.length + batch.length > EXPLODING_SHARE * files.length) {
      absorb(await extract([...batch, ...remaining]));
      parsedTheRest = true;
      break;
    }
    absorb(await extract(batch));
    previousBatch = batch.length;
  }
  const order = new Map(files.map((file, index) => [file, index]));
  extracted.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
  return { extracted, skipped, fromCache, stats: { present: files.length, seeds, parsed: extracted.length, rounds, parsedTheRest } };
}
