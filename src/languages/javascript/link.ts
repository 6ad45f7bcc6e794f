import type { CalleeRef, FunctionFact } from '../../facts/types.ts';
import { declaredByFacts, MAX_METHODS_BY_NAME, type DeclaredNames } from '../../link/declaredNames.ts';
import { eventRef, functionId, type CallTargets, type FunctionId, type LinkFile, type Linker } from '../types.ts';
import { moduleCallTargets, type ModuleGraph } from './moduleCalls.ts';
import { ModuleResolver } from './moduleResolver.ts';

interface Method {
  file: LinkFile;
  fact: FunctionFact;
}

/**
 * Resolves JS/TS calls across files and npm packages: import specifiers to files, exported names
 * to functions (through `export { a as b }`, `export * from`, `module.exports`), `this.m()` to the
 * same class, and other method calls by name.
 */
class JavascriptProgram {
  private readonly resolver: ModuleResolver;
  private readonly functionsByFile = new Map<LinkFile, Map<string, FunctionFact>>();
  private readonly methodsByName = new Map<string, Method[]>();
  private readonly importSources = new Map<LinkFile, Set<string>>();

  /** Module calls resolve over the linked files, every one parsed. */
  private readonly modules: ModuleGraph<LinkFile> = {
    resolve: (from, specifier) => this.resolver.resolve(from, specifier),
    parsed: (file) => ({ facts: file.facts, functions: this.functionsByFile.get(file)! }),
  };

  constructor(
    files: readonly LinkFile[],
    private readonly declared: DeclaredNames,
  ) {
    this.resolver = new ModuleResolver(files);
    for (const file of files) {
      const functions = new Map<string, FunctionFact>();
      for (const fact of file.facts.functions) {
        functions.set(fact.key, fact);
        if (fact.container === undefined) continue;
        const list = this.methodsByName.get(fact.name) ?? [];
        list.push({ file, fact });
        this.methodsByName.set(fact.name, list);
      }
      this.functionsByFile.set(file, functions);
      this.importSources.set(file, new Set(file.facts.imports.map((fact) => fact.source)));
    }
  }

  callee(file: LinkFile, caller: FunctionFact, callee: CalleeRef): FunctionId[] {
    const functions = this.functionsByFile.get(file)!;
    if (callee.local !== undefined && functions.has(callee.local)) return [functionId(file.id, callee.local)];
    if (callee.receiver !== undefined) return this.method(file, caller, callee);
    if (callee.path.length >= 2) return moduleCallTargets(this.modules, file, callee.path).functions.map(({ file: owner, fact }) => functionId(owner.id, fact.key));
    if (functions.has(callee.name)) return [functionId(file.id, callee.name)];
    return [];
  }

  /**
   * `this.m()` → the caller's class; anything else by method name: the caller's own package when it
   * declares a few methods of that name, else the whole tree when it declares a few. The counts
   * come from every file's text, so that parsing fewer files does not change the decision.
   */
  private method(file: LinkFile, caller: FunctionFact, callee: CalleeRef): FunctionId[] {
    const candidates = this.methodsByName.get(callee.name) ?? [];
    if (callee.receiver === 'this' && caller.container !== undefined) {
      const own = candidates.filter((method) => method.file === file && method.fact.container === caller.container);
      if (own.length > 0) return own.map((method) => functionId(method.file.id, method.fact.key));
    }
    const inPackage = this.declared.count('javascript', callee.name, [file.pkg.id]);
    let chosen: Method[] = [];
    if (inPackage > 0 && inPackage <= MAX_METHODS_BY_NAME) chosen = candidates.filter((method) => method.file.pkg.id === file.pkg.id);
    else if (this.declared.count('javascript', callee.name) <= MAX_METHODS_BY_NAME) chosen = candidates;
    const rank = (method: Method): number => (method.file === file ? 0 : method.file.pkg.id === file.pkg.id ? 1 : 2);
    return [...chosen].sort((a, b) => rank(a) - rank(b)).map((method) => functionId(method.file.id, method.fact.key));
  }
}

function link(files: readonly LinkFile[], declared?: DeclaredNames): CallTargets {
  const program = new JavascriptProgram(files, declared ?? declaredByFacts(files));
  const targets: CallTargets = new Map();
  for (const file of files) {
    const localKeys = new Set(file.facts.functions.map((fact) => fact.key));
    for (const fn of file.facts.functions) {
      fn.events.forEach((event, index) => {
        let resolved: FunctionId[] = [];
        if (event.kind === 'call') {
          resolved = program.callee(file, fn, event.callee);
        } else if ((event.kind === 'spawn' || event.kind === 'defer') && event.body) {
          resolved = 'local' in event.body
            ? localKeys.has(event.body.local) ? [functionId(file.id, event.body.local)] : []
            : program.callee(file, fn, event.body.callee);
        }
        if (resolved.length > 0) targets.set(eventRef(file.id, fn.key, index), resolved);
      });
    }
  }
  return targets;
}

export const javascriptLinker: Linker = { language: 'javascript', link };
