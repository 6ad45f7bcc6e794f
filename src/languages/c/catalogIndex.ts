import type { Catalog, CatalogEntry } from '../../catalog/types.ts';

/** The catalog arranged for C lookups. Built once per catalog object. */
export interface CApiIndex {
  /** Functions whose call is an event of its own (write, read, exec, spawn, join, runtime). */
  calls: ReadonlyMap<string, CatalogEntry>;
  /** Global variables whose assignment (or element assignment) rewrites the environment (`environ`). */
  environVariables: ReadonlyMap<string, CatalogEntry>;
  /** libc symbols whose redefinition affects the whole process. */
  interposable: ReadonlyMap<string, CatalogEntry>;
}

const callKinds = new Set<CatalogEntry['kind']>(['env.write', 'env.read', 'exec', 'spawn', 'join', 'runtime']);
const variableForms = new Set<CatalogEntry['form']>(['member', 'subscript']);

const cache = new WeakMap<Catalog, CApiIndex>();

export function indexCatalog(catalog: Catalog): CApiIndex {
  const cached = cache.get(catalog);
  if (cached) return cached;
  const calls = new Map<string, CatalogEntry>();
  const environVariables = new Map<string, CatalogEntry>();
  const interposable = new Map<string, CatalogEntry>();
  for (const entry of catalog.entries) {
    let target: Map<string, CatalogEntry> | undefined;
    if (entry.kind === 'interposable') target = interposable;
    else if (entry.kind === 'env.write' && variableForms.has(entry.form)) target = environVariables;
    else if (callKinds.has(entry.kind) && (entry.form === undefined || entry.form === 'call')) target = calls;
    if (!target) continue;
    // First entry wins: built-in entries come before project extras.
    for (const name of entry.names) if (!target.has(name)) target.set(name, entry);
  }
  const index = { calls, environVariables, interposable };
  cache.set(catalog, index);
  return index;
}
