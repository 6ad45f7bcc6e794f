import type { Catalog, CatalogEntry } from '../../catalog/types.ts';

/**
 * Lookup tables over the Rust catalog. Catalog names are fully qualified paths (`std::env::set_var`);
 * method entries name their type (`std::thread::JoinHandle::join`), so a method call is matched by
 * what the adapter knows about where its receiver came from (see `lookupMethod`).
 */

export interface MethodEntry {
  entry: CatalogEntry;
  /** `std::thread::JoinHandle`: the type (or trait) the method belongs to. */
  typePath: string;
  /** `std::thread`: the module that type lives in. */
  module: string;
  crate: string;
  /** `JoinHandle`. */
  typeName: string;
}

export interface RustCatalogIndex {
  /** Plain function and associated-function paths (`std::env::set_var`, `tokio::runtime::Runtime::new`). */
  byPath: Map<string, CatalogEntry[]>;
  /** Project extras named by a bare function name (`set_env_locked`): matched on the last segment. */
  byBareName: Map<string, CatalogEntry[]>;
  /** Method entries by method name. */
  methods: Map<string, MethodEntry[]>;
  /** Attribute entries (`tokio::main`). */
  attributes: Map<string, CatalogEntry>;
  /** libc symbols whose redefinition is interposition (`malloc`). */
  interposable: Map<string, CatalogEntry>;
  /**
   * Join entries that share a name with a spawn entry (`rayon::join`, `par_iter`, `install`): the
   * call waits for the threads it starts itself, so the join means nothing without the spawn.
   */
  waitsForOwnThreads: Set<CatalogEntry>;
}

const indexes = new WeakMap<Catalog, RustCatalogIndex>();

export function indexCatalog(catalog: Catalog): RustCatalogIndex {
  const cached = indexes.get(catalog);
  if (cached) return cached;
  const index: RustCatalogIndex = {
    byPath: new Map(),
    byBareName: new Map(),
    methods: new Map(),
    attributes: new Map(),
    interposable: new Map(),
    waitsForOwnThreads: new Set(),
  };
  for (const entry of catalog.entries) {
    for (const name of entry.names) addEntry(index, entry, name);
  }
  const spawnNames = new Set(catalog.entries.filter((entry) => entry.kind === 'spawn').flatMap((entry) => entry.names));
  for (const entry of catalog.entries) {
    if (entry.kind === 'join' && entry.names.some((name) => spawnNames.has(name))) index.waitsForOwnThreads.add(entry);
  }
  indexes.set(catalog, index);
  return index;
}

function addEntry(index: RustCatalogIndex, entry: CatalogEntry, name: string): void {
  if (entry.kind === 'interposable') {
    index.interposable.set(name, entry);
    return;
  }
  if (entry.form === 'attribute') {
    index.attributes.set(name, entry);
    return;
  }
  const segments = name.split('::');
  if (entry.form === 'method' && segments.length >= 2) {
    const method = segments[segments.length - 1]!;
    const typeSegments = segments.slice(0, -1);
    const methodEntry: MethodEntry = {
      entry,
      typePath: typeSegments.join('::'),
      module: typeSegments.slice(0, -1).join('::'),
      crate: segments[0]!,
      typeName: typeSegments[typeSegments.length - 1]!,
    };
    push(index.methods, method, methodEntry);
    return;
  }
  if (segments.length === 1) push(index.byBareName, name, entry);
  else push(index.byPath, name, entry);
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Entries for a call through a path (already expanded through `use` declarations). */
export function lookupPath(index: RustCatalogIndex, path: readonly string[]): CatalogEntry[] {
  const direct = index.byPath.get(path.join('::'));
  if (direct) return direct;
  const last = path[path.length - 1];
  return (last !== undefined && index.byBareName.get(last)) || [];
}

export interface MethodCallShape {
  method: string;
  /**
   * Where the receiver came from, when known: the expanded path of the call at the root of its
   * chain (`std::process::Command::new`, `std::thread::spawn`), or the scope function whose closure
   * parameter it is (`std::thread::scope`).
   */
  origin?: readonly string[];
  argumentCount: number;
  /** Is this type or trait path imported by name where the call is (`use std::net::ToSocketAddrs;`)? */
  isImported: (typePath: string) => boolean;
  /** Sources of the glob imports in scope (`rayon::prelude` for `use rayon::prelude::*;`). */
  globs: readonly string[];
}

/** Crates whose method names are too common to match without knowing the receiver's type. */
const PRELUDE_CRATES = new Set(['std', 'core', 'alloc']);

/**
 * Method entries that a call may be, most specific evidence first:
 * 1. the receiver's origin is a constructor of the entry's type (`Command::new(..).spawn()`);
 * 2. the origin is in the entry's module (`std::thread::scope` → `std::thread::Scope::spawn`);
 * 3. the origin is in the entry's crate (`tokio::spawn(..)` → `tokio::task::JoinHandle::await`);
 * 4. receivers of unknown type: joins by name, and methods of traits or types the file imports
 *    (`use rayon::prelude::*` brings `par_iter` into scope); a receiver of another known type
 *    (`pool: MyPool`) only keeps the join-by-name.
 * Entries that cannot fit the call's shape are dropped first: a spawn needs its body argument and
 * a plain join (`JoinHandle::join`, `.await`) takes no argument, unlike `Path::join(p)`.
 */
export function lookupMethod(index: RustCatalogIndex, call: MethodCallShape): CatalogEntry[] {
  const candidates = (index.methods.get(call.method) ?? []).filter((candidate) => fitsShape(candidate.entry, call.argumentCount));
  if (candidates.length === 0) return [];
  const origin = call.origin;
  const originType = origin && typeOfOrigin(origin);
  if (origin && origin.length > 0) {
    const levels: Array<(candidate: MethodEntry) => boolean> = [
      (candidate) => originType !== undefined && candidate.typePath === originType,
      (candidate) => candidate.module === moduleOfOrigin(origin),
      (candidate) => candidate.crate === origin[0],
    ];
    for (const level of levels) {
      const matched = candidates.filter(level);
      if (matched.length > 0) return withoutLoneWaits(index, sameType(preferNamedLike(matched, origin[origin.length - 1]!)));
    }
  }
  const unknownReceiver = candidates.filter(
    (candidate) =>
      isPlainJoin(candidate.entry) ||
      (originType === undefined && (call.isImported(candidate.typePath) || call.globs.some((glob) => globBrings(glob, candidate)))),
  );
  return withoutLoneWaits(index, sameType(unknownReceiver));
}

function withoutLoneWaits(index: RustCatalogIndex, matched: MethodEntry[]): CatalogEntry[] {
  const entries = matched.map((candidate) => candidate.entry);
  if (entries.some((entry) => entry.kind === 'spawn')) return entries;
  return entries.filter((entry) => !index.waitsForOwnThreads.has(entry));
}

/** `use std::net::*` brings that module's traits; a glob from another crate (its prelude) brings the crate's. */
function globBrings(glob: string, candidate: MethodEntry): boolean {
  if (glob === candidate.module) return true;
  return !PRELUDE_CRATES.has(candidate.crate) && glob.split('::')[0] === candidate.crate;
}

function fitsShape(entry: CatalogEntry, argumentCount: number): boolean {
  if (entry.kind === 'spawn' && entry.bodyArg !== undefined && entry.bodyArg >= argumentCount) return false;
  if (isPlainJoin(entry) && argumentCount > 0) return false;
  return true;
}

function isPlainJoin(entry: CatalogEntry): boolean {
  return entry.kind === 'join' && entry.bodyArg === undefined && entry.handleArg === undefined;
}

/** `std::process::Command::new` → `std::process::Command`; free functions have no type. */
function typeOfOrigin(origin: readonly string[]): string | undefined {
  if (origin.length < 2) return undefined;
  const owner = origin[origin.length - 2]!;
  return isTypeName(owner) ? origin.slice(0, -1).join('::') : undefined;
}

function moduleOfOrigin(origin: readonly string[]): string {
  const owner = origin.slice(0, -1);
  while (owner.length > 0 && isTypeName(owner[owner.length - 1]!)) owner.pop();
  return owner.join('::');
}

export function isTypeName(segment: string): boolean {
  const first = segment.charCodeAt(0);
  return first >= 65 && first <= 90;
}

/** `std::thread::scope` hands out a `Scope`: among equal candidates prefer the type named like the origin. */
function preferNamedLike(candidates: MethodEntry[], originName: string): MethodEntry[] {
  const lower = originName.toLowerCase();
  const named = candidates.filter((candidate) => candidate.typeName.toLowerCase() === lower);
  return named.length > 0 ? named : candidates;
}

/** Keeps the entries of the first candidate's type: several kinds of one API, never two APIs. */
function sameType(candidates: MethodEntry[]): MethodEntry[] {
  const first = candidates[0];
  if (!first) return [];
  return candidates.filter((candidate) => candidate.typePath === first.typePath);
}
