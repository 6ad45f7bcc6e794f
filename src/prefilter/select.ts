import { readFileSync, statSync } from 'node:fs';
import type { Catalog } from '../catalog/types.ts';
import type { DiscoveredFile } from '../discover/files.ts';
import type { ExtractedFile, ExtractionResult } from '../facts/extract.ts';
import type { BodyRef, CalleeRef, FileFacts, FunctionFact, Language } from '../facts/types.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { definitionMatcher, seedTokens, wordMatchers } from './tokens.ts';

export interface SelectionStats {
  /** Source files considered. */
  present: number;
  /** Files whose text names a write, a spawn or a runtime. */
  seeds: number;
  /** Files parsed in the end (seeds plus the files on paths to them). */
  parsed: number;
  /** Rounds of following names until nothing new turned up. */
  rounds: number;
}

export interface SelectionResult extends ExtractionResult {
  stats: SelectionStats;
}

/** Texts of files not parsed yet are kept for the next rounds up to this many bytes in all (then re-read). */
const TEXT_KEEP_BYTES = 64 * 1024 * 1024;

function readLatin1(absPath: string): string | undefined {
  try {
    // Tokens are ASCII: latin1 decoding is the cheapest lossless view of the bytes for matching them.
    return readFileSync(absPath).toString('latin1');
  } catch {
    return undefined;
  }
}

/** Names a call may be written with in another file: the callee's name and its path segments. */
function calleeWords(callee: CalleeRef, into: Set<string>): void {
  into.add(callee.name);
  for (const segment of callee.path) into.add(segment);
  if (callee.receiverCall) calleeWords(callee.receiverCall, into);
}

function bodyWords(body: BodyRef, into: Set<string>): void {
  if ('callee' in body) calleeWords(body.callee, into);
}

interface FunctionView {
  fn: FunctionFact;
  file: FileFacts;
}

/**
 * The names to look for in files not parsed yet, so that every function on a path to a write, a
 * spawn or a runtime gets parsed:
 * - backward: names of functions that write, spawn, run a runtime or (transitively, by name) call one;
 *   their callers must mention them;
 * - forward: names called from thread and callback bodies (their readers and writes) and from calls
 *   that hand the environment to another function (a parameter write elsewhere).
 */
export function namesToFollow(files: readonly FileFacts[]): Set<string> {
  const functions: FunctionView[] = files.flatMap((file) => file.functions.map((fn) => ({ fn, file })));
  const byName = new Map<string, FunctionView[]>();
  for (const view of functions) {
    for (const word of [view.fn.name, view.fn.container]) {
      if (!word) continue;
      const list = byName.get(word) ?? [];
      list.push(view);
      byName.set(word, list);
    }
  }
  const callWords = new Map<FunctionView, Set<string>>();
  for (const view of functions) {
    const words = new Set<string>();
    for (const event of view.fn.events) if (event.kind === 'call') calleeWords(event.callee, words);
    callWords.set(view, words);
  }

  const interesting = new Set<FunctionView>(
    functions.filter(({ fn }) => fn.runtime || fn.interposes || fn.events.some((event) => event.kind === 'env.write' || event.kind === 'spawn')),
  );
  const interestingNames = new Set<string>();
  const addNames = (view: FunctionView): void => {
    interestingNames.add(view.fn.name);
    if (view.fn.container) interestingNames.add(view.fn.container);
  };
  interesting.forEach(addNames);
  for (let changed = true; changed; ) {
    changed = false;
    for (const view of functions) {
      if (interesting.has(view)) continue;
      for (const word of callWords.get(view)!) {
        if (!interestingNames.has(word)) continue;
        interesting.add(view);
        addNames(view);
        changed = true;
        break;
      }
    }
  }

  const follow = new Set(interestingNames);
  const bodies: FunctionView[] = [];
  for (const view of functions) {
    for (const event of view.fn.events) {
      if ((event.kind === 'spawn' || event.kind === 'defer') && event.body) {
        bodyWords(event.body, follow);
        const local = 'local' in event.body ? event.body.local : event.body.callee.local;
        const target = local !== undefined ? view.file.functions.find((fn) => fn.key === local) : undefined;
        if (target) bodies.push({ fn: target, file: view.file });
      }
      if (event.kind === 'call' && event.args?.some((arg) => arg !== null)) calleeWords(event.callee, follow);
    }
  }
  const reached = new Set<FunctionView>(bodies);
  const queue = [...bodies];
  for (let head = 0; head < queue.length; head += 1) {
    for (const word of callWords.get(queue[head]!) ?? []) {
      follow.add(word);
      for (const next of byName.get(word) ?? []) {
        if (reached.has(next)) continue;
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return follow;
}

/**
 * Parses only what can matter: files whose text names a write, a spawn or a runtime, then, round by
 * round, the files that mention the names of functions on a path to them. Files that cannot be read,
 * are empty, too large or binary go straight to extraction, which reports why they are skipped.
 */
export async function extractSelected(
  files: readonly DiscoveredFile[],
  catalogFor: (language: Language) => Catalog,
  maxFileBytes: number,
  extract: (batch: DiscoveredFile[]) => Promise<ExtractionResult>,
  /** Facts already extracted elsewhere (the project's own files, in an audit) that calls may come from. */
  context: readonly FileFacts[] = [],
): Promise<SelectionResult> {
  const seedMatchers = new Map<Language, RegExp[]>();
  const definitionMatchers = new Map<Language, RegExp | undefined>();
  const matchersFor = (language: Language): { seeds: RegExp[]; definitions: RegExp | undefined } => {
    if (!seedMatchers.has(language)) {
      seedMatchers.set(language, wordMatchers(seedTokens(catalogFor(language))));
      definitionMatchers.set(language, definitionMatcher(catalogFor(language)));
    }
    return { seeds: seedMatchers.get(language)!, definitions: definitionMatchers.get(language) };
  };

  const seeds: DiscoveredFile[] = [];
  const rest: DiscoveredFile[] = [];
  const kept = new Map<DiscoveredFile, string>();
  let keptBytes = 0;
  for (const file of files) {
    let size: number;
    try {
      size = statSync(file.absPath).size;
    } catch {
      seeds.push(file);
      continue;
    }
    const text = size === 0 || size > maxFileBytes ? undefined : readLatin1(file.absPath);
    if (text === undefined || text.slice(0, 8192).includes('\0')) {
      seeds.push(file);
      continue;
    }
    const { seeds: matchers, definitions } = matchersFor(file.language);
    if (matchers.some((matcher) => matcher.test(text)) || definitions?.test(text)) {
      seeds.push(file);
    } else {
      rest.push(file);
      if (keptBytes + text.length <= TEXT_KEEP_BYTES) {
        kept.set(file, text);
        keptBytes += text.length;
      }
    }
  }

  const extracted: ExtractedFile[] = [];
  const skipped: Skipped[] = [];
  const absorb = (result: ExtractionResult): void => {
    extracted.push(...result.extracted);
    skipped.push(...result.skipped);
  };
  absorb(await extract(seeds));

  const searched = new Set<string>();
  let remaining = rest;
  let rounds = 0;
  while (remaining.length > 0) {
    const names = [...namesToFollow([...context, ...extracted.map((e) => e.facts)])].filter((name) => !searched.has(name));
    if (names.length === 0) break;
    names.forEach((name) => searched.add(name));
    const matchers = wordMatchers(names);
    const batch: DiscoveredFile[] = [];
    const still: DiscoveredFile[] = [];
    for (const file of remaining) {
      const text = kept.get(file) ?? readLatin1(file.absPath) ?? '';
      if (matchers.some((matcher) => matcher.test(text))) {
        batch.push(file);
        kept.delete(file);
      } else {
        still.push(file);
      }
    }
    remaining = still;
    rounds += 1;
    if (batch.length === 0) break;
    absorb(await extract(batch));
  }
  const order = new Map(files.map((file, index) => [file, index]));
  extracted.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
  return { extracted, skipped, stats: { present: files.length, seeds: seeds.length, parsed: files.length - remaining.length, rounds } };
}
