import type { Catalog, CatalogEntry } from '../../catalog/types.ts';
import { ITEM_ASSIGNMENT } from './protocol.ts';

/**
 * The catalog arranged for Python lookups. Catalog names are dotted paths (`os.environ.update`,
 * `threading.Thread.start`); the adapter expands what a call names through the file's imports and
 * aliases into the same notation and looks it up here.
 */
export interface PythonApiIndex {
  /** Functions, methods and operators by dotted name: the entry deciding what a call does. */
  byName: ReadonlyMap<string, CatalogEntry>;
  /** Dot-less names (a project's own entries, APIs reached through untyped objects), matched by the called name alone. */
  byPlainName: ReadonlyMap<string, CatalogEntry>;
  /** Classes whose instances are tracked through variables (threads, executors, thread pools) → their constructor entry, if any. */
  trackedClasses: ReadonlyMap<string, CatalogEntry | undefined>;
  /** Objects whose item assignment writes the environment (`os.environ`, `os.environb`). */
  environObjects: ReadonlySet<string>;
  /** The environment object whose methods describe writes through a parameter (`p[k] = v`, `p.update(...)`). */
  primaryEnvironObject: string | undefined;
  /** Join methods by their bare name, for receivers whose type is unknown (`handle.join()`). */
  joinMethods: ReadonlyMap<string, CatalogEntry>;
  /** Top-level modules the catalog names (`os`, `threading`): an import of one is kept over a fallback rebinding. */
  knownModules: ReadonlySet<string>;
}

/** Kinds that make a call an event; `safe` and `sync-callback` entries only document. */
const eventKinds = new Set<CatalogEntry['kind']>(['env.write', 'env.read', 'exec', 'spawn', 'join', 'runtime']);

const cache = new WeakMap<Catalog, PythonApiIndex>();

export function indexCatalog(catalog: Catalog): PythonApiIndex {
  const cached = cache.get(catalog);
  if (cached) return cached;
  const byName = new Map<string, CatalogEntry>();
  const byPlainName = new Map<string, CatalogEntry>();
  const trackedClasses = new Map<string, CatalogEntry | undefined>();
  const environObjects = new Set<string>();
  const joinMethods = new Map<string, CatalogEntry>();
  const knownModules = new Set<string>();
  for (const entry of catalog.entries) {
    if (!eventKinds.has(entry.kind)) continue;
    for (const name of entry.names) {
      const dot = name.lastIndexOf('.');
      // First entry wins: built-in entries come before project extras.
      const table = dot < 0 ? byPlainName : byName;
      if (!table.has(name)) table.set(name, entry);
      if (dot < 0) continue;
      knownModules.add(name.slice(0, name.indexOf('.')));
      const owner = name.slice(0, dot);
      const member = name.slice(dot + 1);
      if (entry.form === 'constructor') trackedClasses.set(name, entry);
      else if (entry.form === 'method' && (entry.kind === 'spawn' || entry.kind === 'join') && !trackedClasses.has(owner)) trackedClasses.set(owner, undefined);
      if (entry.kind === 'env.write' && member === ITEM_ASSIGNMENT) environObjects.add(owner);
      if (entry.kind === 'join' && entry.form === 'method' && !isDunder(member) && !joinMethods.has(member)) joinMethods.set(member, entry);
    }
  }
  const index: PythonApiIndex = {
    byName,
    byPlainName,
    trackedClasses,
    environObjects,
    primaryEnvironObject: environObjects.values().next().value,
    joinMethods,
    knownModules,
  };
  cache.set(catalog, index);
  return index;
}

export function isDunder(name: string): boolean {
  return name.length > 4 && name.startsWith('__') && name.endsWith('__');
}
