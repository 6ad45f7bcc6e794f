import path from 'node:path';
import type { CallEvent, CalleeRef, FileFacts, FunctionFact, Language } from '../facts/types.ts';
import type { PackageRef } from '../languages/types.ts';
import { MAX_METHODS_BY_NAME, type DeclaredNames } from '../link/declaredNames.ts';
import { MAX_IMPORT_HOPS } from '../languages/python/link.ts';
import { moduleNameOf } from '../languages/python/moduleNames.ts';
import { BUILTIN_METHOD_NAMES, CONSTRUCTOR as PYTHON_CONSTRUCTOR } from '../languages/python/protocol.ts';
import { toPosix } from '../util/paths.ts';
import type { JavascriptModules } from './javascriptModules.ts';

/**
 * What a file not parsed yet must contain to hold a function on a path that matters: every word of
 * `words` (as whole identifiers), and, when `stem` is set, a file name with that stem (`util.py`,
 * `util/__init__.py`).
 */
export interface TextSpec {
  language: Language;
  words: string[];
  stem?: string;
  /** The file must also define `words[0]` (where definitions are recognized on the text). */
  defines?: boolean;
  /** The file must mention `words[0]` without defining it (where definitions are recognized): it may re-export it. */
  reexports?: boolean;
  /** The file must write `words[0]` after a `.` (where that is recognized): a method call by its bare name. */
  member?: boolean;
  /** The file must sit under this directory (relative imports reach only within their package). */
  under?: string;
  /** Rust: the file's crate must reach this package along Cargo dependencies (it may call into it). */
  reaches?: string;
  /** Rust: the file's crate must be reached from this package (it may define what that package calls). */
  reachedFrom?: string;
  /** Exactly this file, whatever its text (a JS module call resolves to one file); `words` are then empty. */
  file?: string;
}

/**
 * Whether code of one package can call into another: Rust paths and methods resolve only along
 * Cargo dependencies (see src/languages/rust/link.ts). Known when the package graph is resolved
 * before extraction (an audit); without it, no call is ruled out.
 */
export type PackageReach = (fromPackageId: string, toPackageId: string) => boolean;

export interface FollowSpecs {
  /** A file matching any of these may hold a function on a path that matters. */
  direct: TextSpec[];
  /**
   * A file matching one of `bridgeCallers` (it may call something that starts threads) and one of
   * `bridgeCallees` (it may define something the writers' region calls) may link the two.
   */
  bridgeCallers: TextSpec[];
  bridgeCallees: TextSpec[];
  /**
   * A file matching one of `readerCallees` (it may define something the region or its thread
   * bodies call) that reads the environment or matches one of `readerCallers` (it may call
   * something that does) may be on the way to a thread's reader.
   */
  readerCallers: TextSpec[];
  readerCallees: TextSpec[];
  /**
   * Files the region's (`modules`) or the readers' (`readerModules`) calls name as a module
   * (`pkg.start()`, `from pkg import start`), holding the name: where the function is defined or
   * re-exported from. Parsed whatever they call: a re-export leads on to the module defining it.
   */
  modules: TextSpec[];
  readerModules: TextSpec[];
}

/**
 * A file's package as the linkers will see it: its id (for the per-package method counts) and root
 * (for Python, the import root module names are relative to); for JS module resolution, the rest of
 * the package's reference where known.
 */
export type PackageLocation = Pick<PackageRef, 'id' | 'root'> & Partial<PackageRef>;

export interface ParsedFile {
  absPath: string;
  facts: FileFacts;
  packageId: string;
  packageRoot: string;
}

interface FunctionView {
  fn: FunctionFact;
  file: ParsedFile;
}

const CONSTRUCTORS = new Set([PYTHON_CONSTRUCTOR, 'constructor']);
/** Rust path segments that name no module file of their own. */
const RUST_PATH_KEYWORDS = new Set(['crate', 'self', 'super', 'Self']);
const SELF_RECEIVERS = new Set(['self', 'this', 'cls']);

/** `util` for `util.py`, `pkg` for `pkg/__init__.py` or `pkg/index.js`. */
export function fileStem(absPath: string): string {
  const base = path.basename(absPath).replace(/\.[^.]+$/, '');
  return base === '__init__' || base === 'index' || base === 'mod' || base === 'lib' ? path.basename(path.dirname(absPath)) : base;
}

/**
 * Type-like words a call carries besides its name: qualifying path segments (`Type` of
 * `Type::m`, `mod` of `mod.f`), the receiver's declared type, and for a receiver that is another
 * call's result, that call's words (the type it returns is often named there).
 */
const typedWordsMemo = [new WeakMap<CalleeRef, ReadonlySet<string>>(), new WeakMap<CalleeRef, ReadonlySet<string>>()];

/** `typedWords`, computed once per call site (facts objects live across the rounds). */
function typedWordsOf(callee: CalleeRef, wholePath = false): ReadonlySet<string> {
  const memo = typedWordsMemo[wholePath ? 1 : 0]!;
  let words = memo.get(callee);
  if (!words) {
    words = typedWords(callee, new Set(), wholePath);
    memo.set(callee, words);
  }
  return words;
}

function typedWords(callee: CalleeRef, into = new Set<string>(), wholePath = false): Set<string> {
  const qualifiers = callee.receiver === undefined || wholePath ? callee.path.slice(0, -1) : [];
  for (const segment of qualifiers) for (const word of segment.split(/[^\w$]+/)) if (word) into.add(word);
  if (callee.receiverType) into.add(callee.receiverType);
  if (callee.receiverCall) {
    into.add(callee.receiverCall.name);
    typedWords(callee.receiverCall, into, wholePath);
  }
  into.delete(callee.name);
  return into;
}

/** Calls of a function body, with spawn/defer bodies named by a callee counted as calls. */
function callsOf(fn: FunctionFact): CalleeRef[] {
  const calls: CalleeRef[] = [];
  for (const event of fn.events) {
    if (event.kind === 'call') calls.push(event.callee);
    else if ((event.kind === 'spawn' || event.kind === 'defer') && event.body && 'callee' in event.body) calls.push(event.body.callee);
  }
  return calls;
}

/**
 * Follows names the way the linkers resolve them, so that a name shared by dozens of unrelated
 * methods (`start`, `run`, `get`) does not pull in the whole tree: a method is reached by its bare
 * name only when few methods of that name are declared (the linkers' own rule, on the same text
 * counts); otherwise only through its type's name.
 */
export class NameFollower {
  constructor(
    private readonly declared: DeclaredNames,
    private readonly reach: PackageReach = () => true,
    private readonly javascript?: JavascriptModules,
  ) {}

  /** Per `specs` call: each parsed function's view (for the JS module calls' targets). */
  private viewOf = new Map<FunctionFact, FunctionView>();

  private readonly linkable = new WeakMap<FunctionFact, boolean>();

  /** Some call site may link `g` by its bare method name. */
  private linkableByName(g: FunctionView): boolean {
    let known = this.linkable.get(g.fn);
    if (known === undefined) {
      known = this.countsAllowLinking(g);
      this.linkable.set(g.fn, known);
    }
    return known;
  }

  private countsAllowLinking(g: FunctionView): boolean {
    const language = g.file.facts.language;
    if (language === 'python') return !BUILTIN_METHOD_NAMES.has(g.fn.name) && this.declared.count('python', g.fn.name) <= MAX_METHODS_BY_NAME;
    return this.declared.count(language, g.fn.name, [g.file.packageId]) <= MAX_METHODS_BY_NAME;
  }

  /** The call may be linked to `g` (over-approximates the linkers). */
  private mayCall(callee: CalleeRef, caller: FunctionView, g: FunctionView): boolean {
    if (callee.local !== undefined) return caller.file === g.file && callee.local === g.fn.key;
    if (g.file.facts.language === 'rust' && !this.reach(caller.file.packageId, g.file.packageId)) return false;
    const container = g.fn.container;
    // A call on a receiver is a method call; module-qualified calls (`os.path.join`) carry no receiver.
    if (container === undefined) {
      if (callee.receiver !== undefined) return false;
      if (g.file.facts.language === 'python') return callee.name === g.fn.name && this.pythonModuleMayHold(callee, caller, g);
      return callee.name === g.fn.name || this.throughModule(callee, g);
    }
    if (CONSTRUCTORS.has(g.fn.name) && callee.name === container) return true;
    if (callee.name !== g.fn.name) return false;
    if (typedWordsOf(callee, true).has(container)) return true;
    if (callee.receiver !== undefined && SELF_RECEIVERS.has(callee.receiver) && caller.fn.container === container) return true;
    return (callee.receiver !== undefined || callee.receiverCall !== undefined) && this.linkableByName(g);
  }

  /**
   * Python resolves `f()` in the caller's module or through a star import, and `m.f()` (or an
   * imported `f`, which the adapter expands to `pkg.m.f`) in a module named `m` or one re-exporting
   * `f`. Nested functions are not module attributes: only their own file calls them.
   */
  private pythonModuleMayHold(callee: CalleeRef, caller: FunctionView, g: FunctionView): boolean {
    if (caller.file === g.file) return true;
    if (g.fn.key !== g.fn.name) return false;
    if (callee.path.length < 2) return caller.file.facts.imports.some((fact) => fact.local === '*' && this.moduleMayHold(fact.source.split('.').pop() ?? '', g));
    return this.moduleMayHold(callee.path[callee.path.length - 2]!, g);
  }

  /** A module whose last name segment is `module` (`''` or `.` for a relative one) may define or re-export `g`. */
  private moduleMayHold(module: string, g: FunctionView): boolean {
    const stem = fileStem(g.file.absPath);
    return module === stem || module === '' || module.startsWith('.') || (this.reexportStems.get(`${g.fn.name}\u0000${stem}`)?.has(module) ?? false);
  }

  /** `name\0stem of the module imported from` → stems of the modules importing it (and so possibly re-exporting it); set per `specs` call. */
  private reexportStems = new Map<string, Set<string>>();

  /**
   * The other way (Python imports, Rust `use`): `local name\0stem of the importing module` (`*` for a
   * star import) → the name imported and the stem of the module it comes from; set per `specs` call.
   */
  private reexportSources = new Map<string, Array<{ imported: string; stem: string }>>();

  /** JS: a default or CommonJS export is called through the module's name, not the function's. */
  private throughModule(callee: CalleeRef, g: FunctionView): boolean {
    if (g.file.facts.language !== 'javascript' || callee.path.length < 2) return false;
    const words = new Set(callee.path[0]!.split(/[^\w$]+/));
    return words.has(fileStem(g.file.absPath));
  }

  /** Text specs that every file able to call `g` satisfies. */
  private callerSpecs(g: FunctionView, aliases: readonly string[]): TextSpec[] {
    const specs = this.untaggedCallerSpecs(g, aliases);
    return g.file.facts.language === 'rust' ? specs.map((spec) => ({ ...spec, reaches: g.file.packageId })) : specs;
  }

  private untaggedCallerSpecs(g: FunctionView, aliases: readonly string[]): TextSpec[] {
    const language = g.file.facts.language;
    const specs: TextSpec[] = [];
    const { name, container } = g.fn;
    if (g.fn.key === '<module>' || name.startsWith('<')) return specs;
    if (language === 'python') return this.pythonCallerSpecs(g, aliases);
    if (container === undefined) {
      for (const word of [name, ...aliases]) specs.push({ language, words: [word] });
      if (language === 'javascript') specs.push(...javascriptExportSpecs(g));
      return specs;
    }
    if (CONSTRUCTORS.has(name)) specs.push({ language, words: [container] });
    specs.push({ language, words: [container, name] });
    // By its bare name, only a method call links (`mayCall`: a receiver); Rust writes those `x.name()`.
    if (this.linkableByName(g)) specs.push({ language, words: [name], ...(language === 'rust' ? { member: true } : {}) });
    return specs;
  }

  /**
   * Python links a call across files only through an import of the module holding the function
   * (or its class), or, for a method called on an object, by its bare name.
   */
  private pythonCallerSpecs(g: FunctionView, aliases: readonly string[]): TextSpec[] {
    const { name, container } = g.fn;
    const specs: TextSpec[] = [];
    if (container === undefined) {
      // A nested function is no module attribute: only its own file, parsed already, calls it.
      if (g.fn.key !== name) return specs;
      const stem = fileStem(g.file.absPath);
      for (const word of [name, ...aliases]) {
        // Or from a module of the same name elsewhere on the path.
        specs.push(...pythonImportSpecs([word], g.file), { language: 'python', words: [word], stem });
      }
      return specs;
    }
    // Through its class: files importing the class call the constructor, or re-export the class
    // (`from .backend import Store` in a package's `__init__.py`, which names no method).
    const classWords = container.split('.');
    specs.push(...pythonImportSpecs(classWords, g.file));
    // By its bare name only a call on an object links, written `x.name(..)`, or by syntax for a
    // data-model method (`x[k] = v`).
    if (this.linkableByName(g)) specs.push({ language: 'python', words: [name], ...(name.startsWith('__') ? {} : { member: true }) });
    return specs;
  }

  /**
   * A call into a module (Python `pkg.start()` or an imported `start`, expanded to it; Rust
   * `api::start()`): the module `pkg`, holding `start` defined or re-exported, and where a parsed
   * `pkg` re-exports it from (`pkg/__init__.py: from .workers import start`, `pub use
   * crate::workers::begin as start`): that module need not mention `pkg`, nor `start`.
   */
  private moduleSpecs(callee: CalleeRef, caller: ParsedFile, asked: Set<string>): TextSpec[] {
    const language = caller.facts.language;
    if ((language !== 'python' && language !== 'rust') || callee.receiver !== undefined || callee.path.length < 2) return [];
    const module = callee.path[callee.path.length - 2]!;
    if (module.startsWith('.') || (language === 'rust' && (RUST_PATH_KEYWORDS.has(module) || /^[A-Z]/.test(module)))) return [];
    const name = callee.name;
    // Thousands of call sites name the same modules, and re-export chains meet: each (name, module)
    // is expanded once per list (per calling crate in Rust, whose reach the specs carry).
    const scope = language === 'rust' ? `\u0000${caller.packageId}` : '';
    const specs: TextSpec[] = [];
    const first = `${language}\u0000${name}\u0000${module}${scope}`;
    // A module defining the name is the callee itself, which the bridge already looks for. A Rust
    // re-export under the same name leads nowhere new (the definition is found by its name): only a
    // renaming one (`pub use workers::begin as start`) matters there.
    if (!asked.has(`=${first}`)) {
      asked.add(`=${first}`);
      specs.push({ language, words: language === 'rust' ? [name, 'as'] : [name], stem: module, reexports: true });
    }
    // Re-exports chain (`pkg` from `.api`, `api` from `.workers`): each hop whose module is parsed.
    const follow = (word: string, stem: string): void => {
      const node = `${language}\u0000${word}\u0000${stem}${scope}`;
      if (asked.has(node)) return;
      asked.add(node);
      // The Python linker follows a star import only for a bare name in the importing module (see
      // untaggedCalleeSpecs), never for `pkg.f` or `from pkg import f`.
      const stars = language === 'python' ? [] : (this.reexportSources.get(`*\u0000${stem}`) ?? []).map(({ stem: from }) => ({ imported: word, stem: from }));
      for (const source of [...(this.reexportSources.get(`${word}\u0000${stem}`) ?? []), ...stars]) {
        specs.push({ language, words: [source.imported], stem: source.stem });
        // Rust recognizes definitions on the text: the function itself, wherever its module lives.
        if (language === 'rust' && source.imported !== word) specs.push({ language, words: [source.imported], defines: true });
        follow(source.imported, source.stem);
      }
    };
    follow(name, module);
    return language === 'rust' ? specs.map((spec) => ({ ...spec, reachedFrom: caller.packageId })) : specs;
  }

  /** Text specs for files that may define what `callee` links to. */
  private calleeSpecs(callee: CalleeRef, language: Language, file: ParsedFile): TextSpec[] {
    const specs = this.untaggedCalleeSpecs(callee, language, file);
    // The file a JS module call resolves to need not mention the name called (`require('lib')()`).
    if (isJavascriptModuleCall(callee, language) && this.javascript) {
      for (const target of this.javascript.moduleTargets(file.absPath, callee.path).files) specs.push({ language, words: [], file: target });
    }
    return language === 'rust' ? specs.map((spec) => ({ ...spec, reachedFrom: file.packageId })) : specs;
  }

  private untaggedCalleeSpecs(callee: CalleeRef, language: Language, file: ParsedFile): TextSpec[] {
    if (callee.local !== undefined || callee.name.startsWith('<')) return [];
    const name = callee.name;
    const defining = (words: string[] = [], stem?: string): TextSpec => ({ language, words: [name, ...words], defines: true, ...(stem !== undefined ? { stem } : {}) });
    // Python `pkg.m.f()` (or an imported `f`, expanded to it): `f` is defined in module `m` (or in a
    // class `m`), or `m` re-exports it.
    if (language === 'python' && callee.path.length >= 2 && callee.receiver === undefined) {
      const module = callee.path[callee.path.length - 2]!;
      if (module.startsWith('.')) return [defining()];
      return [{ language, words: [name], stem: module }, defining([module])];
    }
    if (callee.receiver !== undefined || callee.receiverCall !== undefined) {
      const specs = [...typedWordsOf(callee)].map((word) => defining([word]));
      const byName = language === 'python' ? !BUILTIN_METHOD_NAMES.has(name) && this.declared.count('python', name) <= MAX_METHODS_BY_NAME : this.declared.linkableSomewhere(language, name);
      if (byName) specs.push(defining());
      return specs;
    }
    // A bare Python name resolves in its own module, or in a module it star-imports.
    if (language === 'python' && callee.path.length === 1) {
      return file.facts.imports
        .filter((fact) => fact.local === '*')
        .map((fact) => {
          const module = fact.source.split('.').pop();
          return { language, words: [name], defines: true, ...(module ? { stem: module } : {}) };
        });
    }
    const specs = [defining()];
    if (language === 'javascript' && callee.path.length >= 2) {
      for (const word of callee.path[0]!.split(/[^\w$]+/)) if (word) specs.push({ language, words: [word, name] });
    }
    return specs;
  }

  /**
   * Specs for the files still to parse, from the facts parsed so far. A finding needs a function
   * that reaches a write (`writers`: backward from every write, environment hand-off and libc
   * symbol definition, by the names callers must use), and, unless the write is in a thread body,
   * a spawn before it: spawning functions called from those writers' region matter, other ones
   * (most of a big tree's thread code) do not. Then thread bodies started there, forward: their
   * readers and writes.
   *
   * `readersFrom`, when given, names the only functions a reader is searched from: those of the
   * findings the analysis makes of the files parsed so far (see `extractSelected`).
   */
  specs(files: readonly ParsedFile[], readersFrom?: (absPath: string, key: string) => boolean): FollowSpecs {
    const views: FunctionView[] = files.flatMap((file) => file.facts.functions.map((fn) => ({ fn, file })));
    this.viewOf = new Map(views.map((view) => [view.fn, view]));
    this.javascript?.setParsed(files);
    const callersByWord = new Map<string, Array<{ view: FunctionView; callee: CalleeRef }>>();
    const byName = new Map<string, FunctionView[]>();
    for (const view of views) {
      for (const word of [view.fn.name, view.fn.container]) if (word !== undefined) push(byName, word, view);
      for (const callee of callsOf(view.fn)) push(callersByWord, callee.name, { view, callee });
    }

    // Names under which files re-export a function (`pub use inner::apply as other`, `from .m import f as g`).
    const aliases = new Map<string, string[]>();
    const reexporters = new Map<string, ParsedFile[]>();
    for (const file of files) {
      for (const fact of file.facts.imports) {
        if (fact.imported === '*' || fact.imported === '') continue;
        if (fact.local !== fact.imported) push(aliases, aliasKey(file.facts.language, fact.imported, fact.source), fact.local);
        push(reexporters, fact.imported, file);
      }
    }
    this.reexportStems = new Map();
    this.reexportSources = new Map();
    for (const file of files) {
      for (const fact of file.facts.imports) {
        if (fact.imported === '') continue;
        const sourceStem = fact.source.split('.').pop() ?? '';
        const language = file.facts.language;
        const fromModule = language === 'rust' ? (fact.kind === 'use' ? fact.source.split('::').pop() ?? '' : '') : language === 'python' ? sourceStem : '';
        if (fromModule !== '') {
          // Star imports re-export every name: keyed by `*`, looked up by any.
          push(this.reexportSources, `${fact.imported === '*' ? '*' : fact.local}\u0000${fileStem(file.absPath)}`, { imported: fact.imported === '*' ? '' : fact.imported, stem: fromModule });
        }
        if (fact.imported === '*') continue;
        const key = `${fact.imported}\u0000${sourceStem}`;
        const stems = this.reexportStems.get(key) ?? new Set<string>();
        stems.add(fileStem(file.absPath));
        this.reexportStems.set(key, stems);
      }
    }

    const writerSeeds: FunctionView[] = [];
    const spawnerSeeds: FunctionView[] = [];
    for (const view of views) {
      const { fn } = view;
      if (fn.interposes || fn.events.some((event) => event.kind === 'env.write' && event.param === undefined)) writerSeeds.push(view);
      if (fn.runtime || fn.events.some((event) => event.kind === 'spawn')) spawnerSeeds.push(view);
    }
    writerSeeds.push(...this.environmentHandOffs(views));
    const writers = this.callersClosure(writerSeeds, callersByWord, aliases);
    const spawners = this.callersClosure(spawnerSeeds, callersByWord, aliases);

    // The writers' region: the writers, and the spawning functions they call (transitively).
    const region = new Set(writers);
    const regionQueue = [...writers];
    for (let head = 0; head < regionQueue.length; head += 1) {
      const view = regionQueue[head]!;
      for (const callee of callsOf(view.fn)) {
        for (const target of this.resolveByName(callee, view, byName)) {
          if (!spawners.has(target) || region.has(target)) continue;
          region.add(target);
          regionQueue.push(target);
        }
      }
    }

    // Python modules importing a name from a module (by its name, or relatively), and so possibly
    // re-exporting it, with the name they bind it to (`from .workers import start as begin`), then
    // the modules importing that from them, and so on, as far as the linker follows such chains.
    const importersMemo = new Map<string, Array<{ file: ParsedFile; local: string }>>();
    const importersOf = (name: string, file: ParsedFile): Array<{ file: ParsedFile; local: string }> => {
      const key = `${name}\u0000${file.absPath}`;
      let found = importersMemo.get(key);
      if (found) return found;
      found = [];
      const seen = new Set<string>();
      const queue = [{ name, stem: fileStem(file.absPath), hops: 0 }];
      for (let head = 0; head < queue.length; head += 1) {
        const { name: imported, stem, hops } = queue[head]!;
        if (hops > MAX_IMPORT_HOPS) continue;
        for (const importer of new Set(reexporters.get(imported) ?? [])) {
          for (const fact of importer.facts.imports) {
            if (fact.imported !== imported || !(/^\.+$/.test(fact.source) || fact.source.split('.').pop() === stem)) continue;
            const hop = `${importer.absPath}\u0000${fact.local}`;
            if (seen.has(hop)) continue;
            seen.add(hop);
            found.push({ file: importer, local: fact.local });
            queue.push({ name: fact.local, stem: fileStem(importer.absPath), hops: hops + 1 });
          }
        }
      }
      importersMemo.set(key, found);
      return found;
    };
    const result: FollowSpecs = { direct: [], bridgeCallers: [], bridgeCallees: [], readerCallers: [], readerCallees: [], modules: [], readerModules: [] };
    const callerSpecsOf = (g: FunctionView): TextSpec[] => {
      const specs = this.callerSpecs(g, aliasesOf(g, aliases));
      if (g.file.facts.language !== 'python' || (g.fn.container === undefined && g.fn.key !== g.fn.name)) return specs;
      // A module that re-exports the function, or its class, is imported under its own name.
      const container = g.fn.container?.split('.');
      for (const { file, local } of importersOf(container ? container[0]! : g.fn.name, g.file)) {
        if (!container) specs.push(...pythonImportSpecs([local], file));
        else {
          const words = [local, ...container.slice(1)];
          specs.push(...pythonImportSpecs(words, file), ...pythonImportSpecs([...words, g.fn.name], file));
        }
      }
      return specs;
    };
    for (const g of writers) result.direct.push(...callerSpecsOf(g));
    for (const g of spawners) result.bridgeCallers.push(...callerSpecsOf(g));
    // The (name, module) pairs whose module specs a list holds already.
    const modulesAsked = new Set<string>();
    const readerModulesAsked = new Set<string>();
    for (const view of region) {
      for (const callee of callsOf(view.fn)) {
        result.bridgeCallees.push(...this.calleeSpecs(callee, view.file.facts.language, view.file));
        result.modules.push(...this.moduleSpecs(callee, view.file, modulesAsked));
      }
    }

    // Where the environment is handed to a function: that function, and from there on the functions
    // it hands its parameter to.
    const handedTo = new Set<FunctionView>();
    const handQueue: FunctionView[] = [];
    const follow = (view: FunctionView, callee: CalleeRef): void => {
      result.direct.push(...this.calleeSpecs(callee, view.file.facts.language, view.file));
      for (const target of this.resolveByName(callee, view, byName)) {
        if (handedTo.has(target)) continue;
        handedTo.add(target);
        handQueue.push(target);
      }
    };
    for (const view of views) {
      for (const event of view.fn.events) {
        if (event.kind === 'call' && event.args?.some((arg) => arg !== null && 'env' in arg)) follow(view, event.callee);
      }
    }
    for (let head = 0; head < handQueue.length; head += 1) {
      const view = handQueue[head]!;
      for (const event of view.fn.events) {
        if (event.kind === 'call' && event.args?.some((arg) => arg !== null && 'param' in arg)) follow(view, event.callee);
      }
    }

    // The bodies of threads and callbacks started in the region, and from them and the region, the
    // functions that may reach a reader: a finding names the other thread's nearest reader.
    const readers = this.callersClosure(
      views.filter(({ fn }) => fn.events.some((event) => event.kind === 'env.read' || event.kind === 'exec')),
      callersByWord,
      aliases,
    );
    // A finding's reader is searched from the function holding the spawn (after it) and from the
    // thread's body (src/analyze/threads.ts), never from the region's other functions.
    const reading = new Set<FunctionView>();
    const readingQueue: FunctionView[] = [];
    const addReading = (view: FunctionView): void => {
      if (reading.has(view)) return;
      reading.add(view);
      readingQueue.push(view);
    };
    if (readersFrom) {
      for (const view of views) if (readersFrom(view.file.absPath, view.fn.key)) addReading(view);
    } else {
      for (const view of region) if (view.fn.events.some((event) => event.kind === 'spawn')) addReading(view);
    }
    for (const view of region) {
      for (const event of view.fn.events) {
        if ((event.kind !== 'spawn' && event.kind !== 'defer') || !event.body) continue;
        if ('local' in event.body) {
          const local = event.body.local;
          const target = view.file.facts.functions.find((fn) => fn.key === local);
          if (target && !readersFrom) addReading({ fn: target, file: view.file });
        } else {
          result.direct.push(...this.calleeSpecs(event.body.callee, view.file.facts.language, view.file));
          if (!readersFrom) this.resolveByName(event.body.callee, view, byName).forEach(addReading);
        }
      }
    }
    for (let head = 0; head < readingQueue.length; head += 1) {
      const view = readingQueue[head]!;
      for (const callee of callsOf(view.fn)) {
        for (const target of this.resolveByName(callee, view, byName)) if (readers.has(target)) addReading(target);
      }
    }
    for (const view of reading) {
      for (const callee of callsOf(view.fn)) {
        result.readerCallees.push(...this.calleeSpecs(callee, view.file.facts.language, view.file));
        result.readerModules.push(...this.moduleSpecs(callee, view.file, readerModulesAsked));
      }
    }
    for (const g of readers) result.readerCallers.push(...callerSpecsOf(g));
    return result;
  }

  /** `seeds` and every function that may call one of them, transitively. */
  private callersClosure(
    seeds: readonly FunctionView[],
    callersByWord: ReadonlyMap<string, Array<{ view: FunctionView; callee: CalleeRef }>>,
    aliases: ReadonlyMap<string, string[]>,
  ): Set<FunctionView> {
    const closure = new Set<FunctionView>(seeds);
    const queue = [...closure];
    for (let head = 0; head < queue.length; head += 1) {
      const g = queue[head]!;
      const words = [g.fn.name, ...aliasesOf(g, aliases), ...exportedNames(g)];
      if (g.fn.container !== undefined && CONSTRUCTORS.has(g.fn.name)) words.push(g.fn.container);
      for (const word of new Set(words)) {
        for (const { view, callee } of callersByWord.get(word) ?? []) {
          if (closure.has(view)) continue;
          const calls =
            callee.name !== g.fn.name ? callee.name === g.fn.container || this.aliasCall(callee, g, aliases) || this.exportCall(callee, g) : this.mayCall(callee, view, g);
          if (!calls) continue;
          closure.add(view);
          queue.push(view);
        }
      }
    }
    return closure;
  }

  /**
   * A function that writes into its parameter (dotenv's `populate(processEnv, parsed)`) matters only
   * where a caller hands it the environment: then both do. Passing one's own parameter on makes the
   * caller a parameter writer too.
   */
  private environmentHandOffs(views: readonly FunctionView[]): FunctionView[] {
    // Calls handing something over, by the names they link through (a function's, or a class's for its constructor).
    const handOffs = new Map<string, Array<{ view: FunctionView; event: CallEvent }>>();
    for (const view of views) {
      for (const event of view.fn.events) {
        if (event.kind === 'call' && event.args?.some((arg) => arg !== null)) push(handOffs, event.callee.name, { view, event });
      }
    }
    const writers = new Set(views.filter(({ fn }) => fn.events.some((event) => event.kind === 'env.write' && event.param !== undefined)));
    const queue = [...writers];
    const found = new Set<FunctionView>();
    for (let head = 0; head < queue.length; head += 1) {
      const target = queue[head]!;
      const names = target.fn.container !== undefined && CONSTRUCTORS.has(target.fn.name) ? [target.fn.name, target.fn.container] : [target.fn.name];
      for (const name of new Set([...names, ...exportedNames(target)])) {
        for (const { view, event } of handOffs.get(name) ?? []) {
          if (!this.mayCall(event.callee, view, target) && !this.exportCall(event.callee, target)) continue;
          if (event.args!.some((arg) => arg !== null && 'env' in arg)) {
            found.add(view);
            found.add(target);
          }
          if (!writers.has(view) && event.args!.some((arg) => arg !== null && 'param' in arg)) {
            writers.add(view);
            queue.push(view);
          }
        }
      }
    }
    return [...found];
  }

  private aliasCall(callee: CalleeRef, g: FunctionView, aliases: ReadonlyMap<string, string[]>): boolean {
    return g.fn.container === undefined && callee.receiver === undefined && aliasesOf(g, aliases).includes(callee.name);
  }

  private resolveByName(callee: CalleeRef, caller: FunctionView, byName: ReadonlyMap<string, FunctionView[]>): FunctionView[] {
    const candidates = [...(byName.get(callee.name) ?? [])];
    const found = candidates.filter((g) => this.mayCall(callee, caller, g));
    if (!isJavascriptModuleCall(callee, caller.file.facts.language) || !this.javascript) return found;
    const resolved = this.javascript.moduleTargets(caller.file.absPath, callee.path).functions.flatMap((target) => this.viewOf.get(target.fn) ?? []);
    return [...new Set([...found, ...resolved])];
  }

  /** A JS module call through a name `g` is exported under (`configure` of `module.exports = { configure: M }`, `default`). */
  private exportCall(callee: CalleeRef, g: FunctionView): boolean {
    return isJavascriptModuleCall(callee, g.file.facts.language) && exportedNames(g).includes(callee.name);
  }
}

function isJavascriptModuleCall(callee: CalleeRef, language: Language): boolean {
  return language === 'javascript' && callee.receiver === undefined && callee.local === undefined && callee.path.length >= 2;
}

/** JS: the names other modules import `g` by (`default` for a default export). */
function exportedNames(g: FunctionView): string[] {
  if (g.file.facts.language !== 'javascript') return [];
  return (g.file.facts.exports ?? []).filter((fact) => fact.local === g.fn.key).map((fact) => fact.exported);
}

/**
 * JS: another module calls an exported function through the module, by the name it is exported
 * under, which may not be its own (`module.exports = { configure: M }`); a default export by the
 * module's file name or, from another package, the package's name (`require('lib')()`).
 */
function javascriptExportSpecs(g: FunctionView): TextSpec[] {
  const exported = exportedNames(g);
  if (!g.fn.exported && exported.length === 0) return [];
  const words = new Set([fileStem(g.file.absPath), ...exported.filter((name) => name !== 'default' && name !== g.fn.name)]);
  if (exported.includes('default')) words.add(path.basename(g.file.packageRoot));
  return [...words].map((word) => ({ language: 'javascript', words: [word] }));
}

/** Python aliases are told apart by the module imported from (`from packaging.version import parse as parse_version`). */
function aliasKey(language: Language, imported: string, source: string): string {
  return language === 'python' ? `${imported}\u0000${source.split('.').pop() ?? ''}` : imported;
}

/** The other names `g` may be imported under. */
function aliasesOf(g: FunctionView, aliases: ReadonlyMap<string, string[]>): string[] {
  const language = g.file.facts.language;
  if (language !== 'python') return aliases.get(g.fn.name) ?? [];
  return [...(aliases.get(aliasKey(language, g.fn.name, fileStem(g.file.absPath))) ?? []), ...(aliases.get(aliasKey(language, g.fn.name, '.')) ?? [])];
}

/**
 * Python: what a file importing `words` (a function; a class, with the method called) from the
 * module `file` mentions. An absolute import writes every segment of the module's dotted name
 * (`from pkg.sub.util import f`, `import pkg.sub.util`, `from pkg.sub import util`); a relative one,
 * from inside an enclosing package, the segments below it (`from .util import f`, `from .. import sub`).
 */
function pythonImportSpecs(words: readonly string[], file: ParsedFile): TextSpec[] {
  const module = moduleNameOf(toPosix(file.absPath), toPosix(file.packageRoot));
  const segments = module.name === '' ? [] : module.name.split('.').flatMap((segment) => segment.split(/[^\w$]+/).filter(Boolean));
  const specs: TextSpec[] = [{ language: 'python', words: [...words, ...segments] }];
  // The directories of the enclosing packages, innermost first; a package's own `__init__.py` is inside its own.
  const enclosing = module.isPackage ? segments.length : segments.length - 1;
  let dir = path.dirname(file.absPath);
  for (let depth = enclosing; depth >= 1; depth -= 1) {
    specs.push({ language: 'python', words: [...words, ...segments.slice(depth)], under: dir + path.sep });
    dir = path.dirname(dir);
  }
  return specs;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
