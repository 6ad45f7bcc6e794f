import type { Step } from './finding.ts';

/**
 * A witness as a shared list, first step at the head. A caller's chain is its call step in front of
 * the callee's chain, which it shares instead of copying: in a node_modules tree tens of thousands
 * of functions explain themselves through the tails of a few hundred chains.
 */
export interface Chain {
  readonly step: Step;
  readonly rest: Chain | undefined;
  readonly length: number;
}

export function chain(step: Step, rest?: Chain): Chain {
  return { step, rest, length: 1 + (rest?.length ?? 0) };
}

export function chainSteps(list: Chain | undefined): Step[] {
  const steps: Step[] = [];
  for (let link = list; link; link = link.rest) steps.push(link.step);
  return steps;
}

/**
 * Steps added at the end, one call deeper each time (a thread's way from where it started into its
 * callees), sharing everything before: the last step at the head.
 */
export interface Trail {
  readonly last: Step;
  readonly before: Trail | undefined;
  readonly length: number;
}

export function extendTrail(before: Trail | undefined, last: Step): Trail {
  return { last, before, length: 1 + (before?.length ?? 0) };
}

export function trailSteps(trail: Trail | undefined): Step[] {
  const steps: Step[] = [];
  for (let link = trail; link; link = link.before) steps.push(link.last);
  return steps.reverse();
}
