import { apiDisplayName } from '../catalog/load.ts';
import type { EnvWriteEvent, Language, SpawnEvent } from '../facts/types.ts';
import type { FunctionId } from '../languages/types.ts';
import type { ProgramFunction } from '../link/program.ts';
import { chain, type Chain } from './chain.ts';
import type { Step } from './finding.ts';
import type { ProgramGraph } from './graph.ts';
import { aliveAtExit, type Placed } from './placement.ts';

/** The concrete spawn event that a chain ends in. */
export interface SpawnOrigin {
  fn: ProgramFunction;
  index: number;
  event: SpawnEvent;
}

/** A function that may return while a thread it started (directly or through callees) still runs. */
export interface LeaveSummary {
  /** From the function's first relevant call down to the spawn. */
  chain: Chain;
  origin: SpawnOrigin;
}

/** A point in a function from which threads may be running afterwards. */
export interface SpawnPoint extends Placed {
  handles: readonly string[];
  /** Steps from this point to the spawn (one step for a direct spawn). */
  chain: Chain;
  origin: SpawnOrigin;
}

/** A point in a function that writes the environment (directly, or by handing it to a function that writes its parameter). */
export interface WritePoint extends Placed {
  /** Steps from this point down to the write itself (one step for a direct write). */
  chain: Chain;
  write: { fn: ProgramFunction; index: number; event: EnvWriteEvent };
}

/** Where a function writes properties of one of its parameters. */
interface ParamWrite {
  chain: Chain;
  write: WritePoint['write'];
}

export interface ReaderWitness {
  chain: Step[];
  api: string;
  language: Language;
  kind: 'getenv' | 'exec' | 'other';
}

export function describeSpawn(event: SpawnEvent, language: Language): string {
  const api = apiDisplayName(language, event.api);
  return event.body ? `spawns a thread (${api})` : `starts threads that keep running (${api})`;
}

export function describeWrite(event: EnvWriteEvent, language: Language): string {
  return `writes ${event.variable ? `${event.variable} in ` : ''}the environment (${apiDisplayName(language, event.api)})`;
}

const NO_SPAWN_POINTS: readonly SpawnPoint[] = [];
const NO_WRITE_POINTS: readonly WritePoint[] = [];

/** Per-function facts that need the whole call graph: computed once, by worklists, deterministically. */
export class Summaries {
  readonly leaves = new Map<FunctionId, LeaveSummary>();
  private readonly paramWrites = new Map<FunctionId, Map<number, ParamWrite>>();
  private readonly spawnPointCache = new Map<FunctionId, readonly SpawnPoint[]>();
  private readonly writePointCache = new Map<FunctionId, readonly WritePoint[]>();
  private readonly readerCache = new Map<FunctionId, ReaderWitness | null>();

  constructor(private readonly graph: ProgramGraph) {
    this.computeParamWrites();
    this.computeLeaves();
  }

  private computeLeaves(): void {
    const queue: FunctionId[] = [];
    for (const fn of this.graph.functions) {
      const joins = this.graph.joinsOf(fn);
      const index = fn.fact.events.findIndex(
        (event, i) => event.kind === 'spawn' && aliveAtExit({ index: i, loops: event.loops, branches: event.branches }, event.handles, joins),
      );
      if (index < 0) continue;
      const event = fn.fact.events[index] as SpawnEvent;
      this.leaves.set(fn.id, { chain: chain(this.graph.step(fn, index, 'spawn', describeSpawn(event, fn.file.facts.language))), origin: { fn, index, event } });
      queue.push(fn.id);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const calleeId = queue[head]!;
      const leave = this.leaves.get(calleeId)!;
      for (const site of this.graph.callSitesOf(calleeId)) {
        if (this.leaves.has(site.caller.id)) continue;
        const event = site.caller.fact.events[site.index]!;
        if (event.kind !== 'call') continue;
        const handles = event.assignedTo ? [event.assignedTo] : [];
        if (!aliveAtExit({ index: site.index, loops: event.loops, branches: event.branches }, handles, this.graph.joinsOf(site.caller))) continue;
        const callee = this.graph.fn(calleeId)!;
        const step = this.graph.step(site.caller, site.index, 'call', `calls ${callee.fact.qualifiedName}(), which returns with a thread still running`);
        this.leaves.set(site.caller.id, { chain: chain(step, leave.chain), origin: leave.origin });
        queue.push(site.caller.id);
      }
    }
  }

  private computeParamWrites(): void {
    const queue: Array<[FunctionId, number]> = [];
    for (const fn of this.graph.functions) {
      fn.fact.events.forEach((event, index) => {
        if (event.kind !== 'env.write' || event.param === undefined) return;
        const own = this.paramWrites.get(fn.id) ?? new Map<number, ParamWrite>();
        if (own.has(event.param)) return;
        own.set(event.param, {
          chain: chain(this.graph.step(fn, index, 'write', `writes properties of parameter ${fn.fact.params[event.param] ?? event.param} (${apiDisplayName(fn.file.facts.language, event.api)})`)),
          write: { fn, index, event },
        });
        this.paramWrites.set(fn.id, own);
        queue.push([fn.id, event.param]);
      });
    }
    for (let head = 0; head < queue.length; head += 1) {
      const [calleeId, param] = queue[head]!;
      const written = this.paramWrites.get(calleeId)!.get(param)!;
      const callee = this.graph.fn(calleeId)!;
      for (const site of this.graph.callSitesOf(calleeId)) {
        const event = site.caller.fact.events[site.index]!;
        if (event.kind !== 'call') continue;
        const arg = event.args?.[param];
        if (!arg || !('param' in arg)) continue;
        const own = this.paramWrites.get(site.caller.id) ?? new Map<number, ParamWrite>();
        if (own.has(arg.param)) continue;
        const step = this.graph.step(site.caller, site.index, 'call', `passes parameter ${site.caller.fact.params[arg.param] ?? arg.param} to ${callee.fact.qualifiedName}()`);
        own.set(arg.param, { chain: chain(step, written.chain), write: written.write });
        this.paramWrites.set(site.caller.id, own);
        queue.push([site.caller.id, arg.param]);
      }
    }
  }

  /** Spawns and calls to thread-leaving functions in `fn`, in event order. */
  spawnPoints(fn: ProgramFunction): readonly SpawnPoint[] {
    const cached = this.spawnPointCache.get(fn.id);
    if (cached) return cached;
    const points: SpawnPoint[] = [];
    fn.fact.events.forEach((event, index) => {
      const placed = { index, loops: event.loops, branches: event.branches };
      if (event.kind === 'spawn') {
        points.push({ ...placed, handles: event.handles, chain: chain(this.graph.step(fn, index, 'spawn', describeSpawn(event, fn.file.facts.language))), origin: { fn, index, event } });
      } else if (event.kind === 'call') {
        const leaving = this.graph.targetsOf(fn, index).find((id) => this.leaves.has(id));
        if (leaving === undefined) return;
        const leave = this.leaves.get(leaving)!;
        const callee = this.graph.fn(leaving)!;
        const step = this.graph.step(fn, index, 'call', `calls ${callee.fact.qualifiedName}(), which returns with a thread still running`);
        points.push({ ...placed, handles: event.assignedTo ? [event.assignedTo] : [], chain: chain(step, leave.chain), origin: leave.origin });
      }
    });
    // Most functions have none: they share one empty list.
    const kept = points.length > 0 ? points : NO_SPAWN_POINTS;
    this.spawnPointCache.set(fn.id, kept);
    return kept;
  }

  /** Direct environment writes in `fn`, and calls that hand the environment to a parameter-writing function. */
  writePoints(fn: ProgramFunction): readonly WritePoint[] {
    const cached = this.writePointCache.get(fn.id);
    if (cached) return cached;
    const points: WritePoint[] = [];
    fn.fact.events.forEach((event, index) => {
      const placed = { index, loops: event.loops, branches: event.branches };
      if (event.kind === 'env.write' && event.param === undefined) {
        points.push({ ...placed, chain: chain(this.graph.step(fn, index, 'write', describeWrite(event, fn.file.facts.language))), write: { fn, index, event } });
      } else if (event.kind === 'call' && event.args?.some((arg) => arg !== null && 'env' in arg)) {
        for (const target of this.graph.targetsOf(fn, index)) {
          const written = this.paramWrites.get(target);
          if (!written) continue;
          const param = [...written.keys()].sort((a, b) => a - b).find((i) => {
            const arg = event.args?.[i];
            return arg !== null && arg !== undefined && 'env' in arg;
          });
          if (param === undefined) continue;
          const callee = this.graph.fn(target)!;
          const step = this.graph.step(fn, index, 'write', `passes the environment to ${callee.fact.qualifiedName}(), which writes its properties`);
          points.push({ ...placed, chain: chain(step, written.get(param)!.chain), write: written.get(param)!.write });
          break;
        }
      }
    });
    const kept = points.length > 0 ? points : NO_WRITE_POINTS;
    this.writePointCache.set(fn.id, kept);
    return kept;
  }

  /** The nearest environment reader (getenv-like or exec-like) that `fn` may run, with the calls to it. */
  readerFrom(start: FunctionId): ReaderWitness | undefined {
    const cached = this.readerCache.get(start);
    if (cached !== undefined) return cached ?? undefined;
    const seen = new Set<FunctionId>([start]);
    const queue: Array<{ id: FunctionId; chain: Step[] }> = [{ id: start, chain: [] }];
    let found: ReaderWitness | undefined;
    for (let head = 0; head < queue.length && !found; head += 1) {
      const { id, chain } = queue[head]!;
      const fn = this.graph.fn(id)!;
      found = this.directReader(fn, 0, chain);
      if (found) break;
      fn.fact.events.forEach((event, index) => {
        if (event.kind !== 'call') return;
        for (const target of this.graph.targetsOf(fn, index)) {
          if (seen.has(target)) continue;
          seen.add(target);
          queue.push({ id: target, chain: [...chain, this.graph.step(fn, index, 'call', `calls ${this.graph.fn(target)!.fact.qualifiedName}()`)] });
        }
      });
    }
    this.readerCache.set(start, found ?? null);
    return found;
  }

  /** A reader at or after event `from` of `fn` (its own events, or through a call), for the spawning thread's side. */
  readerAfter(fn: ProgramFunction, from: number): ReaderWitness | undefined {
    const direct = this.directReader(fn, from, []);
    if (direct) return direct;
    for (let index = from; index < fn.fact.events.length; index += 1) {
      const event = fn.fact.events[index]!;
      if (event.kind !== 'call') continue;
      for (const target of this.graph.targetsOf(fn, index)) {
        const reader = this.readerFrom(target);
        if (reader) {
          return { ...reader, chain: [this.graph.step(fn, index, 'call', `calls ${this.graph.fn(target)!.fact.qualifiedName}()`), ...reader.chain] };
        }
      }
    }
    return undefined;
  }

  private directReader(fn: ProgramFunction, from: number, chain: Step[]): ReaderWitness | undefined {
    for (let index = from; index < fn.fact.events.length; index += 1) {
      const event = fn.fact.events[index]!;
      if (event.kind === 'exec') {
        return { chain: [...chain, this.graph.step(fn, index, 'exec', `starts a program, copying the environment (${apiDisplayName(fn.file.facts.language, event.api)})`)], api: event.api, language: fn.file.facts.language, kind: 'exec' };
      }
      if (event.kind === 'env.read') {
        const what = event.variable ? `${event.variable} from ` : '';
        const kind = /getenv|env\.(var|get|read)|environ|process\.env/i.test(event.api) ? 'getenv' : 'other';
        return { chain: [...chain, this.graph.step(fn, index, 'read', `reads ${what}the environment (${apiDisplayName(fn.file.facts.language, event.api)})`)], api: event.api, language: fn.file.facts.language, kind };
      }
    }
    return undefined;
  }

  /**
   * Functions that write the environment themselves or through any callee (for the public-API
   * rule), each with the calls down to the writing site.
   */
  writesTransitively(): Map<FunctionId, TransitiveWrite> {
    const result = new Map<FunctionId, TransitiveWrite>();
    const queue: FunctionId[] = [];
    for (const fn of this.graph.functions) {
      const first = this.writePoints(fn)[0];
      if (!first) continue;
      result.set(fn.id, { chain: first.chain, site: first.chain.step, write: first.write });
      queue.push(fn.id);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const calleeId = queue[head]!;
      const inner = result.get(calleeId)!;
      for (const site of this.graph.callSitesOf(calleeId)) {
        if (result.has(site.caller.id)) continue;
        const step = this.graph.step(site.caller, site.index, 'call', `calls ${this.graph.fn(calleeId)!.fact.qualifiedName}()`);
        result.set(site.caller.id, { chain: chain(step, inner.chain), site: inner.site, write: inner.write });
        queue.push(site.caller.id);
      }
    }
    return result;
  }
}

export interface TransitiveWrite {
  chain: Chain;
  /** Where the environment is written (or handed to a parameter-writing function). */
  site: Step;
  write: WritePoint['write'];
}
