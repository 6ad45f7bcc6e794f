import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Language } from '../facts/types.ts';
import type { Catalog, CatalogEntry } from './types.ts';

const catalogDir = fileURLToPath(new URL('../../rules/catalog/', import.meta.url));

const cache = new Map<Language, Catalog>();

/** The built-in catalog of one ecosystem (`rules/catalog/<language>.json`), plus project extras. */
export function loadCatalog(language: Language, extra: readonly CatalogEntry[] = []): Catalog {
  let builtIn = cache.get(language);
  if (!builtIn) {
    builtIn = JSON.parse(readFileSync(`${catalogDir}${language}.json`, 'utf8')) as Catalog;
    cache.set(language, builtIn);
  }
  return extra.length === 0 ? builtIn : { ecosystem: language, entries: [...builtIn.entries, ...extra] };
}

/** Entries of one kind, for adapters building their lookup tables. */
export function entriesOfKind(catalog: Catalog, kind: CatalogEntry['kind']): CatalogEntry[] {
  return catalog.entries.filter((entry) => entry.kind === kind);
}
