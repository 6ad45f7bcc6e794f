import path from 'node:path';
import type { FactCache } from '../cache/factCache.ts';
import { catalogsFor } from '../catalog/load.ts';
import type { Catalog, CatalogEntry } from '../catalog/types.ts';
import { languageAdapter } from '../languages/registry.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { readSource } from './read.ts';
import type { FileFacts, Language } from './types.ts';

export interface ExtractTask {
  absPath: string;
  id: string;
  language: Language;
}

export interface ExtractSettings {
  maxFileBytes: number;
  extraCatalog?: Partial<Record<Language, CatalogEntry[]>>;
}

export interface ExtractOutcome {
  facts?: FileFacts;
  skipped: Skipped[];
  fromCache: boolean;
}

export type Extractor = (task: ExtractTask) => Promise<ExtractOutcome>;

/**
 * An extractor for one run: reads a file and turns it into facts, from the cache when its content
 * was seen before. It never throws: an unreadable file or a crash inside an adapter becomes a
 * one-line `skipped` entry. One catalog object per language for the run, since adapters index a
 * catalog once per object and the cache hashes it once per object.
 */
export function createExtractor(settings: ExtractSettings, cache: FactCache | undefined): Extractor {
  const catalogFor = catalogsFor(settings.extraCatalog);
  return (task) => extractOne(task, settings, catalogFor, cache);
}

/**
 * The outcomes the cache can give without parsing: facts seen before, and files that cannot be read
 * (skipped either way). `undefined` for a file that needs parsing. What the main thread runs before
 * handing the misses to workers, so that a warm run starts none.
 */
export function createCacheReader(settings: ExtractSettings, cache: FactCache): (task: ExtractTask) => ExtractOutcome | undefined {
  const catalogFor = catalogsFor(settings.extraCatalog);
  return (task) => {
    const read = readSource(task.absPath, settings.maxFileBytes);
    if (!read.ok) return { skipped: [{ file: task.id, reason: read.reason }], fromCache: false };
    const { facts } = lookUp(task, read.text, catalogFor(task.language), cache);
    return facts ? outcome(task, facts, read.warning, true) : undefined;
  };
}

/** The file's cache key and, when the cache holds them, its facts. */
function lookUp(task: ExtractTask, text: string, catalog: Catalog, cache: FactCache | undefined): { key?: string; facts?: FileFacts } {
  if (!cache) return {};
  const key = cache.key(text, path.extname(task.absPath).toLowerCase(), catalog);
  const facts = cache.get(key);
  return facts ? { key, facts } : { key };
}

async function extractOne(task: ExtractTask, settings: ExtractSettings, catalogFor: (language: Language) => Catalog, cache: FactCache | undefined): Promise<ExtractOutcome> {
  const read = readSource(task.absPath, settings.maxFileBytes);
  if (!read.ok) return { skipped: [{ file: task.id, reason: read.reason }], fromCache: false };
  try {
    const catalog = catalogFor(task.language);
    const { key, facts: cached } = lookUp(task, read.text, catalog, cache);
    if (cached) return outcome(task, cached, read.warning, true);
    const adapter = await languageAdapter(task.language);
    const facts = adapter.extract(read.text, catalog, { extension: path.extname(task.absPath).toLowerCase() });
    if (key) cache!.set(key, facts);
    return outcome(task, facts, read.warning, false);
  } catch (error) {
    return { skipped: [{ file: task.id, reason: `internal error while analyzing (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` }], fromCache: false };
  }
}

function outcome(task: ExtractTask, facts: FileFacts, readWarning: string | undefined, fromCache: boolean): ExtractOutcome {
  const skipped: Skipped[] = [];
  if (readWarning) skipped.push({ file: task.id, reason: readWarning, severity: 'note' });
  for (const diagnostic of facts.diagnostics) {
    skipped.push({ file: task.id, reason: `${diagnostic.message}; analyzed what parsed`, severity: 'note', line: diagnostic.span.line + 1 });
  }
  return { facts, skipped, fromCache };
}
