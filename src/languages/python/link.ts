import type { CalleeRef, FunctionFact, ImportFact } from '../../facts/types.ts';
import { declaredByFacts, MAX_METHODS_BY_NAME, type DeclaredNames } from '../../link/declaredNames.ts';
import { eventRef, functionId, type CallTargets, type FunctionId, type LinkFile, type Linker } from '../types.ts';
import { modulePath } from './imports.ts';
import { moduleNameOf, resolveRelative, type ModuleName } from './moduleNames.ts';
import { BUILTIN_METHOD_NAMES, CONSTRUCTOR } from './protocol.ts';

/** Re-exports and star imports are followed this many hops at most (cycles end). */
export const MAX_IMPORT_HOPS = 8;

const SELF_RECEIVERS = new Set(['self', 'cls']);

interface Module {
  file: LinkFile;
  name: ModuleName;
  functions: Map<string, FunctionFact>;
  /** Module-level `def`s by name. */
  topLevel: Map<string, string>;
  /** Class keys that have methods (`Worker`, `Outer.Inner`). */
  classes: Set<string>;
  imports: Map<string, ImportFact>;
  starImports: ImportFact[];
}

/**
 * Links Python calls across files: absolute and relative imports, re-exports through a package's
 * `__init__.py`, star imports, `Class()` to `Class.__init__`, `self.m()` to the class's own method,
 * and calls on untyped objects by method name (only when at most 8 methods of that name are declared
 * in the tree, and never for names of built-in methods).
 */
export const pythonLinker: Linker = {
  language: 'python',
  link(files: readonly LinkFile[], declared?: DeclaredNames): CallTargets {
    return new ProgramLinker(files, declared ?? declaredByFacts(files)).link();
  },
};

class ProgramLinker {
  private readonly modules = new Map<string, Module[]>();
  private readonly all: Module[] = [];
  private readonly methodsByName = new Map<string, FunctionId[]>();
  /** `package\0hops\0pkg.m.f` → what the absolute path resolves to from that package. */
  private readonly absoluteMemo = new Map<string, FunctionId[]>();

  constructor(
    files: readonly LinkFile[],
    private readonly declared: DeclaredNames,
  ) {
    for (const file of files) {
      const module = indexModule(file);
      this.all.push(module);
      const list = this.modules.get(module.name.name) ?? [];
      list.push(module);
      this.modules.set(module.name.name, list);
      for (const fn of file.facts.functions) {
        if (fn.container === undefined) continue;
        const list = this.methodsByName.get(fn.name) ?? [];
        list.push(functionId(file.id, fn.key));
        this.methodsByName.set(fn.name, list);
      }
    }
  }

  link(): CallTargets {
    const targets: CallTargets = new Map();
    for (const module of this.all) {
      for (const fn of module.file.facts.functions) {
        fn.events.forEach((event, index) => {
          let callee: CalleeRef | undefined;
          if (event.kind === 'call') callee = event.callee;
          else if ((event.kind === 'spawn' || event.kind === 'defer') && event.body && 'callee' in event.body) callee = event.body.callee;
          if (!callee || callee.local !== undefined) return;
          const resolved = this.resolveCallee(module, fn, callee);
          if (resolved.length > 0) targets.set(eventRef(module.file.id, fn.key, index), resolved);
        });
      }
    }
    return targets;
  }

  private resolveCallee(module: Module, caller: FunctionFact, callee: CalleeRef): FunctionId[] {
    if (callee.receiver === undefined) return this.resolvePath(module, callee.path, 0);
    if (SELF_RECEIVERS.has(callee.receiver) && caller.container !== undefined) {
      const own = module.functions.get(`${caller.container}.${callee.name}`);
      if (own) return [functionId(module.file.id, own.key)];
    }
    // The adapter's hint: the method is inherited from a class imported from elsewhere.
    if (callee.path.length > 1) {
      const inherited = this.resolvePath(module, callee.path, 0);
      if (inherited.length > 0) return inherited;
    }
    if (BUILTIN_METHOD_NAMES.has(callee.name)) return [];
    // Counted on every file's text, so that parsing fewer files does not change the decision.
    if (this.declared.count('python', callee.name) > MAX_METHODS_BY_NAME) return [];
    return this.methodsByName.get(callee.name) ?? [];
  }

  /** A dotted path as the adapter expanded it (`['pkg', 'util', 'apply']`, `['..', 'base', 'f']`, `['f']`). */
  private resolvePath(from: Module, path: readonly string[], hops: number): FunctionId[] {
    if (hops > MAX_IMPORT_HOPS || path.length === 0) return [];
    const first = path[0]!;
    let segments: string[];
    if (first.startsWith('.')) {
      const absolute = resolveRelative(from.name, first, path.slice(1));
      if (!absolute) return [];
      segments = absolute;
    } else {
      segments = [...path];
      if (segments.length === 1) return this.resolveBareName(from, first, hops);
      // `Base.method` of a class defined in the caller's own module.
      if (from.classes.has(first)) {
        const own = this.member(from, segments, hops, false);
        if (own.length > 0) return own;
      }
    }
    // The same absolute path is called from many modules; only the caller's package orders the candidates.
    const key = `${from.file.pkg.id}\u0000${hops}\u0000${segments.join('.')}`;
    let found = this.absoluteMemo.get(key);
    if (!found) {
      found = this.resolveAbsolute(from, segments, hops);
      this.absoluteMemo.set(key, found);
    }
    return found;
  }

  /** `pkg.m.f`: a member of the longest module prefix that has it. */
  private resolveAbsolute(from: Module, segments: readonly string[], hops: number): FunctionId[] {
    for (let split = segments.length - 1; split >= 1; split -= 1) {
      for (const module of this.modulesNamed(segments.slice(0, split).join('.'), from)) {
        const found = this.member(module, segments.slice(split), hops);
        if (found.length > 0) return found;
      }
    }
    return [];
  }

  /** A name used without import: this module's own function, or one from a `from m import *`. */
  private resolveBareName(from: Module, name: string, hops: number): FunctionId[] {
    const own = this.member(from, [name], hops, false);
    if (own.length > 0) return own;
    for (const star of from.starImports) {
      const found = this.resolvePath(from, [...modulePath(star.source), name], hops + 1);
      if (found.length > 0) return found;
    }
    return [];
  }

  /** `rest` inside a module: a function, `Class` (its `__init__`), `Class.method`, or a name the module imports (re-export). */
  private member(module: Module, rest: readonly string[], hops: number, followImports = true): FunctionId[] {
    const [first, ...more] = rest;
    if (first === undefined) return [];
    const id = (key: string): FunctionId[] => [functionId(module.file.id, key)];
    if (more.length === 0) {
      const key = module.topLevel.get(first);
      if (key) return id(key);
      if (module.classes.has(first)) {
        const init = module.functions.get(`${first}.${CONSTRUCTOR}`);
        return init ? id(init.key) : [];
      }
    } else {
      const method = module.functions.get(rest.join('.'));
      if (method && method.container !== undefined) return id(method.key);
    }
    const imported = followImports ? module.imports.get(first) : undefined;
    if (!imported) return [];
    return this.resolvePath(module, [...importedPath(imported), ...more], hops + 1);
  }

  /** Modules with that name, those of the caller's own package first. */
  private modulesNamed(name: string, from: Module): Module[] {
    const found = this.modules.get(name) ?? [];
    if (found.length < 2) return found;
    return [...found].sort((a, b) => Number(b.file.pkg.id === from.file.pkg.id) - Number(a.file.pkg.id === from.file.pkg.id));
  }
}

function indexModule(file: LinkFile): Module {
  const functions = new Map<string, FunctionFact>();
  const topLevel = new Map<string, string>();
  const classes = new Set<string>();
  for (const fn of file.facts.functions) {
    functions.set(fn.key, fn);
    if (fn.container !== undefined) classes.add(fn.container);
    // `<module>` is not callable by importers, and nested functions are not module attributes.
    else if (fn.entry === undefined && fn.key === fn.name) topLevel.set(fn.name, fn.key);
  }
  const imports = new Map<string, ImportFact>();
  const starImports: ImportFact[] = [];
  for (const fact of file.facts.imports) {
    if (fact.local === '*') starImports.push(fact);
    else imports.set(fact.local, fact);
  }
  return { file, name: moduleNameOf(file.path, file.pkg.root), functions, topLevel, classes, imports, starImports };
}

/** The dotted path an imported name stands for: `import a.b` binds `a`; `import a.b as c` binds `a.b`; `from m import f` binds `m.f`. */
function importedPath(fact: ImportFact): string[] {
  if (fact.imported !== '*') return [...modulePath(fact.source), fact.imported];
  const root = fact.source.split('.')[0];
  return root === fact.local ? [fact.local] : modulePath(fact.source);
}
