import type { CalleeRef, FunctionFact } from '../../facts/types.ts';
import { declaredByFacts, MAX_METHODS_BY_NAME, type DeclaredNames } from '../../link/declaredNames.ts';
import { eventRef, functionId, type CallTargets, type FunctionId, type LinkFile, type Linker } from '../types.ts';
import { Crate, type FileInfo } from './crateIndex.ts';
import { moduleOfFile } from './modules.ts';

/**
 * Resolves Rust calls across the files of a crate and into its dependencies. Paths arrive already
 * expanded through each file's `use` declarations (`crate::config::apply`,
 * `openssl_probe::init_ssl_cert_env_vars`, `self::a::f` relative to the file's module), so what is
 * left is module paths, `pub use` re-exports, `Type::assoc` and method names.
 */


/** Re-export chains are short in practice; the bound only protects against cycles. */
const MAX_REEXPORT_DEPTH = 6;

class RustProgram {
  private readonly crates = new Map<string, Crate>();
  readonly files: FileInfo[] = [];

  constructor(
    files: readonly LinkFile[],
    private readonly declared: DeclaredNames,
  ) {
    for (const file of files) {
      if (file.facts.language !== 'rust') continue;
      let crate = this.crates.get(file.pkg.id);
      if (!crate) {
        crate = new Crate(file.pkg);
        this.crates.set(file.pkg.id, crate);
      }
      const info: FileInfo = { file, module: moduleOfFile(file.path, file.pkg.root), crate };
      crate.addFile(info);
      this.files.push(info);
    }
  }

  resolve(callee: CalleeRef, from: FileInfo, caller: FunctionFact): FunctionId[] {
    if (callee.local) return [functionId(from.file.id, callee.local)];
    if (callee.receiver !== undefined) return this.resolveMethod(callee, from, caller);
    return this.resolvePath(callee.path, from, 0);
  }

  /**
   * `self.m()` → the caller's own type first; a receiver of a declared type (path `Type::m`) → that
   * type's method; otherwise every method of that name in reach, if few.
   */
  private resolveMethod(callee: CalleeRef, from: FileInfo, caller: FunctionFact): FunctionId[] {
    if (callee.receiver === 'self' && caller.container) {
      const own = from.crate.associatedFunction(caller.container, callee.name, this.moduleOf(from, caller));
      if (own) return own;
    }
    if (callee.path.length > 1) {
      const typed = this.resolvePath(callee.path, from, 0);
      if (typed.length > 0) return typed;
      // A type we know without that method: it comes from a trait or the standard library.
      const typeName = callee.path[callee.path.length - 2]!;
      if ([from.crate, ...this.dependencies(from.crate)].some((crate) => crate.associated.has(typeName))) return [];
    }
    const inReach = [from.crate, ...this.dependencies(from.crate)];
    const candidates = inReach.flatMap((crate) => crate.methods.get(callee.name) ?? []);
    // Counted on the text of every file in reach, so that parsing fewer files does not change the decision.
    if (this.declared.count('rust', callee.name, inReach.map((crate) => crate.pkg.id)) <= MAX_METHODS_BY_NAME) return candidates.map((candidate) => candidate.id);
    // Too many: a value's type is usually named in the calling file (imported or defined there).
    const named = this.typesNamedIn(from);
    return candidates.filter((candidate) => named.has(candidate.container)).map((candidate) => candidate.id);
  }

  private readonly namedTypes = new Map<string, Set<string>>();

  /** Type names a file imports or defines methods for. */
  private typesNamedIn(from: FileInfo): Set<string> {
    let names = this.namedTypes.get(from.file.id);
    if (!names) {
      names = new Set([
        ...from.file.facts.imports.filter((entry) => entry.kind === 'use').map((entry) => entry.imported),
        ...from.file.facts.functions.flatMap((fn) => (fn.container ? [fn.container] : [])),
      ]);
      this.namedTypes.set(from.file.id, names);
    }
    return names;
  }

  /** The module a function is defined in: its file's module plus any inline modules. */
  private moduleOf(from: FileInfo, fn: FunctionFact): string {
    const inline = fn.qualifiedName.split('::').slice(0, fn.container ? -2 : -1);
    return [...from.module, ...inline].join('::');
  }

  private dependencies(crate: Crate): Crate[] {
    return Object.values(crate.pkg.deps).flatMap((id) => {
      const dep = this.crates.get(id);
      return dep && dep !== crate ? [dep] : [];
    });
  }

  /** Results per (file, path): re-export and glob chains revisit the same lookups exponentially often otherwise. */
  private readonly pathMemo = new Map<string, FunctionId[]>();

  private resolvePath(path: readonly string[], from: FileInfo, depth: number): FunctionId[] {
    const key = `${from.file.id}\u0000${path.join('::')}`;
    const known = this.pathMemo.get(key);
    if (known) return known;
    // Seeded empty so that a cycle of re-exports ends instead of recursing.
    this.pathMemo.set(key, []);
    const found = this.resolvePathUncached(path, from, depth);
    this.pathMemo.set(key, found);
    return found;
  }

  private resolvePathUncached(path: readonly string[], from: FileInfo, depth: number): FunctionId[] {
    const [first, ...rest] = path;
    if (first === undefined || depth > MAX_REEXPORT_DEPTH) return [];
    const crate = from.crate;
    if (first === 'crate') return this.inModule(crate, [], rest, depth);
    if (first === 'self' || first === 'super') {
      let ups = 0;
      let index = first === 'self' ? 1 : 0;
      while (path[index] === 'super') {
        ups += 1;
        index += 1;
      }
      return this.inModule(crate, from.module.slice(0, Math.max(0, from.module.length - ups)), path.slice(index), depth);
    }
    const depId = crate.pkg.deps[first];
    const dep = depId !== undefined ? this.crates.get(depId) : undefined;
    if (dep) return this.inModule(dep, [], rest, depth);
    // A binary naming its own library crate.
    if (first === crate.pkg.name) return this.inModule(crate, [], rest, depth);
    // Rust 2018 paths are relative to the current module; 2015 ones to the crate root.
    const relative = this.inModule(crate, from.module, path, depth);
    if (relative.length > 0) return relative;
    if (from.module.length > 0) {
      const fromRoot = this.inModule(crate, [], path, depth);
      if (fromRoot.length > 0) return fromRoot;
    }
    if (path.length === 1) {
      const viaGlob = this.throughGlobs(from, first, depth);
      if (viaGlob.length > 0) return viaGlob;
    }
    if (path.length >= 2) return this.associatedAnywhere(crate, path[path.length - 2]!, path[path.length - 1]!);
    return [];
  }

  /** `use crate::config::*;` then `apply()`. */
  private throughGlobs(from: FileInfo, name: string, depth: number): FunctionId[] {
    for (const glob of from.file.facts.imports) {
      if (glob.kind !== 'use' || glob.imported !== '*') continue;
      const found = this.resolvePath([...glob.source.split('::'), name], from, depth + 1);
      if (found.length > 0) return found;
    }
    return [];
  }

  /** `Type::assoc` where `Type` came from anywhere: by container name in the crate, then its dependencies. */
  private associatedAnywhere(crate: Crate, container: string, name: string): FunctionId[] {
    for (const candidate of [crate, ...this.dependencies(crate)]) {
      const found = candidate.associatedFunction(container, name);
      if (found) return found;
    }
    return [];
  }

  private inModule(crate: Crate, module: readonly string[], segments: readonly string[], depth: number): FunctionId[] {
    const [head, ...rest] = segments;
    if (head === undefined) return [];
    const moduleKey = module.join('::');
    if (rest.length === 0) {
      return crate.free.get(moduleKey)?.get(head) ?? this.reexported(crate, moduleKey, head, [], depth);
    }
    const inner = [...module, head];
    // A module's items are in that module or nowhere: falling back to `head` as a re-exported name
    // would send the lookup through the module's globs again with a longer path, exponentially.
    if (crate.modules.has(inner.join('::'))) return this.inModule(crate, inner, rest, depth);
    // `Type::f`: the type defined in this module, else re-exported into it, else any of that name.
    if (rest.length === 1) {
      const here = crate.associatedFunction(head, rest[0]!, moduleKey, true);
      if (here) return here;
    }
    const reexported = this.reexported(crate, moduleKey, head, rest, depth);
    if (reexported.length > 0 || rest.length !== 1) return reexported;
    return crate.associatedFunction(head, rest[0]!) ?? [];
  }

  /** `pub use inner::apply;` (or `pub use inner::*;`) in a file of that module. */
  private reexported(crate: Crate, moduleKey: string, name: string, rest: readonly string[], depth: number): FunctionId[] {
    for (const info of crate.moduleFiles.get(moduleKey) ?? []) {
      const { imports, exports = [] } = info.file.facts;
      for (const exported of exports) {
        if (exported.exported !== name) continue;
        const target = imports.find((entry) => entry.local === exported.local && entry.imported !== '*');
        if (!target) continue;
        const base = target.source.split('::');
        const path = target.imported === 'self' ? base : [...base, target.imported];
        const found = this.resolvePath([...path, ...rest], info, depth + 1);
        if (found.length > 0) return found;
      }
      // Each glob once, however many `pub use …::*` lines re-export globs.
      if (!exports.some((exported) => exported.exported === '*')) continue;
      for (const glob of imports) {
        if (glob.imported !== '*') continue;
        const found = this.resolvePath([...glob.source.split('::'), name, ...rest], info, depth + 1);
        if (found.length > 0) return found;
      }
    }
    return [];
  }
}

export const rustLinker: Linker = {
  language: 'rust',
  link(files, declared) {
    const program = new RustProgram(files, declared ?? declaredByFacts(files));
    const targets: CallTargets = new Map();
    for (const info of program.files) {
      for (const fn of info.file.facts.functions) {
        fn.events.forEach((event, index) => {
          let found: FunctionId[] = [];
          if (event.kind === 'call') found = program.resolve(event.callee, info, fn);
          else if ((event.kind === 'spawn' || event.kind === 'defer') && event.body) {
            found = 'local' in event.body ? [functionId(info.file.id, event.body.local)] : program.resolve(event.body.callee, info, fn);
          }
          if (found.length > 0) targets.set(eventRef(info.file.id, fn.key, index), [...new Set(found)].sort());
        });
      }
    }
    return targets;
  },
};
