import path from 'node:path';
import { loadCatalog } from '../catalog/load.ts';
import type { Catalog, CatalogEntry } from '../catalog/types.ts';
import type { DiscoveredFile } from '../discover/files.ts';
import { languageSupport } from '../languages/registry.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { readSource } from './read.ts';
import type { FileFacts, Language } from './types.ts';

export interface ExtractedFile {
  file: DiscoveredFile;
  facts: FileFacts;
}

export interface ExtractionResult {
  extracted: ExtractedFile[];
  skipped: Skipped[];
}

export interface ExtractionOptions {
  maxFileBytes: number;
  extraCatalog?: Partial<Record<Language, CatalogEntry[]>>;
  onFileDone?: (done: number, total: number) => void;
}

/**
 * Reads and extracts every discovered file. A file that cannot be read or parsed is skipped with a
 * one-line reason; a crash inside an adapter is contained to its file.
 */
export async function extractAll(files: readonly DiscoveredFile[], options: ExtractionOptions): Promise<ExtractionResult> {
  const extracted: ExtractedFile[] = [];
  const skipped: Skipped[] = [];
  let done = 0;
  // One catalog object per language for the whole run: adapters index a catalog once per object.
  const catalogs = new Map<Language, Catalog>();
  const catalogFor = (language: Language): Catalog => {
    let catalog = catalogs.get(language);
    if (!catalog) {
      catalog = loadCatalog(language, options.extraCatalog?.[language]);
      catalogs.set(language, catalog);
    }
    return catalog;
  };
  for (const file of files) {
    const read = readSource(file.absPath, options.maxFileBytes);
    if (!read.ok) {
      skipped.push({ file: file.id, reason: read.reason });
    } else {
      if (read.warning) skipped.push({ file: file.id, reason: read.warning, severity: 'note' });
      try {
        const { adapter } = await languageSupport(file.language);
        const catalog = catalogFor(file.language);
        const facts = adapter.extract(read.text, catalog, { extension: path.extname(file.absPath).toLowerCase() });
        for (const diagnostic of facts.diagnostics) {
          skipped.push({ file: file.id, reason: `${diagnostic.message}; analyzed what parsed`, severity: 'note', line: diagnostic.span.line + 1 });
        }
        extracted.push({ file, facts });
      } catch (error) {
        skipped.push({ file: file.id, reason: `internal error while analyzing (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` });
      }
    }
    done += 1;
    options.onFileDone?.(done, files.length);
  }
  return { extracted, skipped };
}
