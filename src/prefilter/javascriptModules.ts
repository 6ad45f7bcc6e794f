import type { FileFacts, FunctionFact } from '../facts/types.ts';
import { moduleFunctionKey } from '../languages/javascript/conventions.ts';
import { ModuleResolver } from '../languages/javascript/moduleResolver.ts';
import type { LinkFile, PackageRef } from '../languages/types.ts';
import { toPosix } from '../util/paths.ts';

/** A JS file of the tree, parsed or not, as the module resolver sees it. */
export interface JavascriptFile {
  absPath: string;
  pkg: PackageRef;
}

/** What a JS module call may link to, as src/languages/javascript/link.ts resolves it. */
export interface JavascriptTargets {
  /** Functions of parsed files. */
  functions: Array<{ absPath: string; fn: FunctionFact }>;
  /** Files the call resolves into that are not parsed yet (their exports decide the function). */
  files: string[];
}

const NO_FACTS: FileFacts = { language: 'javascript', functions: [], imports: [], diagnostics: [] };

/**
 * The JS linker's module resolution, run before every file is parsed: specifiers resolve over all
 * the tree's JS files (so a call names the one file it reaches, parsed or not, whatever that file's
 * text says: `require('lib')()` reaches the default export of lib's entry), exported names through
 * the re-exports of the parsed files. Where the linker would look into a file not parsed yet, that
 * file is named.
 */
export class JavascriptModules {
  /** Made at the first question: most rounds of a pre-commit run ask none. */
  private resolution: { resolver: ModuleResolver; stubs: Map<string, LinkFile> } | undefined;
  private parsedFiles: ReadonlyArray<{ absPath: string; facts: FileFacts }> = [];
  private parsedIndex: Map<string, { facts: FileFacts; functions: Map<string, FunctionFact> }> | undefined;

  constructor(private readonly files: () => readonly JavascriptFile[]) {}

  /** The parsed files' facts, for following exports (set before each round's questions). */
  setParsed(files: ReadonlyArray<{ absPath: string; facts: FileFacts }>): void {
    this.parsedFiles = files;
    this.parsedIndex = undefined;
  }

  private get parsed(): Map<string, { facts: FileFacts; functions: Map<string, FunctionFact> }> {
    this.parsedIndex ??= new Map(
      this.parsedFiles
        .filter((file) => file.facts.language === 'javascript')
        .map((file) => [file.absPath, { facts: file.facts, functions: new Map(file.facts.functions.map((fn) => [fn.key, fn])) }]),
    );
    return this.parsedIndex;
  }

  /**
   * What a module call (`[specifier, export, member...]`, as the adapter expands `require('lib').f()`
   * and imported names) reaches: functions of parsed files, and the files not parsed yet that the
   * linker would look into.
   */
  moduleTargets(callerPath: string, path: readonly string[]): JavascriptTargets {
    const out: JavascriptTargets = { functions: [], files: [] };
    this.modulePath(callerPath, path, out);
    return out;
  }

  /** `[specifier, export, member...]`, as the adapter expands imported names. */
  private modulePath(callerPath: string, path: readonly string[], out: JavascriptTargets): void {
    const [specifier, ...rawRest] = path as [string, ...string[]];
    const rest = rawRest[0] === 'default' && rawRest.length > 1 ? rawRest.slice(1) : rawRest;
    const target = this.resolve(callerPath, specifier);
    if (target === undefined || rest.length === 0) return;
    const facts = this.parsed.get(target);
    if (!facts) {
      out.files.push(target);
      return;
    }
    if (rest.length === 1 && rest[0] === moduleFunctionKey) {
      const body = facts.functions.get(moduleFunctionKey);
      if (body) out.functions.push({ absPath: target, fn: body });
      return;
    }
    if (rest.length === 1) {
      this.exported(target, rest[0]!, new Set(), out);
      return;
    }
    const dotted = facts.functions.get(rest.join('.'));
    if (dotted) {
      out.functions.push({ absPath: target, fn: dotted });
      return;
    }
    const member = rest.slice(1).join('.');
    const heads: JavascriptTargets = { functions: [], files: [] };
    this.exported(target, rest[0]!, new Set(), heads);
    out.files.push(...heads.files);
    for (const head of heads.functions) {
      const fn = this.parsed.get(head.absPath)?.functions.get(`${head.fn.container ?? head.fn.key}.${member}`);
      if (fn) out.functions.push({ absPath: head.absPath, fn });
    }
  }

  /** The function a parsed module exports under `name`, through re-exports; unparsed modules on the way are named. */
  private exported(absPath: string, name: string, seen: Set<string>, out: JavascriptTargets): void {
    const visit = `${absPath}\u0000${name}`;
    if (seen.has(visit)) return;
    seen.add(visit);
    const file = this.parsed.get(absPath);
    if (!file) {
      out.files.push(absPath);
      return;
    }
    const { exports = [], imports } = file.facts;
    for (const fact of exports) {
      if (fact.exported !== name) continue;
      const local = file.functions.get(fact.local);
      if (local) {
        out.functions.push({ absPath, fn: local });
        return;
      }
      const imported = imports.find((candidate) => candidate.local === fact.local && candidate.imported !== '*');
      if (imported) {
        const next = this.resolve(absPath, imported.source);
        if (next !== undefined) this.exported(next, imported.imported, seen, out);
        return;
      }
    }
    const direct = file.functions.get(name) ?? file.functions.get(`${name}.constructor`);
    if (direct?.exported) {
      out.functions.push({ absPath, fn: direct });
      return;
    }
    for (const fn of file.functions.values()) {
      if (fn.exported && fn.container === undefined && fn.name === name) {
        out.functions.push({ absPath, fn });
        return;
      }
    }
    // `export * from`: the linker takes the first star source that has the name; until all of them
    // are parsed, any may.
    for (const star of imports) {
      if (star.kind !== 'reexport' || star.local !== '*') continue;
      const next = this.resolve(absPath, star.source);
      if (next === undefined) continue;
      const found: JavascriptTargets = { functions: [], files: [] };
      this.exported(next, name, seen, found);
      out.files.push(...found.files);
      out.functions.push(...found.functions);
      if (found.functions.length > 0 && found.files.length === 0) return;
    }
  }

  private resolve(fromPath: string, specifier: string): string | undefined {
    if (!this.resolution) {
      const stubs = new Map(this.files().map((file) => [toPosix(file.absPath), { id: file.absPath, path: toPosix(file.absPath), facts: NO_FACTS, pkg: file.pkg }]));
      this.resolution = { resolver: new ModuleResolver([...stubs.values()]), stubs };
    }
    const from = this.resolution.stubs.get(toPosix(fromPath));
    return from ? this.resolution.resolver.resolve(from, specifier)?.id : undefined;
  }
}
