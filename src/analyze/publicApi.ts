import { apiDisplayName } from '../catalog/load.ts';
import type { PackageRef } from '../languages/types.ts';
import type { ProgramFunction } from '../link/program.ts';
import { chain, chainSteps, type Chain } from './chain.ts';
import type { Finding } from './finding.ts';
import type { ProgramGraph } from './graph.ts';
import type { Summaries } from './summaries.ts';

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

/**
 * Public library functions that reach `writer` (itself included), each with the calls from it down
 * to `writer`: a breadth-first walk up the callers, so each keeps its shortest chain.
 */
function publicCallersOf(graph: ProgramGraph, writer: ProgramFunction, isPublic: (fn: ProgramFunction) => boolean): Array<{ fn: ProgramFunction; calls: Chain | undefined }> {
  const found: Array<{ fn: ProgramFunction; calls: Chain | undefined }> = [];
  const chains = new Map<string, Chain | undefined>([[writer.id, undefined]]);
  const queue: ProgramFunction[] = [writer];
  for (let head = 0; head < queue.length; head += 1) {
    const fn = queue[head]!;
    const calls = chains.get(fn.id);
    if (isPublic(fn)) found.push({ fn, calls });
    for (const site of graph.callSitesOf(fn.id)) {
      if (chains.has(site.caller.id)) continue;
      chains.set(site.caller.id, chain(graph.step(site.caller, site.index, 'call', `calls ${fn.fact.qualifiedName}()`), calls));
      queue.push(site.caller);
    }
  }
  return found;
}

/** `env-mutating-public-api`: one warning per writing site, naming the public functions that reach it. */
export function publicApiFindings(graph: ProgramGraph, summaries: Summaries, isLibrary: (pkg: PackageRef, hasEntry: boolean) => boolean): Finding[] {
  const withEntry = packagesWithEntry(graph);
  const libraries = new Set(graph.program.files.filter((file) => isLibrary(file.pkg, withEntry.has(file.pkg.id))).map((file) => file.pkg.id));
  const isPublic = (fn: ProgramFunction): boolean => fn.fact.exported && libraries.has(fn.file.pkg.id);
  const findings: Finding[] = [];
  for (const writer of graph.functions) {
    const points = summaries.writePoints(writer);
    if (points.length === 0) continue;
    const entries = publicCallersOf(graph, writer, isPublic);
    if (entries.length === 0) continue;
    const names = entries.map((entry) => entry.fn.fact.qualifiedName).sort();
    const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
    const callCount = (entry: { calls: Chain | undefined }): number => entry.calls?.length ?? 0;
    const shortest = entries.reduce((best, entry) => (callCount(entry) < callCount(best) ? entry : best));
    const related = entries
      .slice()
      .sort((a, b) => (a.fn.id < b.fn.id ? -1 : a.fn.id > b.fn.id ? 1 : 0))
      .map((entry) => ({ fileId: entry.fn.file.id, span: entry.fn.fact.nameSpan, message: `public entry point ${entry.fn.fact.qualifiedName}` }));
    const seenSites = new Set<string>();
    for (const point of points) {
      const site = point.chain.step;
      const key = `${site.fileId}:${site.span.line}:${site.span.column}`;
      if (seenSites.has(key)) continue;
      seenSites.add(key);
      const event = point.write.event;
      const apiName = apiDisplayName(point.write.fn.file.facts.language, event.api);
      findings.push({
        ruleId: 'env-mutating-public-api',
        level: 'warning',
        location: { fileId: site.fileId, span: site.span },
        message: `${apiName} writes ${event.variable ?? 'the environment'}, reachable from public ${names.length === 1 ? 'function' : 'functions'} ${shown}; a caller that has already started threads races with every reader of the environment.`,
        variable: event.variable,
        api: event.api,
        threads: [{ label: `call from ${shortest.fn.fact.qualifiedName}`, steps: [...chainSteps(shortest.calls), ...chainSteps(point.chain)] }],
        related,
        fix: 'Offer a variant that returns the values instead of setting them (the caller decides when it is safe), and document that this function must run before any thread starts.',
      });
    }
  }
  return findings;
}
