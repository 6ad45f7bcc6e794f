import type { Event, FileFacts, FunctionFact } from '../../src/facts/types.ts';

/** The function with this key, or an error listing the keys there are. */
export function fn(facts: FileFacts, key: string): FunctionFact {
  const found = facts.functions.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no function ${key}; have ${facts.functions.map((f) => f.key).join(', ')}`);
  return found;
}

/** Events without spans and empty placements, for compact comparisons; `line` is 1-based. */
export function brief(events: readonly Event[]): Array<Record<string, unknown>> {
  return events.map(({ span, loops, branches, ...rest }) => ({
    line: span.line + 1,
    ...rest,
    ...(loops.length > 0 ? { loops } : {}),
    ...(branches.length > 0 ? { branches } : {}),
  }));
}
