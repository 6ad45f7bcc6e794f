import type { FileFacts, FunctionFact } from '../../facts/types.ts';
import { moduleFunctionKey } from './conventions.ts';

/** What resolving a module call needs of the files: their specifiers, and their facts where parsed. */
export interface ModuleGraph<F> {
  resolve(from: F, specifier: string): F | undefined;
  /** A file's facts, with its functions by key; undefined for a file not parsed (yet). */
  parsed(file: F): { facts: FileFacts; functions: ReadonlyMap<string, FunctionFact> } | undefined;
}

export interface ModuleCallTargets<F> {
  functions: Array<{ file: F; fact: FunctionFact }>;
  /** Files the resolution would have to look into that are not parsed. */
  unparsed: F[];
}

/**
 * The functions a module call reaches: `[specifier, export, member...]`, as the adapter expands
 * `require('lib').f()` and imported names, through `export { a as b }`, `export * from` and
 * `module.exports`. The linker asks it with every file parsed; the prefilter asks it before, and
 * learns from `unparsed` which files the answer depends on.
 */
export function moduleCallTargets<F>(graph: ModuleGraph<F>, from: F, path: readonly string[]): ModuleCallTargets<F> {
  const out: ModuleCallTargets<F> = { functions: [], unparsed: [] };
  const [specifier, ...rawRest] = path as [string, ...string[]];
  // A default import used as a namespace (`import util from './util.js'; util.f()`) reaches the
  // CommonJS module's exports, which the adapter records as named exports.
  const rest = rawRest[0] === 'default' && rawRest.length > 1 ? rawRest.slice(1) : rawRest;
  const target = graph.resolve(from, specifier);
  if (target === undefined || rest.length === 0) return out;
  const parsed = graph.parsed(target);
  if (!parsed) {
    out.unparsed.push(target);
    return out;
  }
  // A Worker's script: the module's top-level code is the thread body.
  if (rest.length === 1 && rest[0] === moduleFunctionKey) {
    const body = parsed.functions.get(moduleFunctionKey);
    if (body) out.functions.push({ file: target, fact: body });
    return out;
  }
  if (rest.length === 1) {
    exported(graph, target, rest[0]!, new Map(), out);
    return out;
  }
  const dotted = parsed.functions.get(rest.join('.'));
  if (dotted) {
    out.functions.push({ file: target, fact: dotted });
    return out;
  }
  const member = rest.slice(1).join('.');
  const heads: ModuleCallTargets<F> = { functions: [], unparsed: [] };
  exported(graph, target, rest[0]!, new Map(), heads);
  out.unparsed.push(...heads.unparsed);
  for (const head of heads.functions) {
    const fact = graph.parsed(head.file)?.functions.get(`${head.fact.container ?? head.fact.key}.${member}`);
    if (fact) out.functions.push({ file: head.file, fact });
  }
  return out;
}

/** The function(s) a module exports under `name`, following re-exports. */
function exported<F>(graph: ModuleGraph<F>, file: F, name: string, seen: Map<F, Set<string>>, out: ModuleCallTargets<F>): void {
  const names = seen.get(file) ?? new Set<string>();
  if (names.has(name)) return;
  names.add(name);
  seen.set(file, names);
  const parsed = graph.parsed(file);
  if (!parsed) {
    out.unparsed.push(file);
    return;
  }
  const { functions } = parsed;
  const { exports = [], imports } = parsed.facts;
  for (const fact of exports) {
    if (fact.exported !== name) continue;
    const local = functions.get(fact.local);
    if (local) {
      out.functions.push({ file, fact: local });
      return;
    }
    const imported = imports.find((candidate) => candidate.local === fact.local && candidate.imported !== '*');
    if (imported) {
      const next = graph.resolve(file, imported.source);
      if (next !== undefined) exported(graph, next, imported.imported, seen, out);
      return;
    }
  }
  const direct = functions.get(name) ?? functions.get(`${name}.constructor`);
  if (direct?.exported) {
    out.functions.push({ file, fact: direct });
    return;
  }
  for (const fact of functions.values()) {
    if (fact.exported && fact.container === undefined && fact.name === name) {
      out.functions.push({ file, fact });
      return;
    }
  }
  // `export * from`: the first source that has the name; while a source is not parsed, the ones
  // after it may be the one too.
  for (const star of imports) {
    if (star.kind !== 'reexport' || star.local !== '*') continue;
    const next = graph.resolve(file, star.source);
    if (next === undefined) continue;
    const found: ModuleCallTargets<F> = { functions: [], unparsed: [] };
    exported(graph, next, name, seen, found);
    out.functions.push(...found.functions);
    out.unparsed.push(...found.unparsed);
    if (found.functions.length > 0 && found.unparsed.length === 0) return;
  }
}
