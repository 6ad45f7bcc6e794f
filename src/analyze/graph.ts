import type { FunctionId } from '../languages/types.ts';
import type { Program, ProgramFunction } from '../link/program.ts';
import type { PlacedJoin } from './placement.ts';
import type { Step } from './finding.ts';

const NO_TARGETS: readonly FunctionId[] = [];

export interface CallSite {
  caller: ProgramFunction;
  index: number;
}

/**
 * Read-only views over a linked program that every analysis needs: what an event reaches, who
 * calls a function, the joins of a function, and human-readable steps.
 */
export class ProgramGraph {
  private readonly callers = new Map<FunctionId, CallSite[]>();
  private readonly joinsByFunction = new Map<FunctionId, PlacedJoin[]>();

  constructor(readonly program: Program) {
    for (const fn of program.ordered) {
      fn.fact.events.forEach((event, index) => {
        if (event.kind !== 'call') return;
        for (const target of this.targetsOf(fn, index)) {
          const list = this.callers.get(target) ?? [];
          list.push({ caller: fn, index });
          this.callers.set(target, list);
        }
      });
    }
  }

  get functions(): readonly ProgramFunction[] {
    return this.program.ordered;
  }

  fn(id: FunctionId): ProgramFunction | undefined {
    return this.program.functions.get(id);
  }

  /** Functions a call / spawn / defer event may enter. */
  targetsOf(fn: ProgramFunction, index: number): readonly FunctionId[] {
    return fn.targets[index] ?? NO_TARGETS;
  }

  callSitesOf(id: FunctionId): readonly CallSite[] {
    return this.callers.get(id) ?? [];
  }

  joinsOf(fn: ProgramFunction): readonly PlacedJoin[] {
    let joins = this.joinsByFunction.get(fn.id);
    if (!joins) {
      joins = [];
      fn.fact.events.forEach((event, index) => {
        if (event.kind === 'join') joins!.push({ index, loops: event.loops, branches: event.branches, handles: event.handles });
      });
      this.joinsByFunction.set(fn.id, joins);
    }
    return joins;
  }

  step(fn: ProgramFunction, index: number, kind: Step['kind'], message: string): Step {
    const event = fn.fact.events[index]!;
    return { fileId: fn.file.id, span: event.span, kind, message, functionName: fn.fact.qualifiedName };
  }
}
