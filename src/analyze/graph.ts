import type { BodyRef, Event } from '../facts/types.ts';
import { eventRef, functionId, type FunctionId } from '../languages/types.ts';
import type { Program, ProgramFunction } from '../link/program.ts';
import type { PlacedJoin } from './placement.ts';
import type { Step } from './finding.ts';

const NO_TARGETS: FunctionId[] = [];

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
  /** Per function, the targets of each event asked for so far: resolving one builds a string key. */
  private readonly targetsByFunction = new Map<ProgramFunction, Array<FunctionId[] | undefined>>();

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
  targetsOf(fn: ProgramFunction, index: number): FunctionId[] {
    let resolved = this.targetsByFunction.get(fn);
    if (!resolved) {
      resolved = new Array<FunctionId[] | undefined>(fn.fact.events.length);
      this.targetsByFunction.set(fn, resolved);
    }
    return (resolved[index] ??= this.resolveTargets(fn, index));
  }

  private resolveTargets(fn: ProgramFunction, index: number): FunctionId[] {
    const event = fn.fact.events[index]!;
    const local = localTarget(event);
    if (local !== undefined) {
      const id = functionId(fn.file.id, local);
      return this.program.functions.has(id) ? [id] : NO_TARGETS;
    }
    return this.program.targets.get(eventRef(fn.file.id, fn.fact.key, index)) ?? NO_TARGETS;
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

function bodyLocal(body: BodyRef): string | undefined {
  if ('local' in body) return body.local;
  return body.callee.local;
}

function localTarget(event: Event): string | undefined {
  if (event.kind === 'call') return event.callee.local;
  if ((event.kind === 'spawn' || event.kind === 'defer') && event.body) return bodyLocal(event.body);
  return undefined;
}
