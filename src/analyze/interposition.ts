import type { Finding } from './finding.ts';
import type { ProgramGraph } from './graph.ts';

/** `libc-symbol-interposition`: a definition that replaces a libc symbol for the whole process. */
export function interpositionFindings(graph: ProgramGraph): Finding[] {
  return graph.functions
    .filter((fn) => fn.fact.interposes)
    .map((fn) => {
      const symbol = fn.fact.interposes!.symbol;
      return {
        ruleId: 'libc-symbol-interposition' as const,
        level: 'note' as const,
        location: { fileId: fn.file.id, span: fn.fact.nameSpan },
        message: `${fn.fact.qualifiedName} defines the libc symbol '${symbol}' for the whole process: setenv/getenv and every allocation they make go through it, so what a concurrent environment write does (and what envrace repro measures) depends on this code.`,
        api: fn.fact.interposes!.api,
        threads: [],
        related: [],
        fix: `Keep the override only if it is meant to replace libc's ${symbol}; when it is, test the reproducer with it loaded (LD_PRELOAD) before trusting a 'not reproduced' verdict.`,
      };
    });
}
