import type { CatalogEntry } from '../../catalog/types.ts';
import type { PythonApiIndex } from './catalogIndex.ts';
import type { ClassInfo, Instance, Value } from './scope.ts';

/** Questions about classes of this file and the objects the walk tracks. */

/** Inheritance chains deeper than this are not followed (and cycles end). */
const MAX_BASES_DEPTH = 8;

/** The key of method `name` of a class of this file, looking through its bases of this file too. */
export function localMethod(cls: ClassInfo, name: string, depth = 0): string | undefined {
  const own = cls.methods.get(name);
  if (own || depth >= MAX_BASES_DEPTH) return own;
  for (const base of cls.bases) {
    if (base.kind !== 'class') continue;
    const inherited = localMethod(base.cls, name, depth + 1);
    if (inherited) return inherited;
  }
  return undefined;
}

/** What `obj.name` holds for an object of a class of this file: an attribute set through `self.name = ...`, or a method. */
export function classAttribute(cls: ClassInfo, name: string, depth = 0): Value | undefined {
  const own = cls.attributes.get(name);
  if (own) return own;
  const method = cls.methods.get(name);
  if (method) return { kind: 'function', key: method };
  if (depth >= MAX_BASES_DEPTH) return undefined;
  for (const base of cls.bases) {
    if (base.kind !== 'class') continue;
    const inherited = classAttribute(base.cls, name, depth + 1);
    if (inherited) return inherited;
  }
  return undefined;
}

/** Tracked catalog classes a class of this file derives from (`class Worker(threading.Thread)` → `threading.Thread`). */
export function catalogBases(api: PythonApiIndex, cls: ClassInfo, depth = 0): string[] {
  const out: string[] = [];
  for (const base of cls.bases) {
    if (base.kind === 'path') {
      const dotted = base.path.join('.');
      if (api.trackedClasses.has(dotted)) out.push(dotted);
    } else if (base.kind === 'class' && depth < MAX_BASES_DEPTH) {
      out.push(...catalogBases(api, base.cls, depth + 1));
    }
  }
  return out;
}

/** The catalog entry for `obj.name()` on a tracked object, also when its class derives from a tracked class. */
export function instanceMethodEntry(api: PythonApiIndex, instance: Instance, name: string): CatalogEntry | undefined {
  if (instance.catalogClass) return api.byName.get(`${instance.catalogClass}.${name}`);
  if (!instance.localClass) return undefined;
  for (const base of catalogBases(api, instance.localClass)) {
    const entry = api.byName.get(`${base}.${name}`);
    if (entry) return entry;
  }
  return undefined;
}

/** The constructor entry a class of this file inherits (`threading.Thread` for a Thread subclass). */
export function inheritedConstructor(api: PythonApiIndex, cls: ClassInfo): CatalogEntry | undefined {
  for (const base of catalogBases(api, cls)) {
    const entry = api.trackedClasses.get(base);
    if (entry) return entry;
  }
  return undefined;
}

/**
 * A hint for the linker when a method is not defined in the class of this file: the first base
 * imported from elsewhere, qualified (`['pkg', 'base', 'Base', 'name']`), else just `[name]`.
 */
export function inheritedPath(api: PythonApiIndex, cls: ClassInfo, name: string): string[] {
  for (const base of cls.bases) {
    if (base.kind === 'path' && !api.trackedClasses.has(base.path.join('.'))) return [...base.path, name];
  }
  return [name];
}

export function addCollection(instance: Instance, name: string): void {
  if (instance.collections.includes(name)) return;
  instance.collections.push(name);
  for (const spawn of instance.spawns) if (!spawn.handles.includes(name)) spawn.handles.push(name);
}
