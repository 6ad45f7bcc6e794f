import type { FileFacts, FunctionFact } from '../facts/types.ts';
import { moduleCallTargets, type ModuleGraph } from '../languages/javascript/moduleCalls.ts';
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
 * The JS linker's module resolution (moduleCalls.ts), run before every file is parsed: specifiers
 * resolve over all the tree's JS files (so a call names the one file it reaches, parsed or not,
 * whatever that file's text says: `require('lib')()` reaches the default export of lib's entry),
 * exported names through the re-exports of the parsed files. Where the linker would look into a file
 * not parsed yet, that file is named.
 */
export class JavascriptModules {
  /** Made at the first question: most rounds of a pre-commit run ask none. */
  private resolution: { resolver: ModuleResolver; stubs: Map<string, LinkFile> } | undefined;
  private parsedFiles: ReadonlyArray<{ absPath: string; facts: FileFacts }> = [];
  private parsedIndex: Map<string, { facts: FileFacts; functions: Map<string, FunctionFact> }> | undefined;

  private readonly graph: ModuleGraph<string> = { resolve: (from, specifier) => this.resolve(from, specifier), parsed: (absPath) => this.parsed.get(absPath) };

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
    const { functions, unparsed } = moduleCallTargets(this.graph, callerPath, path);
    return { functions: functions.map(({ file, fact }) => ({ absPath: file, fn: fact })), files: unparsed };
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
