import type { BodyRef, SpawnEvent } from '../../facts/types.ts';

/**
 * What the adapter knows about the value of a name or expression: just enough to tell environment
 * writes, thread handles and call targets apart. Everything else is `unknown`.
 */
export type Value =
  /** A module, an imported name, or a standard-library object such as `os.environ`: its dotted path. */
  | { kind: 'path'; path: readonly string[] }
  /** Parameter number `index` of the enclosing function (one without an environment default). */
  | { kind: 'param'; index: number }
  /** A function (`def` or lambda) of this file, by key. */
  | { kind: 'function'; key: string }
  /** A class of this file. */
  | { kind: 'class'; cls: ClassInfo }
  /** An object of a tracked class (thread, executor, pool) or of a class of this file; `collection` for a loop variable over a list of them. */
  | { kind: 'instance'; instance: Instance; collection?: string }
  /** A list of such objects (`[Thread(...) for ...]`, or a list they were appended to). */
  | { kind: 'instances'; instance: Instance }
  /** A loop variable over a collection of unknown content: joining it joins the collection. */
  | { kind: 'item'; collection: string }
  | { kind: 'unknown' };

export const UNKNOWN: Value = { kind: 'unknown' };

export type PathValue = Extract<Value, { kind: 'path' }>;

/** One object creation site: every object created there shares it (per loop iteration too). */
export interface Instance {
  /** Dotted name of the tracked catalog class (`threading.Thread`), absent for a class of this file. */
  catalogClass?: string;
  localClass?: ClassInfo;
  /** The thread body given to the constructor (`Thread(target=f)`). */
  body?: BodyRef;
  /** Lists the object was put in: more names a spawn of it can be joined by. */
  collections: string[];
  /** Spawns already emitted for it, so that a later `threads.append(t)` can add the list's name. */
  spawns: SpawnEvent[];
}

export interface ClassInfo {
  name: string;
  /** Function-key prefix of its methods: `Worker`, `Outer.Inner`, `make.Local`. */
  key: string;
  bases: Value[];
  /** Method name → function key. */
  methods: Map<string, string>;
  /** `self.x = ...` in any method → what x holds. */
  attributes: Map<string, Value>;
  /** The object `self` stands for inside its methods. */
  self: Instance;
  exported: boolean;
}

/** `inline`: a comprehension or a lambda whose events stay in the enclosing function. */
export type ScopeKind = 'module' | 'function' | 'class' | 'inline';

/**
 * Python's name scopes. Class bodies are scopes of their own that nested functions skip, as in
 * Python. Some values stay bound even if the name is assigned again later in the same scope (any
 * branch may have run): a name once assigned the environment stays an alias of it.
 */
export class Scope {
  private readonly names = new Map<string, Value>();
  private globals?: Set<string>;

  private constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | undefined,
    private readonly keeps: (value: Value) => boolean,
  ) {}

  /** The module scope; `keeps` tells which bound values a later assignment must not replace. */
  static module(keeps: (value: Value) => boolean): Scope {
    return new Scope('module', undefined, keeps);
  }

  child(kind: Exclude<ScopeKind, 'module'>): Scope {
    return new Scope(kind, this, this.keeps);
  }

  lookup(name: string): Value | undefined {
    // A parameter of an enclosing function is a closure variable here, not one of our parameters.
    let crossedFunction = false;
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const value = scope.globals?.has(name) ? scope.moduleScope().names.get(name) : scope.names.get(name);
      if (value) return crossedFunction && value.kind === 'param' ? UNKNOWN : value;
      if (scope.globals?.has(name)) return undefined;
      if (scope.kind === 'function') crossedFunction = true;
    }
    return undefined;
  }

  bind(name: string, value: Value): void {
    const target = this.globals?.has(name) ? this.moduleScope() : this;
    const bound = target !== this && value.kind === 'param' ? UNKNOWN : value;
    const existing = target.names.get(name);
    if (existing && this.keeps(existing) && !this.keeps(bound)) return;
    target.names.set(name, bound);
  }

  declareGlobal(name: string): void {
    (this.globals ??= new Set()).add(name);
  }

  /** The scope a nested `def` or lambda closes over: class bodies are skipped. */
  enclosingForFunctions(): Scope {
    let scope: Scope = this;
    while (scope.kind === 'class' && scope.parent) scope = scope.parent;
    return scope;
  }

  private moduleScope(): Scope {
    let scope: Scope = this;
    while (scope.parent) scope = scope.parent;
    return scope;
  }
}
