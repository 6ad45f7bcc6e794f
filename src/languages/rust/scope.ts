/**
 * Lexical scopes of one Rust file: what `use` declarations bring in, what local variables hold
 * (as far as thread handles and runtimes are concerned), and which nested `fn` items exist.
 */

export interface VariableInfo {
  /**
   * Where the value came from: the expanded path of the call that produced it
   * (`tokio::runtime::Runtime::new`), or a type path followed by `''` when only the type is known
   * (`rt: &Runtime`).
   */
  origin?: readonly string[];
  /** A closure or async block bound to this name, extracted as its own function. */
  closureKey?: string;
  /** `let f = std::env::set_var;`: calls through `f` are calls of this path. */
  functionPath?: readonly string[];
  /** A loop or closure variable drawn from this collection (`for h in handles`). */
  collection?: string;
}

/** The inline module (`mod a { .. }`) a scope belongs to, within its file. */
export interface ModuleContext {
  /** Inline module names from the file's own module, outermost first. */
  path: readonly string[];
  /** Every enclosing inline module is `pub`: its `pub` items are visible outside the crate. */
  public: boolean;
  /** The enclosing module's own scope (absent for the file's module). */
  parent?: Scope;
  /** `Type::method` → function key, for `Type::method()` / `Self::method()` calls in this module. */
  associated: Map<string, string>;
}

export class Scope {
  private readonly uses = new Map<string, readonly string[]>();
  private readonly globs: string[] = [];
  private readonly variables = new Map<string, VariableInfo>();
  private readonly items = new Map<string, string>();
  private readonly constants = new Map<string, string>();
  private readonly importedAnonymously = new Set<string>();
  readonly module: ModuleContext;
  /** The scope of the enclosing module itself (its top-level `use`s and items). */
  readonly moduleScope: Scope;

  /**
   * `barrier`: a nested `fn` item sees the items and imports of the enclosing blocks but none of
   * their local variables.
   */
  constructor(
    readonly parent: Scope | undefined,
    module?: ModuleContext,
    private readonly barrier = false,
  ) {
    this.module = module ?? parent!.module;
    this.moduleScope = parent && !module ? parent.moduleScope : this;
  }

  /** Inline modules do not inherit their parent's imports: each starts a fresh scope. */
  static module(path: readonly string[], isPublic: boolean, parent?: Scope): Scope {
    return new Scope(undefined, { path, public: isPublic, associated: new Map(), ...(parent ? { parent: parent.moduleScope } : {}) });
  }

  /** The scope of the module `levels` above this one in the same file (`super::`), if it is in this file. */
  ancestorModule(levels: number): Scope | undefined {
    let module: Scope | undefined = this.moduleScope;
    for (let n = 0; n < levels && module; n += 1) module = module.module.parent;
    return module;
  }

  child(barrier = false): Scope {
    return new Scope(this, undefined, barrier);
  }

  addUse(local: string, path: readonly string[]): void {
    if (local !== '_') this.uses.set(local, path);
  }

  addGlob(source: readonly string[]): void {
    this.globs.push(source.join('::'));
  }

  lookupUse(name: string): readonly string[] | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const found = scope.uses.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** Is this type or trait path imported by name (including `use x::Trait as _;`)? */
  imports(typePath: string): boolean {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      for (const path of scope.uses.values()) if (path.join('::') === typePath) return true;
      if (scope.importedAnonymously.has(typePath)) return true;
    }
    return false;
  }

  addAnonymousUse(path: readonly string[]): void {
    this.importedAnonymously.add(path.join('::'));
  }

  allGlobs(): string[] {
    const out: string[] = [];
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) out.push(...scope.globs);
    return out;
  }

  define(name: string, info: VariableInfo): void {
    this.variables.set(name, info);
  }

  lookupVariable(name: string): VariableInfo | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const found = scope.variables.get(name);
      if (found) return found;
      if (scope.barrier) return undefined;
    }
    return undefined;
  }

  addItem(name: string, key: string): void {
    if (!this.items.has(name)) this.items.set(name, key);
  }

  /** A nested or module-level `fn` of this file visible here (items are visible in their whole block). */
  lookupItem(name: string): string | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const found = scope.items.get(name);
      if (found) return found;
    }
    return undefined;
  }

  addConstant(name: string, value: string): void {
    this.constants.set(name, value);
  }

  lookupConstant(name: string): string | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const found = scope.constants.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
