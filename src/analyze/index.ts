import type { FunctionId, PackageRef } from '../languages/types.ts';
import type { Program } from '../link/program.ts';
import type { Finding } from './finding.ts';
import { ProgramGraph } from './graph.ts';
import { interpositionFindings } from './interposition.ts';
import { publicApiFindings } from './publicApi.ts';
import { Summaries } from './summaries.ts';
import { ThreadAnalysis } from './threads.ts';

const LEVEL_ORDER = { error: 0, warning: 1, note: 2 } as const;

export interface AnalyzeOptions {
  /**
   * Which packages count as library code for `env-mutating-public-api`. Default: packages without a
   * program entry point. An audit treats every dependency as a library.
   */
  isLibrary?: (pkg: PackageRef, hasEntry: boolean) => boolean;
  /** An audit's project files: calls from them into environment-writing dependencies are reported at the call. */
  inProject?: (fileId: string) => boolean;
}

/**
 * The call graph and function summaries of a program, made once: the prefilter's last look
 * (`readerStarts`) and the report often analyze the same program.
 */
const analyses = new WeakMap<Program, { graph: ProgramGraph; summaries: Summaries }>();

function analysisOf(program: Program): { graph: ProgramGraph; summaries: Summaries } {
  let analysis = analyses.get(program);
  if (!analysis) {
    const graph = new ProgramGraph(program);
    analysis = { graph, summaries: new Summaries(graph) };
    analyses.set(program, analysis);
  }
  return analysis;
}

/** All findings of a linked program, in a stable order (file, line, column, rule). */
export function analyzeProgram(program: Program, options: AnalyzeOptions = {}): Finding[] {
  const { graph, summaries } = analysisOf(program);
  const findings = [
    ...new ThreadAnalysis(graph, summaries, options.inProject).run(),
    ...publicApiFindings(graph, summaries, options.isLibrary ?? ((_pkg, hasEntry) => !hasEntry)),
    ...interpositionFindings(graph),
  ];
  return findings.sort(
    (a, b) =>
      compareStrings(a.location.fileId, b.location.fileId) ||
      a.location.span.line - b.location.span.line ||
      a.location.span.column - b.location.span.column ||
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      compareStrings(a.ruleId, b.ruleId),
  );
}

/**
 * The functions the findings' concurrent readers would be searched from (the prefilter follows
 * readers only from these; see ThreadAnalysis.readerStarts).
 */
export function readerStarts(program: Program, options: AnalyzeOptions = {}): Set<FunctionId> {
  const { graph, summaries } = analysisOf(program);
  return new ThreadAnalysis(graph, summaries, options.inProject).readerStarts();
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
