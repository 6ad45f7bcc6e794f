import { apiDisplayName } from '../catalog/load.ts';
import type { FunctionId } from '../languages/types.ts';
import type { ProgramFunction } from '../link/program.ts';
import { chain, chainSteps, extendTrail, trailSteps, type Chain, type Trail } from './chain.ts';
import type { Finding, RelatedLocation, Step, ThreadTrace } from './finding.ts';
import type { ProgramGraph } from './graph.ts';
import { aliveAt } from './placement.ts';
import { describeSpawn, type ReaderWitness, type SpawnOrigin, type SpawnPoint, type Summaries, type WritePoint } from './summaries.ts';

/**
 * Why every event of a function may run while another thread is alive.
 * - `thread-body`: the function runs on a spawned thread; the other thread is the spawner.
 * - `after-spawn`: it is called after a spawn on the spawning thread; the other thread is the spawned one.
 * - `runtime`: an implicit multi-threaded runtime (`#[tokio::main]`) surrounds it.
 * - `event-loop`: a JS callback that runs after the program has started threadpool work.
 */
interface ThreadedContext {
  kind: 'thread-body' | 'after-spawn' | 'runtime' | 'event-loop';
  /**
   * Steps on the writing thread up to (and including) the step that enters the function: how the
   * context began (a spawn, a runtime, a call chain down to a spawn), then the calls since.
   */
  start: Chain;
  calls: Trail | undefined;
  /** Where the other thread came from (absent for runtimes whose threads are not ours). */
  origin?: SpawnOrigin;
  /** Display name of the runtime (`tokio::main`). */
  runtimeApi?: string;
}

interface Candidate {
  context: ThreadedContext;
  write: WritePoint;
  fn: ProgramFunction;
}

const RULE_ID = 'env-mutation-after-thread-spawn';

const stepCount = (context: ThreadedContext): number => context.start.length + (context.calls?.length ?? 0);
const stepsOf = (context: ThreadedContext): Step[] => [...chainSteps(context.start), ...trailSteps(context.calls)];

export class ThreadAnalysis {
  private readonly threaded = new Map<FunctionId, ThreadedContext>();
  private readonly candidates = new Map<string, Candidate>();

  constructor(
    private readonly graph: ProgramGraph,
    private readonly summaries: Summaries,
    /** Set by an audit: which files are the user's. Calls from them into dependencies that write become findings. */
    private readonly inProject?: (fileId: string) => boolean,
  ) {}

  run(): Finding[] {
    this.collect();
    return [...this.candidates.values()]
      .map((candidate) => this.toFinding(candidate))
      .sort((a, b) => (a.location.fileId < b.location.fileId ? -1 : a.location.fileId > b.location.fileId ? 1 : a.location.span.line - b.location.span.line || a.location.span.column - b.location.span.column));
  }

  /**
   * Where the findings' concurrent readers are searched from (see `toFinding`): the spawning
   * function of a write on a spawned thread, the thread bodies of a write after a spawn. A write
   * inside a runtime names no reader. In an audit, a finding with no frame in the project on the
   * writing thread is not reported (src/audit/relocate.ts), so its reader is never named either.
   */
  readerStarts(): Set<FunctionId> {
    this.collect();
    const starts = new Set<FunctionId>();
    for (const { context, write } of this.candidates.values()) {
      const origin = context.origin;
      if (!origin) continue;
      const inProject = this.inProject;
      if (inProject && ![...stepsOf(context), ...chainSteps(write.chain)].some((step) => inProject(step.fileId))) continue;
      if (context.kind === 'thread-body') starts.add(origin.fn.id);
      else if (origin.event.body) for (const body of this.graph.targetsOf(origin.fn, origin.index)) starts.add(body);
    }
    return starts;
  }

  private collected = false;

  private collect(): void {
    if (this.collected) return;
    this.collected = true;
    const seeds: Array<[FunctionId, ThreadedContext]> = [];
    const eventLoop = this.eventLoopContext();
    for (const fn of this.graph.functions) {
      if (fn.fact.runtime) {
        const runtimeApi = apiDisplayName(fn.file.facts.language, fn.fact.runtime.api);
        const step: Step = { fileId: fn.file.id, span: fn.fact.runtime.span, kind: 'runtime', message: `runs inside a multi-threaded runtime (${runtimeApi})`, functionName: fn.fact.qualifiedName };
        seeds.push([fn.id, { kind: 'runtime', start: chain(step), calls: undefined, runtimeApi }]);
      }
      this.scanLocally(fn, seeds, eventLoop);
    }
    this.propagate(seeds);
    if (this.inProject) this.callsIntoWritingDependencies(this.inProject);
  }

  /**
   * JS callbacks run after the synchronous program. If any module's top level or any callback leaves
   * threadpool work running, callbacks may run while those threads are alive.
   */
  private eventLoopContext(): ThreadedContext | undefined {
    for (const fn of this.graph.functions) {
      if (fn.file.facts.language !== 'javascript' || fn.fact.entry !== 'module') continue;
      const leave = this.summaries.leaves.get(fn.id);
      if (leave) return { kind: 'event-loop', start: leave.chain, calls: undefined, origin: leave.origin };
    }
    return undefined;
  }

  /** Events of `fn` that run after a spawn in `fn` itself, whatever calls `fn`. */
  private scanLocally(fn: ProgramFunction, seeds: Array<[FunctionId, ThreadedContext]>, eventLoop: ThreadedContext | undefined): void {
    const points = this.summaries.spawnPoints(fn);
    const joins = this.graph.joinsOf(fn);
    const aliveSpawn = (index: number): SpawnPoint | undefined => {
      const event = fn.fact.events[index]!;
      const placed = { index, loops: event.loops, branches: event.branches };
      return points.find((point) => aliveAt(point, point.handles, placed, joins));
    };
    for (const write of this.summaries.writePoints(fn)) {
      const spawn = points.length > 0 ? aliveSpawn(write.index) : undefined;
      if (spawn) this.consider({ context: { kind: 'after-spawn', start: spawn.chain, calls: undefined, origin: spawn.origin }, write, fn });
    }
    fn.fact.events.forEach((event, index) => {
      if (event.kind === 'spawn' && event.body) {
        const step = this.graph.step(fn, index, 'spawn', describeSpawn(event, fn.file.facts.language));
        for (const body of this.graph.targetsOf(fn, index)) seeds.push([body, { kind: 'thread-body', start: chain(step), calls: undefined, origin: { fn, index, event } }]);
        return;
      }
      if (event.kind !== 'call' && event.kind !== 'defer') return;
      const spawn = points.length > 0 ? aliveSpawn(index) : undefined;
      const targets = this.graph.targetsOf(fn, index);
      if (spawn) {
        for (const target of targets) {
          const step = this.graph.step(fn, index, event.kind === 'defer' ? 'defer' : 'call', this.entryMessage(event.kind, target));
          seeds.push([target, { kind: 'after-spawn', start: spawn.chain, calls: extendTrail(undefined, step), origin: spawn.origin }]);
        }
      } else if (event.kind === 'defer' && eventLoop) {
        for (const target of targets) {
          const step = this.graph.step(fn, index, 'defer', this.entryMessage('defer', target));
          seeds.push([target, { ...eventLoop, calls: extendTrail(eventLoop.calls, step) }]);
        }
      }
    });
  }

  private entryMessage(kind: 'call' | 'defer', target: FunctionId): string {
    const name = this.graph.fn(target)!.fact.qualifiedName;
    return kind === 'defer' ? `registers ${name}, which runs later on the event loop` : `calls ${name}()`;
  }

  /**
   * Breadth-first by witness length, so each function keeps its shortest explanation (the first
   * one queued on ties). A function already queued with a witness as short is not queued again.
   */
  private propagate(seeds: Array<[FunctionId, ThreadedContext]>): void {
    const buckets: Array<Array<[FunctionId, ThreadedContext]>> = [];
    const queuedLength = new Map<FunctionId, number>();
    const queuedNoLonger = (id: FunctionId, length: number): boolean => (queuedLength.get(id) ?? Infinity) <= length;
    const enqueue = (id: FunctionId, context: ThreadedContext): void => {
      const length = stepCount(context);
      if (queuedNoLonger(id, length)) return;
      queuedLength.set(id, length);
      (buckets[length] ??= []).push([id, context]);
    };
    for (const [id, context] of seeds) enqueue(id, context);
    for (let length = 0; length < buckets.length; length += 1) {
      const bucket = buckets[length];
      if (!bucket) continue;
      for (let i = 0; i < bucket.length; i += 1) {
        const [id, context] = bucket[i]!;
        if (this.threaded.has(id)) continue;
        this.threaded.set(id, context);
        const fn = this.graph.fn(id)!;
        for (const write of this.summaries.writePoints(fn)) this.consider({ context, write, fn });
        fn.fact.events.forEach((event, index) => {
          if (event.kind !== 'call' && event.kind !== 'defer') return;
          for (const target of this.graph.targetsOf(fn, index)) {
            if (this.threaded.has(target) || queuedNoLonger(target, length + 1)) continue;
            const step = this.graph.step(fn, index, event.kind === 'defer' ? 'defer' : 'call', this.entryMessage(event.kind, target));
            enqueue(target, { ...context, calls: extendTrail(context.calls, step) });
          }
        });
      }
    }
  }

  /**
   * The last frame in the project: a call from the user's code into a dependency function that
   * (transitively) writes the environment, made while other threads may run. Found per call site,
   * whatever witness a write inside the dependency got on its own (a dependency's internal thread
   * may explain that write more briefly, but only this call is the user's to change).
   */
  private callsIntoWritingDependencies(inProject: (fileId: string) => boolean): void {
    const writes = this.summaries.writesTransitively();
    for (const fn of this.graph.functions) {
      if (!inProject(fn.file.id)) continue;
      const points = this.summaries.spawnPoints(fn);
      const joins = this.graph.joinsOf(fn);
      const own = this.threaded.get(fn.id);
      fn.fact.events.forEach((event, index) => {
        if (event.kind !== 'call') return;
        const target = this.graph.targetsOf(fn, index).find((id) => !inProject(this.graph.fn(id)!.file.id) && writes.has(id));
        if (target === undefined) return;
        const placed = { index, loops: event.loops, branches: event.branches };
        const spawn = points.find((point) => aliveAt(point, point.handles, placed, joins));
        const context: ThreadedContext | undefined = spawn ? { kind: 'after-spawn', start: spawn.chain, calls: undefined, origin: spawn.origin } : own;
        if (!context) return;
        const inner = writes.get(target)!;
        const call = this.graph.step(fn, index, 'call', `calls ${this.graph.fn(target)!.fact.qualifiedName}(), which leads to an environment write in a dependency`);
        this.consider({ context, write: { ...placed, chain: chain(call, inner.chain), write: inner.write }, fn });
      });
    }
  }

  /** Keeps, per reported site, the shortest witness (the first one found on ties). */
  private consider(candidate: Candidate): void {
    const site = candidate.write.chain.step;
    const key = `${site.fileId}:${site.span.line}:${site.span.column}`;
    const existing = this.candidates.get(key);
    const length = (c: Candidate): number => stepCount(c.context) + c.write.chain.length;
    if (!existing || length(candidate) < length(existing)) this.candidates.set(key, candidate);
  }

  private toFinding({ context, write, fn }: Candidate): Finding {
    const site = write.chain.step;
    const writeEvent = write.write.event;
    const variable = writeEvent.variable;
    const apiName = apiDisplayName(fn.file.facts.language, writeEvent.api);
    const what = `${apiName} writes ${variable ?? 'the environment'}`;
    const writeSteps = chainSteps(write.chain);
    const writerSteps = [...stepsOf(context), ...writeSteps];
    const related: RelatedLocation[] = [];
    const threads: ThreadTrace[] = [];
    let reader: ReaderWitness | undefined;
    let message: string;
    const origin = context.origin;
    const spawnApi = origin ? apiDisplayName(origin.fn.file.facts.language, origin.event.api) : '';
    const spawnWhere = origin ? `${origin.fn.file.id}:${origin.event.span.line + 1}:${origin.event.span.column + 1}` : undefined;

    if (context.kind === 'thread-body' && origin) {
      reader = this.summaries.readerAfter(origin.fn, origin.index + 1);
      threads.push({ label: `thread spawned at ${spawnWhere}`, steps: writerSteps });
      threads.push({ label: `spawning thread (${origin.fn.fact.qualifiedName})`, steps: [context.start.step, ...(reader?.chain ?? [])] });
      message = `${what} on the thread spawned at ${spawnWhere} (${spawnApi}), concurrently with the thread that spawned it`;
    } else if (origin) {
      const bodies = origin.event.body ? this.graph.targetsOf(origin.fn, origin.index) : [];
      for (const body of bodies) {
        reader = this.summaries.readerFrom(body);
        if (reader) break;
      }
      const spawnStep = this.graph.step(origin.fn, origin.index, 'spawn', describeSpawn(origin.event, origin.fn.file.facts.language));
      threads.push({ label: context.kind === 'event-loop' ? 'main thread (event loop)' : 'spawning thread', steps: writerSteps });
      threads.push({
        label: origin.event.body ? `thread spawned at ${spawnWhere}` : `threads started at ${spawnWhere}`,
        steps: [spawnStep, ...(reader?.chain ?? [])],
      });
      if (context.kind === 'event-loop') {
        message = `${what} in an event-loop callback, after work was handed to other threads at ${spawnWhere} (${spawnApi})`;
      } else if (origin.event.body) {
        message = `${what} after the thread spawned at ${spawnWhere} (${spawnApi}) was started, while it may still be running`;
      } else {
        message = `${what} after threads were started at ${spawnWhere} (${spawnApi}), and they keep running`;
      }
    } else {
      const runtimeStep = context.start.step;
      threads.push({ label: 'main thread', steps: writerSteps });
      threads.push({ label: `runtime worker threads (${context.runtimeApi})`, steps: [runtimeStep] });
      message = `${what} inside a multi-threaded runtime (${context.runtimeApi} at ${runtimeStep.fileId}:${runtimeStep.span.line + 1}), whose worker threads are alive`;
    }
    if (reader) {
      const readStep = reader.chain[reader.chain.length - 1]!;
      message += `; that thread reads the environment at ${readStep.fileId}:${readStep.span.line + 1} (${apiDisplayName(reader.language, reader.api)})`;
      related.push({ fileId: readStep.fileId, span: readStep.span, message: `concurrent reader: ${readStep.message}` });
    }
    if (origin) related.unshift({ fileId: origin.fn.file.id, span: origin.event.span, message: `thread started here: ${describeSpawn(origin.event, origin.fn.file.facts.language)}` });
    if (writeSteps.length > 1) {
      const last = writeSteps[writeSteps.length - 1]!;
      related.push({ fileId: last.fileId, span: last.span, message: `the write: ${last.message}` });
    }
    return {
      ruleId: RULE_ID,
      level: 'error',
      location: { fileId: site.fileId, span: site.span },
      message: `${message}.`,
      variable,
      api: writeEvent.api,
      threads,
      related,
      reader: reader ? { api: reader.api, kind: reader.kind } : undefined,
      fix: fixHint(fn.file.facts.language),
    };
  }
}

function fixHint(language: string): string {
  switch (language) {
    case 'rust':
      return 'Set the variable before any thread starts, or pass it to the child with Command::env instead of set_var.';
    case 'python':
      return 'Set os.environ before starting threads, or pass env={**os.environ, ...} to subprocess instead of mutating os.environ.';
    case 'javascript':
      return 'Set process.env before any asynchronous work starts, or pass { env: {...process.env, ...} } to child_process instead.';
    default:
      return 'Call setenv/putenv before creating threads, or build an envp array for execve/posix_spawn instead.';
  }
}
