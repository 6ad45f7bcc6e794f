import type { Catalog } from '../../catalog/types.ts';
import type { CalleeRef, Event, ExportFact, FunctionFact, ImportFact } from '../../facts/types.ts';
import { compareSpans } from '../../positions.ts';
import type { RustNode } from './syntax.ts';
import { indexCatalog, type RustCatalogIndex } from './catalogIndex.ts';
import type { Scope } from './scope.ts';

/** One function being extracted: its fact plus per-function counters for loop/branch ids. */
export class FunctionBuilder {
  readonly fact: FunctionFact;
  private constructs = 0;

  constructor(fact: Omit<FunctionFact, 'events'>) {
    this.fact = { ...fact, events: [] };
  }

  /** A function-unique id for a loop or conditional construct (`loop1`, `if2`, `match3`). */
  nextConstruct(kind: string): string {
    this.constructs += 1;
    return `${kind}${this.constructs}`;
  }

  emit(event: Event): void {
    this.fact.events.push(event);
  }

  /** Events were emitted in evaluation order; the contract wants source order (stable for ties). */
  finish(): FunctionFact {
    this.fact.events.sort((a, b) => compareSpans(startOnly(a.span), startOnly(b.span)));
    return this.fact;
  }
}

const startOnly = (span: Event['span']) => ({ line: span.line, column: span.column, endLine: 0, endColumn: 0 });

/** A bare or `Type::f` call whose target may be a `fn` of this file defined later in its block. */
interface PendingLocal {
  callee: CalleeRef;
  scope: Scope;
}

/** Everything accumulated while walking one file. */
export class FileState {
  readonly index: RustCatalogIndex;
  readonly functions: FunctionBuilder[] = [];
  readonly imports: ImportFact[] = [];
  readonly exports: ExportFact[] = [];
  /** Closures already turned into thread bodies by an enclosing parallel-iterator chain. */
  readonly claimedBodies = new Set<number>();
  /** Calls that started threads, so that `rt.spawn(f).await` joins the task and not `rt`. */
  readonly spawnCalls = new Set<number>();
  private readonly keys = new Set<string>();
  private readonly plannedKeys = new Map<number, string>();
  private readonly pending: PendingLocal[] = [];

  constructor(catalog: Catalog) {
    this.index = indexCatalog(catalog);
  }

  /** Keys are unique per file: a second `fn f` (another `cfg` variant) becomes `f#2`. */
  uniqueKey(base: string): string {
    let key = base;
    for (let n = 2; this.keys.has(key); n += 1) key = `${base}#${n}`;
    this.keys.add(key);
    return key;
  }

  /** Reserves the key of a `fn` item found ahead of its definition (items are visible in their whole block). */
  planKey(item: RustNode, base: string): string {
    const key = this.uniqueKey(base);
    this.plannedKeys.set(item.id, key);
    return key;
  }

  keyFor(item: RustNode, base: string): string {
    return this.plannedKeys.get(item.id) ?? this.uniqueKey(base);
  }

  addFunction(builder: FunctionBuilder): void {
    this.functions.push(builder);
  }

  /** Resolved once the whole file is known: Rust items are visible before their definition. */
  resolveLater(callee: CalleeRef, scope: Scope): void {
    this.pending.push({ callee, scope });
  }

  resolvePending(): void {
    for (const { callee, scope } of this.pending) {
      const local =
        callee.path.length === 1
          ? scope.lookupItem(callee.name)
          : callee.path.length === 2
            ? scope.module.associated.get(callee.path.join('::'))
            : undefined;
      if (local) callee.local = local;
    }
  }

  finish(): FunctionFact[] {
    this.resolvePending();
    return this.functions.map((builder) => builder.finish());
  }
}

/** `<closure@12:8>`: 1-based line:column of the closure start, stable for the same content. */
export function closureKey(node: RustNode): string {
  return `<closure@${node.startPosition.row + 1}:${node.startPosition.column + 1}>`;
}

/** Name joining a thread handle that is used in the same expression (`spawn(f).join()`). */
export function chainHandle(node: RustNode): string {
  return `<chain@${node.startPosition.row + 1}:${node.startPosition.column + 1}>`;
}
