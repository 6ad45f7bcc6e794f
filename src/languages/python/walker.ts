import type { CatalogEntry } from '../../catalog/types.ts';
import type { ArgFact, CallEvent, Diagnostic, FunctionFact, ImportFact } from '../../facts/types.ts';
import { evaluateCall } from './calls.ts';
import type { PythonApiIndex } from './catalogIndex.ts';
import { booleanOperator, comprehension, conditionalExpression, forStatement, ifStatement, matchStatement, tryStatement, whileStatement, withStatement } from './controlFlow.ts';
import { decoratedDefinition, defineClass, defineFunction, inlineLambda } from './definitions.ts';
import { FunctionBuilder, type Context } from './functionBuilder.ts';
import { readImport } from './imports.ts';
import { addCollection, classAttribute, localMethod } from './objects.ts';
import { IN_PLACE_OPERATORS, ITEM_ACCESS, ITEM_ASSIGNMENT, ITEM_DELETION } from './protocol.ts';
import { Scope, UNKNOWN, type ClassInfo, type PathValue, type Value } from './scope.ts';
import { referenceName, stringValue, targetIdentifiers, type Parameter } from './syntax.ts';
import { spanOf, type PyNode } from './tree.ts';

/** A function whose body is walked once the scope it closes over is complete. */
export interface PendingBody {
  builder: FunctionBuilder;
  body: PyNode | null;
  parentScope: Scope;
  params: Parameter[];
  defaults: Array<Value | undefined>;
  receiver?: { name: string; cls: ClassInfo; isClassMethod: boolean };
}

/** Keyword arguments of a call to a function of this file, mapped to positions once every signature is known. */
interface PendingKeywords {
  event: CallEvent;
  keywords: Map<string, ArgFact>;
}

/** Deeper than this, a subtree is skipped (machine-generated expressions); the stack stays safe. */
const MAX_DEPTH = 1500;

/**
 * One walk over a module's syntax tree, producing its functions and their events.
 *
 * Function bodies are walked after the code that defines them (breadth-first), because a body runs
 * later and sees its enclosing scope as it is at the end: a module-level alias `env = os.environ`
 * written below a `def` still applies inside it. Every node is still visited once.
 */
export class FileWalker {
  readonly imports: ImportFact[] = [];
  readonly diagnostics: Diagnostic[] = [];
  program = false;
  private readonly builders: FunctionBuilder[] = [];
  private readonly byKey = new Map<string, FunctionFact>();
  private readonly pendingBodies: PendingBody[] = [];
  private readonly pendingKeywords: PendingKeywords[] = [];
  private depth = 0;

  constructor(readonly api: PythonApiIndex) {}

  readonly isEnviron = (value: Value): value is PathValue => value.kind === 'path' && this.api.environObjects.has(value.path.join('.'));

  /**
   * Values a later assignment in the same scope does not replace, because any branch may have run:
   * environment aliases, and imports of modules the catalog knows (`try: import threading` /
   * `except ImportError: import dummy_threading as threading` keeps `threading`).
   */
  private readonly keepsBinding = (value: Value): boolean =>
    value.kind === 'path' && (this.api.knownModules.has(value.path[0] ?? '') || this.api.environObjects.has(value.path.join('.')));

  run(root: PyNode): FunctionFact[] {
    const moduleFn = this.addFunction({
      key: '<module>',
      name: '<module>',
      qualifiedName: '<module>',
      span: spanOf(root),
      nameSpan: { line: 0, column: 0, endLine: 0, endColumn: 0 },
      exported: false,
      params: [],
      entry: 'module',
      events: [],
    });
    const scope = Scope.module(this.keepsBinding);
    this.walkChildren(root, { fn: moduleFn, scope, loops: [], branches: [], keyPrefix: '' });
    for (let head = 0; head < this.pendingBodies.length; head += 1) this.walkBody(this.pendingBodies[head]!);
    this.placeKeywordArguments();
    return this.builders.map((builder) => builder.finish());
  }

  // ---- expressions and statements -------------------------------------------------------------

  /** Emits the events of `node` and returns what it evaluates to. `assignTo` names the variable a call's result goes to. */
  evaluate(node: PyNode, ctx: Context, assignTo?: string): Value {
    if (this.depth >= MAX_DEPTH) {
      if (!this.diagnostics.some((d) => d.message.startsWith('nesting'))) {
        this.diagnostics.push({ message: 'nesting too deep: part of the file was not analyzed', span: spanOf(node) });
      }
      return UNKNOWN;
    }
    this.depth += 1;
    try {
      return this.dispatch(node, ctx, assignTo);
    } finally {
      this.depth -= 1;
    }
  }

  private dispatch(node: PyNode, ctx: Context, assignTo: string | undefined): Value {
    switch (node.type) {
      case 'comment':
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
      case 'pass_statement':
      case 'break_statement':
      case 'continue_statement':
        return UNKNOWN;
      case 'string':
        // The copied tree keeps children only for f-strings: their interpolations.
        return this.walkChildren(node, ctx);
      case 'identifier':
        return ctx.scope.lookup(node.text) ?? UNKNOWN;
      case 'attribute':
        return this.attribute(node, ctx);
      case 'call':
        return evaluateCall(this, node, ctx, assignTo);
      case 'subscript':
        return this.itemAccess(node, ctx, ITEM_ACCESS, node);
      case 'parenthesized_expression':
      case 'await':
        return node.namedChildCount === 1 ? this.evaluate(node.namedChild(0)!, ctx, assignTo) : this.walkChildren(node, ctx);
      case 'assignment':
        this.assignment(node, ctx);
        return UNKNOWN;
      case 'augmented_assignment':
        this.augmentedAssignment(node, ctx);
        return UNKNOWN;
      case 'named_expression':
        return this.namedExpression(node, ctx);
      case 'delete_statement':
        this.deletion(node, ctx);
        return UNKNOWN;
      case 'import_statement':
      case 'import_from_statement':
        this.importStatement(node, ctx);
        return UNKNOWN;
      case 'global_statement':
        for (const name of node.namedChildren) if (name.type === 'identifier') ctx.scope.declareGlobal(name.text);
        return UNKNOWN;
      case 'function_definition':
        defineFunction(this, node, ctx, undefined);
        return UNKNOWN;
      case 'class_definition':
        defineClass(this, node, ctx);
        return UNKNOWN;
      case 'decorated_definition':
        decoratedDefinition(this, node, ctx);
        return UNKNOWN;
      case 'if_statement':
        ifStatement(this, node, ctx);
        return UNKNOWN;
      case 'for_statement':
        forStatement(this, node, ctx);
        return UNKNOWN;
      case 'while_statement':
        whileStatement(this, node, ctx);
        return UNKNOWN;
      case 'try_statement':
        tryStatement(this, node, ctx);
        return UNKNOWN;
      case 'match_statement':
        matchStatement(this, node, ctx);
        return UNKNOWN;
      case 'with_statement':
        withStatement(this, node, ctx);
        return UNKNOWN;
      case 'conditional_expression':
        return conditionalExpression(this, node, ctx);
      case 'boolean_operator':
        return booleanOperator(this, node, ctx);
      case 'lambda':
        inlineLambda(this, node, ctx);
        return UNKNOWN;
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension':
        return comprehension(this, node, ctx);
      default:
        return this.walkChildren(node, ctx);
    }
  }

  walkChildren(node: PyNode, ctx: Context): Value {
    for (const child of node.namedChildren) this.evaluate(child, ctx);
    return UNKNOWN;
  }

  walkBlock(node: PyNode | null, ctx: Context): void {
    if (node) this.walkChildren(node, ctx);
  }

  private attribute(node: PyNode, ctx: Context): Value {
    const reference = referenceName(node);
    if (reference !== undefined && node.type === 'attribute') {
      const bound = ctx.scope.lookup(reference);
      if (bound) return bound;
    }
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute');
    if (!object || !attribute) return this.walkChildren(node, ctx);
    return this.member(this.evaluate(object, ctx), attribute.text);
  }

  /** What `base.name` is, as far as this file tells. */
  member(base: Value, name: string): Value {
    switch (base.kind) {
      case 'path':
        return { kind: 'path', path: [...base.path, name] };
      case 'class': {
        const key = localMethod(base.cls, name);
        return key ? { kind: 'function', key } : UNKNOWN;
      }
      case 'instance':
        return base.instance.localClass ? (classAttribute(base.instance.localClass, name) ?? UNKNOWN) : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  /** `x[k]` read, written (`x[k] = v`) or deleted: an environment event when `x` is the environment or a parameter. */
  private itemAccess(subscript: PyNode, ctx: Context, method: string, spanNode: PyNode): Value {
    const object = subscript.childForFieldName('value');
    const base = object ? this.evaluate(object, ctx) : UNKNOWN;
    const keys = subscript.childrenForFieldName('subscript');
    for (const key of keys) this.evaluate(key, ctx);
    const variable = keys.length === 1 ? stringValue(keys[0]) : undefined;
    const write = method !== ITEM_ACCESS;
    if (this.isEnviron(base)) {
      const entry = this.api.byName.get(`${base.path.join('.')}.${method}`);
      if (entry && (entry.kind === 'env.write' || entry.kind === 'env.read')) {
        ctx.fn.emit(ctx, { kind: entry.kind, api: entry.id, span: spanOf(spanNode), ...(variable !== undefined ? { variable } : {}) });
      }
    } else if (write && base.kind === 'param') {
      const entry = this.environWriteMethod(method);
      if (entry) this.parameterWrite(entry, base.index, variable, spanNode, ctx);
    }
    return UNKNOWN;
  }

  /** The environment's method `method` if it writes (`update`, `__setitem__`): what the same call on a parameter does to it. */
  environWriteMethod(method: string): CatalogEntry | undefined {
    const environ = this.api.primaryEnvironObject;
    const entry = environ ? this.api.byName.get(`${environ}.${method}`) : undefined;
    return entry?.kind === 'env.write' ? entry : undefined;
  }

  /** Properties of parameter `index` are written: a write wherever a caller passes the environment there. */
  parameterWrite(entry: CatalogEntry, index: number, variable: string | undefined, spanNode: PyNode, ctx: Context): void {
    ctx.fn.emit(ctx, { kind: 'env.write', api: entry.id, span: spanOf(spanNode), param: index, ...(variable !== undefined ? { variable } : {}) });
  }

  // ---- bindings ---------------------------------------------------------------------------------

  private assignment(node: PyNode, ctx: Context): Value {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    let value: Value = UNKNOWN;
    if (right?.type === 'assignment') value = this.assignment(right, ctx);
    else if (right) value = this.evaluate(right, ctx, left ? referenceName(left) : undefined);
    if (left) this.assignTarget(left, value, ctx, node);
    return value;
  }

  private augmentedAssignment(node: PyNode, ctx: Context): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const operator = node.childForFieldName('operator')?.type ?? '';
    if (right) this.evaluate(right, ctx);
    if (!left) return;
    if (left.type === 'subscript') {
      this.itemAccess(left, ctx, ITEM_ASSIGNMENT, node);
      return;
    }
    const target = this.evaluate(left, ctx);
    const method = IN_PLACE_OPERATORS[operator];
    if (!method) return;
    if (this.isEnviron(target)) {
      const entry = this.api.byName.get(`${target.path.join('.')}.${method}`);
      if (entry?.kind === 'env.write') ctx.fn.emit(ctx, { kind: 'env.write', api: entry.id, span: spanOf(node) });
    } else if (target.kind === 'param') {
      const entry = this.environWriteMethod(method);
      if (entry) this.parameterWrite(entry, target.index, undefined, node, ctx);
    }
  }

  private namedExpression(node: PyNode, ctx: Context): Value {
    const name = node.childForFieldName('name');
    const valueNode = node.childForFieldName('value');
    const value = valueNode ? this.evaluate(valueNode, ctx, name?.text) : UNKNOWN;
    if (name) this.bindName(ctx, name.text, value);
    return value;
  }

  private deletion(node: PyNode, ctx: Context): void {
    const targets = node.namedChildren.flatMap((child) => (child.type === 'expression_list' ? child.namedChildren : [child]));
    for (const target of targets) {
      if (target.type === 'subscript') this.itemAccess(target, ctx, ITEM_DELETION, target);
      else this.evaluate(target, ctx);
    }
  }

  /** Binds an assignment target (a name, `self.x`, `x[k]`, a tuple of them) to `value`. */
  assignTarget(target: PyNode, value: Value, ctx: Context, statement: PyNode): void {
    switch (target.type) {
      case 'identifier':
        this.bindName(ctx, target.text, value);
        return;
      case 'attribute': {
        const object = target.childForFieldName('object');
        const attribute = target.childForFieldName('attribute');
        const base = object ? this.evaluate(object, ctx) : UNKNOWN;
        const reference = referenceName(target);
        if (reference !== undefined) this.bindName(ctx, reference, value);
        if (attribute && base.kind === 'instance' && base.instance.localClass) {
          const attributes = base.instance.localClass.attributes;
          const existing = attributes.get(attribute.text);
          // Parameters belong to this method; other methods see an unknown value.
          const stored = value.kind === 'param' || value.kind === 'item' ? UNKNOWN : value;
          if (!(existing && this.isEnviron(existing) && !this.isEnviron(stored))) attributes.set(attribute.text, stored);
        }
        return;
      }
      case 'subscript':
        this.itemAccess(target, ctx, ITEM_ASSIGNMENT, statement);
        return;
      default:
        for (const identifier of targetIdentifiers(target)) this.bindName(ctx, identifier.text, UNKNOWN);
        for (const child of target.namedChildren) if (child.type === 'subscript' || child.type === 'attribute') this.assignTarget(child, UNKNOWN, ctx, statement);
    }
  }

  /** Binds a name; a list of thread objects bound to a name becomes a name their spawns can be joined by. */
  bindName(ctx: Context, name: string, value: Value): void {
    if (value.kind === 'instances') addCollection(value.instance, name);
    ctx.scope.bind(name, value);
  }

  /** `for x in xs`: a loop variable over a named collection joins/starts on behalf of the collection. */
  bindLoopTarget(target: PyNode, iterable: PyNode | undefined, iterated: Value, ctx: Context): void {
    if (target.type !== 'identifier') {
      this.assignTarget(target, UNKNOWN, ctx, target);
      return;
    }
    const collection = iterable ? referenceName(iterable) : undefined;
    let value: Value = UNKNOWN;
    if (iterated.kind === 'instances') value = { kind: 'instance', instance: iterated.instance, ...(collection ? { collection } : {}) };
    else if (collection !== undefined) value = { kind: 'item', collection };
    ctx.scope.bind(target.text, value);
  }

  private importStatement(node: PyNode, ctx: Context): void {
    const { facts, bindings } = readImport(node);
    this.imports.push(...facts);
    for (const binding of bindings) ctx.scope.bind(binding.local, { kind: 'path', path: binding.path });
  }

  // ---- definitions ------------------------------------------------------------------------------

  scheduleBody(pending: PendingBody): void {
    this.pendingBodies.push(pending);
  }

  private walkBody(pending: PendingBody): void {
    const { builder, body, params, defaults, receiver } = pending;
    const scope = pending.parentScope.child('function');
    if (receiver) {
      scope.bind(receiver.name, receiver.isClassMethod ? { kind: 'class', cls: receiver.cls } : { kind: 'instance', instance: receiver.cls.self });
    }
    params.forEach((param, index) => {
      const fallback = defaults[index];
      // `def f(environ=os.environ)`: writes through the parameter write the environment.
      if (fallback && this.isEnviron(fallback)) scope.bind(param.name, fallback);
      else scope.bind(param.name, param.splat ? UNKNOWN : { kind: 'param', index });
    });
    if (!body) return;
    const ctx: Context = { fn: builder, scope, loops: [], branches: [], keyPrefix: builder.fact.key, ...(receiver ? { methodOf: receiver.cls } : {}) };
    if (body.type === 'block') this.walkChildren(body, ctx);
    else this.evaluate(body, ctx);
  }

  addFunction(fact: FunctionFact): FunctionBuilder {
    const builder = new FunctionBuilder(fact);
    this.builders.push(builder);
    this.byKey.set(fact.key, fact);
    return builder;
  }

  /** Redefinitions (`if x: def f()... else: def f()...`, property setters) get `@LINE` to stay unique. */
  uniqueKey(key: string, node: PyNode): string {
    if (!this.byKey.has(key)) return key;
    const withLine = `${key}@${node.startPosition.row + 1}`;
    return this.byKey.has(withLine) ? `${withLine}:${node.startPosition.column + 1}` : withLine;
  }

  // ---- control flow -----------------------------------------------------------------------------

  // ---- keyword arguments ------------------------------------------------------------------------

  rememberKeywords(event: CallEvent, keywords: Map<string, ArgFact>): void {
    if ([...keywords.values()].some((fact) => fact !== null)) this.pendingKeywords.push({ event, keywords });
  }

  /** `populate(target=os.environ)` to a function of this file: the keyword becomes its positional slot. */
  private placeKeywordArguments(): void {
    for (const { event, keywords } of this.pendingKeywords) {
      const callee = event.callee.local ? this.byKey.get(event.callee.local) : undefined;
      if (!callee) continue;
      const args = [...(event.args ?? [])];
      for (const [name, fact] of keywords) {
        const position = callee.params.indexOf(name);
        if (position < 0 || fact === null) continue;
        while (args.length < position) args.push(null);
        args[position] = fact;
      }
      event.args = args;
    }
  }
}

