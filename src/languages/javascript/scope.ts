/**
 * What the adapter knows about the value of a name or expression, as far as environment flow,
 * module APIs and local functions are concerned. Deliberately coarse: no types, no data flow beyond
 * "this variable was bound to / assigned that".
 */
export type Value =
  /** `process.env` or an alias of it. */
  | { kind: 'env' }
  /** The `process` object (global, `import process from 'node:process'`, `globalThis.process`). */
  | { kind: 'process' }
  /** A module or something reached through it: `fs` → ('fs', []), `fs.promises` → ('fs', ['promises']). */
  | { kind: 'module'; specifier: string; path: string[]; binding: ModuleBinding }
  /** A global that is not bound in the file (`fetch`, `Object.assign`, `setTimeout`). */
  | { kind: 'global'; path: string[] }
  /** Parameter `index` (named `name`) of the function `owner` (a FunctionFact key). */
  | { kind: 'param'; index: number; owner: string; name: string }
  /** A function of this file (its key). */
  | { kind: 'function'; key: string }
  /** A class of this file: its name, the keys of its members by name, and which keys are public. */
  | { kind: 'class'; name: string; members: Map<string, string>; publicKeys: string[] }
  /** An object literal bound to a name, with its members' values. */
  | { kind: 'object'; name: string; members: Map<string, Value> }
  /** `this` inside a class body: the class's members by name. */
  | { kind: 'this'; className: string; members: Map<string, string> }
  /** A local variable of unknown value, then a member chain: the text of a method call's receiver. */
  | { kind: 'local'; path: string[] }
  | { kind: 'unknown' };

/**
 * How a module value was obtained: an ESM default import sees `export default`, everything else
 * sees the module's named exports (`import * as`, `require(...)`, a named import).
 */
export type ModuleBinding = 'namespace' | 'default' | 'named';

export const unknownValue: Value = { kind: 'unknown' };
export const envValue: Value = { kind: 'env' };

/** A lexical scope: a function body, a block, or the module. */
export class Scope {
  private readonly bindings = new Map<string, Value>();

  constructor(
    readonly parent: Scope | undefined,
    /** Function scopes receive `var` declarations and assignments to undeclared names. */
    readonly isFunctionScope: boolean,
  ) {}

  declare(name: string, value: Value): void {
    this.bindings.set(name, value);
  }

  lookup(name: string): Value | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const value = scope.bindings.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /**
   * `name = value`: updates the binding where it lives. An alias of the environment stays one even if
   * another branch assigns something else (dotenv: `let processEnv = process.env; if (o) processEnv = o.processEnv`).
   */
  assign(name: string, value: Value): void {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const current = scope.bindings.get(name);
      if (current !== undefined) {
        if (shouldReplace(current, value)) scope.bindings.set(name, value);
        return;
      }
    }
    this.functionScope().bindings.set(name, value);
  }

  functionScope(): Scope {
    let scope: Scope = this;
    while (!scope.isFunctionScope && scope.parent) scope = scope.parent;
    return scope;
  }

  ownBindings(): ReadonlyMap<string, Value> {
    return this.bindings;
  }
}

function shouldReplace(current: Value, next: Value): boolean {
  if (current.kind === 'env') return false;
  if (next.kind === 'env') return true;
  // A placeholder (declared without a known value) learns its first meaningful value.
  return (current.kind === 'local' || current.kind === 'unknown') && next.kind !== 'unknown' && next.kind !== 'local';
}
