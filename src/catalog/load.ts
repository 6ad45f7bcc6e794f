import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Language } from '../facts/types.ts';
import type { Catalog, CatalogEntry } from './types.ts';

const catalogDir = fileURLToPath(new URL('../../rules/catalog/', import.meta.url));

const cache = new Map<Language, Catalog>();
const displayNames = new Map<string, string>();

/** The built-in catalog of one ecosystem (`rules/catalog/<language>.json`), plus project extras. */
export function loadCatalog(language: Language, extra: readonly CatalogEntry[] = []): Catalog {
  let builtIn = cache.get(language);
  if (!builtIn) {
    builtIn = JSON.parse(readFileSync(`${catalogDir}${language}.json`, 'utf8')) as Catalog;
    cache.set(language, builtIn);
  }
  if (extra.length === 0) return builtIn;
  // A project's own entries name themselves in messages the way built-in ones do.
  for (const entry of extra) displayNames.set(`${language}:${entry.id}`, entry.display ?? entry.names[0] ?? entry.id);
  return { ecosystem: language, entries: [...builtIn.entries, ...extra] };
}

/**
 * One catalog object per language for a run (built-in entries plus the project's own): adapters
 * index a catalog once per object, and the fact cache hashes it once per object.
 */
export function catalogsFor(extra: Partial<Record<Language, CatalogEntry[]>> = {}): (language: Language) => Catalog {
  const catalogs = new Map<Language, Catalog>();
  return (language) => {
    let catalog = catalogs.get(language);
    if (!catalog) {
      catalog = loadCatalog(language, extra[language]);
      catalogs.set(language, catalog);
    }
    return catalog;
  };
}


/** How an API is named in messages: its entry's `display`, else its first name (`std::env::set_var`), else the id. */
export function apiDisplayName(language: Language, id: string): string {
  const key = `${language}:${id}`;
  let name = displayNames.get(key);
  if (name === undefined) {
    let entry: CatalogEntry | undefined;
    try {
      entry = loadCatalog(language).entries.find((candidate) => candidate.id === id);
    } catch {
      entry = undefined;
    }
    name = entry?.display ?? entry?.names[0] ?? id;
    displayNames.set(key, name);
  }
  return name;
}
