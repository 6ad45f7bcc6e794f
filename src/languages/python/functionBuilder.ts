import type { Event, FunctionFact, Span } from '../../facts/types.ts';
import type { ClassInfo, Scope } from './scope.ts';

/** Where the walk is: the function collecting events, the scope for names, and the enclosing loops and arms. */
export interface Context {
  fn: FunctionBuilder;
  scope: Scope;
  loops: readonly string[];
  branches: readonly string[];
  /** Key prefix for definitions met here: `''` at module level, `outer` inside `def outer`, `C` in `class C`. */
  keyPrefix: string;
  /** Set while walking a class body itself: a `def` here is one of its methods. */
  classBody?: ClassInfo;
  /** The class whose method is being walked (for `super()`). */
  methodOf?: ClassInfo;
}

/** An event before placement is attached. */
export type PendingEvent = WithoutPlacement<Event>;
type WithoutPlacement<E> = E extends unknown ? Omit<E, 'loops' | 'branches'> : never;

export class FunctionBuilder {
  private constructs = 0;

  constructor(readonly fact: FunctionFact) {}

  /** A function-unique id for a loop or conditional construct: `loop3`, `if4`, `try5`. */
  newConstruct(kind: string): string {
    this.constructs += 1;
    return `${kind}${this.constructs}`;
  }

  /** Adds an event placed where `ctx` is; returns it so that later facts (a list the handle joins) can extend it. */
  emit<E extends PendingEvent>(ctx: Context, event: E): E & { loops: string[]; branches: string[] } {
    const placed = { ...event, loops: [...ctx.loops], branches: [...ctx.branches] };
    this.fact.events.push(placed as Event);
    return placed;
  }

  /** Events in source order; a stable sort keeps syntax order among events starting at one position. */
  finish(): FunctionFact {
    this.fact.events.sort((a, b) => compareStart(a.span, b.span));
    return this.fact;
  }
}

function compareStart(a: Span, b: Span): number {
  return a.line - b.line || a.column - b.column;
}

/** `ctx` inside arm `arm` of conditional construct `construct`. */
export function inArm(ctx: Context, construct: string, arm: number): Context {
  return { ...ctx, branches: [...ctx.branches, `${construct}:${arm}`] };
}

/** `ctx` inside loop `loop`. */
export function inLoop(ctx: Context, loop: string): Context {
  return { ...ctx, loops: [...ctx.loops, loop] };
}
