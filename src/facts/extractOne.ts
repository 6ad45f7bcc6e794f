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

async function extractOne(task: ExtractTask, settings: ExtractSettings, catalogFor: (language: Language) => Catalog, cache: FactCache | undefined): Promise<ExtractOutcome> {
  const skipped: Skipped[] = [];
  const read = readSource(task.absPath, settings.maxFileBytes);
  if (!read.ok) return { skipped: [{ file: task.id, reason: read.reason }], fromCache: false };
  if (read.warning) skipped.push({ file: task.id, reason: read.warning, severity: 'note' });
  try {
    const catalog = catalogFor(task.language);
    const extension = path.extname(task.absPath).toLowerCase();
    const key = cache?.key(read.text, extension, catalog);
    let facts = key ? cache!.get(key) : undefined;
    const fromCache = facts !== undefined;
    if (!facts) {
      const adapter = await languageAdapter(task.language);
      facts = adapter.extract(read.text, catalog, { extension });
      if (key) cache!.set(key, facts);
    }
    for (const diagnostic of facts.diagnostics) {
      skipped.push({ file: task.id, reason: `${diagnostic.message}; analyzed what parsed`, severity: 'note', line: diagnostic.span.line + 1 });
    }
    return { facts, skipped, fromCache };
  } catch (error) {
    return { skipped: [{ file: task.id, reason: `internal error while analyzing (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` }], fromCache: false };
  }
}
