import { apiDisplayName } from '../catalog/load.ts';
import type { PackageRef } from '../languages/types.ts';
import type { ProgramFunction } from '../link/program.ts';
import type { Finding } from './finding.ts';
import type { ProgramGraph } from './graph.ts';
import type { Summaries, TransitiveWrite } from './summaries.ts';

/**
 * Packages that hold a program entry: a C/Rust `main`, a Python `__main__` guard, a JS file with a
 * shebang. Module top-level code does not count.
 */
function packagesWithEntry(graph: ProgramGraph): Set<string> {
  const withEntry = new Set<string>();
  for (const file of graph.program.files) {
    if (file.facts.program || file.facts.functions.some((fn) => fn.entry === 'main')) withEntry.add(file.pkg.id);
  }
  return withEntry;
}

/** `env-mutating-public-api`: one warning per writing site, naming the public functions that reach it. */
export function publicApiFindings(graph: ProgramGraph, summaries: Summaries, isLibrary: (pkg: PackageRef, hasEntry: boolean) => boolean): Finding[] {
  const withEntry = packagesWithEntry(graph);
  const libraries = new Set(graph.program.files.filter((file) => isLibrary(file.pkg, withEntry.has(file.pkg.id))).map((file) => file.pkg.id));
  const writes = summaries.writesTransitively();
  const bySite = new Map<string, { write: TransitiveWrite; entries: Array<{ fn: ProgramFunction; write: TransitiveWrite }> }>();
  for (const fn of graph.functions) {
    if (!fn.fact.exported || !libraries.has(fn.file.pkg.id)) continue;
    const write = writes.get(fn.id);
    if (!write) continue;
    const key = `${write.site.fileId}:${write.site.span.line}:${write.site.span.column}`;
    const group = bySite.get(key) ?? { write, entries: [] };
    group.entries.push({ fn, write });
    bySite.set(key, group);
  }
  const findings: Finding[] = [];
  for (const { write, entries } of bySite.values()) {
    const event = write.write.event;
    const language = write.write.fn.file.facts.language;
    const apiName = apiDisplayName(language, event.api);
    const names = entries.map((entry) => entry.fn.fact.qualifiedName).sort();
    const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
    const shortest = entries.reduce((best, entry) => (entry.write.chain.length < best.write.chain.length ? entry : best));
    findings.push({
      ruleId: 'env-mutating-public-api',
      level: 'warning',
      location: { fileId: write.site.fileId, span: write.site.span },
      message: `${apiName} writes ${event.variable ?? 'the environment'}, reachable from public ${names.length === 1 ? 'function' : 'functions'} ${shown}; a caller that has already started threads races with every reader of the environment.`,
      variable: event.variable,
      api: event.api,
      threads: [{ label: `call from ${shortest.fn.fact.qualifiedName}`, steps: shortest.write.chain }],
      related: entries
        .slice()
        .sort((a, b) => (a.fn.id < b.fn.id ? -1 : a.fn.id > b.fn.id ? 1 : 0))
        .map((entry) => ({ fileId: entry.fn.file.id, span: entry.fn.fact.nameSpan, message: `public entry point ${entry.fn.fact.qualifiedName}` })),
      fix: 'Offer a variant that returns the values instead of setting them (the caller decides when it is safe), and document that this function must run before any thread starts.',
    });
  }
  return findings;
}
