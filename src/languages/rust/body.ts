import type { CatalogEntry } from '../../catalog/types.ts';
import type { ArgFact, BodyRef, CalleeRef, Placement, Span } from '../../facts/types.ts';
import { spanOf, type RustNode } from './syntax.ts';
import { stringLiteralValue } from './attributes.ts';
import { isTypeName, lookupMethod, lookupPath } from './catalogIndex.ts';
import { declareScopeItems } from './declarations.ts';
import { chainHandle, closureKey, FunctionBuilder, type FileState } from './fileState.ts';
import { bindingNames, collectionName, patternNames, receiverRoot, unwrapGeneric, type ReceiverRoot } from './handles.ts';
import { defineFunction, walkNestedItem } from './items.ts';
import { expandPath, pathSegments } from './paths.ts';
import type { Scope, VariableInfo } from './scope.ts';

/** Where the walk is: which function collects the events, in which scope, under which loops/arms. */
export interface BodyContext {
  state: FileState;
  fn: FunctionBuilder;
  scope: Scope;
  loops: readonly string[];
  branches: readonly string[];
  /** The `impl` type or trait, for `Self::f`. */
  container?: string;
}

/** Walks a function body once, emitting its events; thread-body closures become functions of their own. */
export function walkBody(node: RustNode, context: BodyContext): void {
  walk(node, context);
}

function walk(node: RustNode, context: BodyContext): void {
  switch (node.type) {
    case 'call_expression':
      return walkCall(node, context);
    case 'await_expression':
      return walkAwait(node, context);
    case 'closure_expression':
      return walkInlineClosure(node, context, undefined);
    case 'block':
      return walkBlock(node, context);
    case 'let_declaration':
      return walkLet(node, context);
    case 'if_expression':
      return walkIf(node, context);
    case 'match_expression':
      return walkMatch(node, context);
    case 'for_expression':
      return walkFor(node, context);
    case 'while_expression':
      return walkWhile(node, context);
    case 'loop_expression':
      return walkLoop(node, context);
    case 'binary_expression':
      return walkBinary(node, context);
    case 'function_item':
      defineFunction(node, { state: context.state, scope: context.scope, parent: context.fn.fact });
      return;
    case 'impl_item':
    case 'trait_item':
    case 'mod_item':
      return walkNestedItem(node, context.state, context.scope);
    // Declarations were read ahead (macro bodies come re-parsed as children of their invocation).
    case 'use_declaration':
    case 'extern_crate_declaration':
    case 'const_item':
    case 'static_item':
    case 'line_comment':
    case 'block_comment':
      return;
    default:
      for (const child of node.namedChildren) walk(child, context);
  }
}

// ---------------------------------------------------------------- control flow

function walkBlock(node: RustNode, context: BodyContext, scope = context.scope.child()): void {
  declareScopeItems(node, scope, context.state, { keyPrefix: context.fn.fact.key, fileModule: false });
  const inner = { ...context, scope };
  for (const child of node.namedChildren) walk(child, inner);
}

/** Walks a block or expression that forms one arm of a conditional. */
function walkArm(node: RustNode | null, context: BodyContext, arm: string, scope?: Scope): void {
  if (!node) return;
  const inner = { ...context, branches: [...context.branches, arm] };
  if (node.type === 'block') walkBlock(node, inner, scope ?? context.scope.child());
  else walk(node, scope ? { ...inner, scope } : inner);
}

function walkIf(node: RustNode, context: BodyContext): void {
  const construct = context.fn.nextConstruct('if');
  const armScope = context.scope.child();
  const condition = node.childForFieldName('condition');
  if (condition) walkCondition(condition, context, armScope);
  walkArm(node.childForFieldName('consequence'), context, `${construct}:0`, armScope);
  const alternative = node.childForFieldName('alternative');
  const elseBody = alternative?.namedChildren.find((child) => child.type !== 'line_comment' && child.type !== 'block_comment');
  if (elseBody) walkArm(elseBody, context, `${construct}:1`);
}

/** `if let` / `while let` conditions: the value is evaluated here, the pattern binds in the body. */
function walkCondition(condition: RustNode, context: BodyContext, bodyScope: Scope): void {
  if (condition.type === 'let_condition') {
    const value = condition.childForFieldName('value');
    if (value) walk(value, context);
    bindPattern(condition.childForFieldName('pattern'), bodyScope, { collection: collectionName(value) });
    return;
  }
  if (condition.type === 'let_chain') {
    for (const part of condition.namedChildren) walkCondition(part, context, bodyScope);
    return;
  }
  walk(condition, context);
}

function walkMatch(node: RustNode, context: BodyContext): void {
  const value = node.childForFieldName('value');
  if (value) walk(value, context);
  const construct = context.fn.nextConstruct('match');
  const arms = node.childForFieldName('body')?.namedChildren.filter((child) => child.type === 'match_arm') ?? [];
  const collection = collectionName(value);
  arms.forEach((arm, index) => {
    const scope = context.scope.child();
    const pattern = arm.childForFieldName('pattern');
    bindPattern(pattern, scope, { collection });
    const armContext = { ...context, scope, branches: [...context.branches, `${construct}:${index}`] };
    const guard = pattern?.childForFieldName('condition');
    if (guard) walk(guard, armContext);
    walkArm(arm.childForFieldName('value'), { ...context, scope }, `${construct}:${index}`, scope);
  });
}

function walkFor(node: RustNode, context: BodyContext): void {
  const value = node.childForFieldName('value');
  if (value) walk(value, context);
  const loop = context.fn.nextConstruct('loop');
  const scope = context.scope.child();
  bindPattern(node.childForFieldName('pattern'), scope, { collection: collectionName(value) });
  const body = node.childForFieldName('body');
  if (body) walkBlock(body, { ...context, loops: [...context.loops, loop] }, scope);
}

function walkWhile(node: RustNode, context: BodyContext): void {
  const loop = context.fn.nextConstruct('loop');
  const inLoop = { ...context, loops: [...context.loops, loop] };
  const scope = context.scope.child();
  const condition = node.childForFieldName('condition');
  if (condition) walkCondition(condition, inLoop, scope);
  const body = node.childForFieldName('body');
  if (body) walkBlock(body, inLoop, scope);
}

function walkLoop(node: RustNode, context: BodyContext): void {
  const loop = context.fn.nextConstruct('loop');
  const body = node.childForFieldName('body');
  if (body) walkBlock(body, { ...context, loops: [...context.loops, loop] });
}

/** The right operand of `&&` / `||` runs only sometimes: it is an arm. */
function walkBinary(node: RustNode, context: BodyContext): void {
  const operator = node.childForFieldName('operator')?.type;
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (left) walk(left, context);
  if (!right) return;
  if (operator === '&&' || operator === '||') {
    const construct = context.fn.nextConstruct(operator === '&&' ? 'and' : 'or');
    walkArm(right, context, `${construct}:1`);
  } else walk(right, context);
}

function walkLet(node: RustNode, context: BodyContext): void {
  const pattern = node.childForFieldName('pattern');
  const value = node.childForFieldName('value');
  const names = patternNames(pattern);
  // A closure or future bound to a name runs where it is called or awaited, not here.
  if (value && names.length === 1 && (value.type === 'closure_expression' || value.type === 'async_block')) {
    context.scope.define(names[0]!, { closureKey: extractClosure(value, context, names[0]) });
    return;
  }
  if (value) walk(value, context);
  const alternative = node.childForFieldName('alternative');
  if (alternative) walkArm(alternative, context, `${context.fn.nextConstruct('let')}:1`);
  if (names.length === 1) {
    const typed = typeOrigin(node.childForFieldName('type'), context);
    context.scope.define(names[0]!, value ? { origin: typed, ...valueInfo(value, context) } : { origin: typed });
  } else for (const name of names) context.scope.define(name, {});
}

/** What a `let` learns about its value: an alias of a function path, or where a handle/runtime came from. */
function valueInfo(value: RustNode, context: BodyContext): VariableInfo {
  if (value.type === 'identifier') {
    const known = context.scope.lookupVariable(value.text);
    if (known) return known;
  }
  if (value.type === 'scoped_identifier' || value.type === 'identifier' || value.type === 'generic_function') {
    const segments = pathSegments(value);
    const last = segments?.[segments.length - 1];
    if (segments && last && isFunctionName(last)) return { functionPath: expandPath(segments, context) };
  }
  const origin = receiverRoot(value, context.scope, context.container).origin;
  return origin ? { origin } : {};
}

/** `rt: &Runtime`, `let b: thread::Builder = ..`: the declared type tells which methods apply. */
export function typeOrigin(type: RustNode | null, context: { scope: Scope; container?: string }): string[] | undefined {
  let node = type;
  while (node && (node.type === 'reference_type' || node.type === 'generic_type' || node.type === 'pointer_type')) {
    node = node.childForFieldName('type');
  }
  const segments = pathSegments(node);
  return segments ? [...expandPath(segments, context), ''] : undefined;
}

function bindPattern(pattern: RustNode | null, scope: Scope, info: VariableInfo): void {
  for (const name of patternNames(pattern)) scope.define(name, info);
}

// ---------------------------------------------------------------- closures

/** A closure called synchronously (or whose call we cannot see): its events belong to this function. */
function walkInlineClosure(node: RustNode, context: BodyContext, collection: string | undefined, first?: VariableInfo): void {
  const scope = context.scope.child();
  const parameters = closureParameters(node);
  parameters.forEach((name, index) => scope.define(name, index === 0 && first ? first : collection ? { collection } : {}));
  const body = node.childForFieldName('body');
  if (body) walk(body, { ...context, scope });
}

function closureParameters(node: RustNode): string[] {
  const parameters = node.childForFieldName('parameters');
  if (!parameters) return [];
  return parameters.namedChildren.flatMap((parameter) =>
    parameter.type === 'parameter' ? patternNames(parameter.childForFieldName('pattern')) : patternNames(parameter),
  );
}

/** A closure or async block that runs elsewhere (a thread body, a bound closure) becomes its own function. */
function extractClosure(node: RustNode, context: BodyContext, boundName?: string): string {
  const { state } = context;
  const key = state.uniqueKey(closureKey(node));
  const parameters = node.type === 'closure_expression' ? closureParameters(node) : [];
  const head = node.childForFieldName('parameters') ?? node;
  const builder = new FunctionBuilder({
    key,
    name: key,
    qualifiedName: `${context.fn.fact.qualifiedName}::${boundName ?? key}`,
    span: spanOf(node),
    nameSpan: spanOf(head),
    exported: false,
    params: parameters,
  });
  state.addFunction(builder);
  const scope = context.scope.child();
  for (const name of parameters) scope.define(name, {});
  const body = node.type === 'closure_expression' ? node.childForFieldName('body') : node.namedChildren.find((child) => child.type === 'block');
  if (body) walk(body, { state, fn: builder, scope, loops: [], branches: [], container: context.container });
  return key;
}

// ---------------------------------------------------------------- calls

/** One call site, as the catalog handling needs it. */
interface CallSite {
  node: RustNode;
  span: Span;
  args: RustNode[];
  /** Expanded path for `path::calls()`. */
  path?: string[];
  /** For `receiver.method()` calls. */
  receiver?: RustNode;
  root?: ReceiverRoot;
}

function argumentsOf(call: RustNode): RustNode[] {
  const args = call.childForFieldName('arguments');
  return args ? args.namedChildren.filter((child) => child.type !== 'line_comment' && child.type !== 'block_comment' && child.type !== 'attribute_item') : [];
}

function walkCall(node: RustNode, context: BodyContext): void {
  const callee = unwrapGeneric(node.childForFieldName('function'));
  const args = argumentsOf(node);
  if (callee?.type === 'field_expression') return walkMethodCall(node, callee, args, context);
  const segments = pathSegments(callee);
  if (!callee || !segments) {
    if (callee) walk(callee, context);
    return walkArguments(args, context, undefined);
  }
  const variable = segments.length === 1 ? context.scope.lookupVariable(segments[0]!) : undefined;
  const site: CallSite = { node, span: spanOf(node), args };
  if (variable?.closureKey) {
    emitCall(site, { name: segments[0]!, path: segments, local: variable.closureKey }, context);
    return walkArguments(args, context, undefined);
  }
  if (variable && !variable.functionPath) return walkArguments(args, context, undefined);
  const path = variable?.functionPath ? [...variable.functionPath] : expandPath(segments, context);
  site.path = path;
  const entries = lookupPath(context.state.index, path);
  if (entries.length > 0) return applyEntries(site, entries, context);
  const name = path[path.length - 1] ?? segments[segments.length - 1]!;
  // `Some(x)`, `Wrapper(x)`: building a value, not calling code.
  if (!isTypeName(name)) emitCall(site, { name, path }, context);
  walkArguments(args, context, undefined);
}

function walkMethodCall(node: RustNode, callee: RustNode, args: RustNode[], context: BodyContext): void {
  const receiver = callee.childForFieldName('value');
  const field = callee.childForFieldName('field');
  if (!receiver || !field) return walkArguments(args, context, undefined);
  walk(receiver, context);
  const root = receiverRoot(receiver, context.scope, context.container);
  const span = { ...spanOf(node), line: field.startPosition.row, column: field.startPosition.column };
  const site: CallSite = { node, span, args, receiver, root };
  // A project's own entries name plain functions; a method of that name matches too.
  const entries = methodEntries(field.text, root, args.length, context).concat(context.state.index.byBareName.get(field.text) ?? []);
  if (entries.length > 0) return applyEntries(site, entries, context);
  emitCall(site, { name: field.text, path: methodPath(field.text, root), receiver: receiverText(receiver, root) }, context);
  walkArguments(args, context, collectionName(receiver));
}

/**
 * The method's qualified path when the receiver's type is known (`native_tls::TlsConnectorBuilder::build`
 * for `tls: TlsConnectorBuilder`), so the linker need not guess by name. A value made by
 * `Type::new(..)` (or any `Type::f(..)`) is taken to be a `Type`, builder chains included
 * (`ClientBuilder::new().timeout(t).build()`), and `Type::builder()` a `TypeBuilder` (the builder
 * convention); the linker falls back to the name when that type is unknown.
 */
function methodPath(method: string, root: ReceiverRoot): string[] {
  const origin = root.origin;
  if (!origin || origin.length < 2) return [method];
  const owner = origin[origin.length - 2]!;
  const made = origin[origin.length - 1]!;
  if (made === '') return [...origin.slice(0, -1), method];
  if (!isTypeName(owner)) return [method];
  return [...origin.slice(0, -2), made === 'builder' ? `${owner}Builder` : owner, method];
}

/**
 * `fut.await`: a join when `fut` is a task handle (a variable, or a spawn awaited right away);
 * running the future when it is a bound async block or an async fn call.
 */
function walkAwait(node: RustNode, context: BodyContext): void {
  const inner = node.namedChildren[0];
  if (!inner) return;
  walk(inner, context);
  const root = receiverRoot(inner, context.scope, context.container);
  // From `.await` on, so that it sorts after what the awaited expression itself did.
  const span = { ...spanOf(node), line: inner.endPosition.row, column: inner.endPosition.column };
  if (inner.type === 'identifier' && root.variable?.closureKey) {
    emitCall({ node, span, args: [] }, { name: inner.text, path: [inner.text], local: root.variable.closureKey }, context);
    return;
  }
  const spawnedHere = context.state.spawnCalls.has(inner.id) || root.chainCalls.some((id) => context.state.spawnCalls.has(id));
  if (!spawnedHere && inner.type !== 'identifier' && inner.type !== 'field_expression') return;
  const join = methodEntries('await', root, 0, context).find((entry) => entry.kind === 'join');
  const handles = spawnedHere ? [chainHandle(inner)] : root.handles;
  if (join && handles.length > 0) context.fn.emit({ kind: 'join', api: join.id, handles, span, ...placement(context) });
}

function methodEntries(method: string, root: ReceiverRoot, argumentCount: number, context: BodyContext): CatalogEntry[] {
  return lookupMethod(context.state.index, {
    method,
    ...(root.origin ? { origin: root.origin } : {}),
    argumentCount,
    isImported: (typePath) => context.scope.imports(typePath),
    globs: context.scope.allGlobs(),
  });
}

/**
 * What a join on `receiver` waits for: the variable (and the collection it came from), or the value
 * made by the expression chain; a chain that spawned (`rt.spawn(f).await`) joins only that thread,
 * not the runtime or scope it was spawned on.
 */
function joinHandles(receiver: RustNode, root: ReceiverRoot, context: BodyContext): string[] {
  if (root.chainCalls.length === 0) return root.handles;
  const chain = chainHandle(receiver);
  if (root.chainCalls.some((id) => context.state.spawnCalls.has(id))) return [chain];
  return unique([chain, ...root.handles]);
}

function receiverText(receiver: RustNode, root: ReceiverRoot): string {
  if (root.isSelf && receiver.type === 'self') return 'self';
  const text = receiver.text;
  return text.length <= 80 && !text.includes('\n') ? text : (root.handles[0] ?? '<expr>');
}

function emitCall(site: CallSite, callee: CalleeRef, context: BodyContext): void {
  const args = site.args.map((arg) => argumentFact(arg, context));
  const assignedTo = handleNamesFor(site.node)[0];
  context.fn.emit({
    kind: 'call',
    callee,
    span: site.span,
    ...placement(context),
    ...(args.some((arg) => arg !== null) ? { args } : {}),
    ...(assignedTo ? { assignedTo } : {}),
  });
  if (!callee.local && !callee.receiver && callee.path.length <= 2) context.state.resolveLater(callee, context.scope);
}

/** Passing the caller's own parameter on (`args[i] = {param: j}`); Rust has no environment object to pass. */
function argumentFact(arg: RustNode, context: BodyContext): ArgFact {
  let node = arg;
  while (node.type === 'reference_expression') node = node.childForFieldName('value') ?? node;
  if (node.type !== 'identifier') return null;
  const index = context.fn.fact.params.indexOf(node.text);
  return index >= 0 ? { param: index } : null;
}

/**
 * Arguments evaluated at the call: closures run inline (we cannot tell when the callee calls them);
 * a function passed by name (`ONCE.call_once(openssl_probe::init_ssl_cert_env_vars)`) counts as
 * called here.
 */
function walkArguments(args: readonly RustNode[], context: BodyContext, collection: string | undefined, skip?: Set<number>): void {
  for (const arg of args) {
    if (skip?.has(arg.id) || context.state.claimedBodies.has(arg.id)) continue;
    if (arg.type === 'closure_expression') walkInlineClosure(arg, context, collection);
    else if (!walkFunctionReference(arg, context)) walk(arg, context);
  }
}

function walkFunctionReference(arg: RustNode, context: BodyContext): boolean {
  if (arg.type !== 'identifier' && arg.type !== 'scoped_identifier' && arg.type !== 'generic_function') return false;
  const segments = pathSegments(arg);
  const last = segments?.[segments.length - 1];
  if (!segments || !last || !isFunctionName(last)) return false;
  const site: CallSite = { node: arg, span: spanOf(arg), args: [] };
  if (segments.length === 1) {
    const variable = context.scope.lookupVariable(last);
    if (variable?.closureKey) {
      emitCall(site, { name: last, path: segments, local: variable.closureKey }, context);
      return true;
    }
    if (variable && !variable.functionPath) return true;
    if (!variable && !context.scope.lookupItem(last) && !context.scope.lookupUse(last)) return true;
  }
  const path = expandPath(segments, context);
  const entries = lookupPath(context.state.index, path).filter((entry) => entry.kind === 'env.write' || entry.kind === 'env.read' || entry.kind === 'exec');
  if (entries.length > 0) emitSimple(site, entries, context);
  else emitCall(site, { name: path[path.length - 1]!, path }, context);
  return true;
}

/** Functions are snake_case; constants are SCREAMING_CASE and types/variants CamelCase. */
function isFunctionName(name: string): boolean {
  return !isTypeName(name) && name !== name.toUpperCase();
}

// ---------------------------------------------------------------- catalog APIs

function applyEntries(site: CallSite, entries: readonly CatalogEntry[], context: BodyContext): void {
  emitSimple(site, entries, context);
  const spawns = entries.filter((entry) => entry.kind === 'spawn');
  const joins = entries.filter((entry) => entry.kind === 'join');
  for (const runtime of entries.filter((entry) => entry.kind === 'runtime')) {
    context.fn.emit({ kind: 'spawn', api: runtime.id, handles: handleNamesFor(site.node), span: site.span, ...placement(context) });
  }
  if (spawns.length > 0) return applySpawns(site, spawns, joins[0], context);
  const join = joins[0];
  if (join?.bodyArg !== undefined) return applyScope(site, join, context);
  if (join) {
    walkArguments(site.args, context, undefined);
    const handles =
      join.handleArg !== undefined
        ? unique([collectionName(site.args[join.handleArg] ?? null)])
        : site.receiver && site.root
          ? joinHandles(site.receiver, site.root, context)
          : [];
    if (handles.length > 0) context.fn.emit({ kind: 'join', api: join.id, handles, span: site.span, ...placement(context) });
    return;
  }
  walkArguments(site.args, context, site.receiver ? collectionName(site.receiver) : undefined);
}

function emitSimple(site: CallSite, entries: readonly CatalogEntry[], context: BodyContext): void {
  for (const entry of entries) {
    const base = { api: entry.id, span: site.span, ...placement(context) };
    if (entry.kind === 'exec') {
      context.fn.emit({ kind: 'exec', ...base });
      continue;
    }
    if (entry.kind !== 'env.write' && entry.kind !== 'env.read') continue;
    const literal = entry.variableArg !== undefined ? literalArgument(site.args[entry.variableArg], context) : undefined;
    const variable = literal !== undefined ? { variable: literal } : {};
    if (entry.kind === 'env.write') context.fn.emit({ kind: 'env.write', ...base, ...variable });
    else context.fn.emit({ kind: 'env.read', ...base, ...variable });
  }
}

/**
 * Threads start here. The body is the `bodyArg` argument; without one, every function argument
 * (`rayon::join(a, b)`) or, for a method such as `par_iter`, every closure given to the rest of the
 * chain is a body. A join entry of the same API means the call itself waits for its threads.
 */
function applySpawns(site: CallSite, spawns: readonly CatalogEntry[], waits: CatalogEntry | undefined, context: BodyContext): void {
  const consumed = new Set<number>();
  context.state.spawnCalls.add(site.node.id);
  let end = site.node;
  const waitHandle = waits ? chainHandle(site.node) : undefined;
  for (const spawn of spawns) {
    let bodies: RustNode[];
    if (spawn.bodyArg !== undefined) bodies = site.args[spawn.bodyArg] ? [site.args[spawn.bodyArg]!] : [];
    else if (site.receiver) ({ bodies, end } = parallelChainBodies(site.node, context));
    else bodies = site.args.filter(isFunctionLike);
    const handles = unique([
      ...handleNamesFor(site.node),
      ...(site.root && !site.root.isSelf && site.receiver?.type === 'identifier' ? [site.receiver.text] : []),
      ...(spawn.handleArg !== undefined ? [collectionName(site.args[spawn.handleArg] ?? null)] : []),
      waitHandle,
    ]);
    for (const body of bodies) {
      const ref = bodyRef(body, context);
      if (spawn.bodyArg === undefined && !ref) continue;
      consumed.add(body.id);
      context.fn.emit({ kind: 'spawn', api: spawn.id, ...(ref ? { body: ref } : {}), handles, span: site.span, ...placement(context) });
    }
  }
  walkArguments(site.args, context, undefined, consumed);
  if (waits && waitHandle) context.fn.emit({ kind: 'join', api: waits.id, handles: [waitHandle], span: endSpan(end), ...placement(context) });
}

/** `std::thread::scope(|s| { .. })`: the closure runs inline; its threads are joined when the call returns. */
function applyScope(site: CallSite, join: CatalogEntry, context: BodyContext): void {
  const closure = site.args[join.bodyArg!];
  const others = site.args.filter((arg) => arg !== closure);
  walkArguments(others, context, undefined);
  if (!closure || closure.type !== 'closure_expression') {
    if (closure) walkArguments([closure], context, undefined);
    return;
  }
  const scopeName = closureParameters(closure)[0];
  walkInlineClosure(closure, context, undefined, site.path ? { origin: site.path } : undefined);
  if (scopeName) context.fn.emit({ kind: 'join', api: join.id, handles: [scopeName], span: endSpan(site.node), ...placement(context) });
}

/** The closures handed to the adaptors that follow `par_iter()` in its method chain. */
function parallelChainBodies(call: RustNode, context: BodyContext): { bodies: RustNode[]; end: RustNode } {
  const bodies: RustNode[] = [];
  let current = call;
  for (;;) {
    const field = current.parent;
    const next = field?.parent;
    if (field?.type !== 'field_expression' || next?.type !== 'call_expression' || next.childForFieldName('function')?.id !== field.id) break;
    for (const arg of argumentsOf(next)) {
      if (isFunctionLike(arg)) {
        bodies.push(arg);
        context.state.claimedBodies.add(arg.id);
      }
    }
    current = next;
  }
  return { bodies, end: current };
}

function isFunctionLike(node: RustNode): boolean {
  return node.type === 'closure_expression' || node.type === 'async_block' || node.type === 'identifier' || node.type === 'scoped_identifier';
}

/** What a spawned thread runs: a closure/async block (own function), a function by name, or an async fn's future. */
function bodyRef(body: RustNode, context: BodyContext): BodyRef | undefined {
  switch (body.type) {
    case 'closure_expression':
    case 'async_block':
      return { local: extractClosure(body, context) };
    case 'reference_expression':
    case 'parenthesized_expression': {
      const inner = body.childForFieldName('value') ?? body.namedChildren[0];
      return inner ? bodyRef(inner, context) : undefined;
    }
    case 'identifier': {
      const variable = context.scope.lookupVariable(body.text);
      if (variable?.closureKey) return { local: variable.closureKey };
      if (variable?.functionPath) return { callee: { name: variable.functionPath[variable.functionPath.length - 1]!, path: [...variable.functionPath] } };
      if (variable) return undefined;
      return { callee: laterResolved({ name: body.text, path: expandPath([body.text], context) }, context) };
    }
    case 'scoped_identifier':
    case 'generic_function': {
      const segments = pathSegments(body);
      if (!segments) return undefined;
      const path = expandPath(segments, context);
      return { callee: laterResolved({ name: path[path.length - 1]!, path }, context) };
    }
    case 'call_expression':
      return futureBody(body, context);
    default:
      walk(body, context);
      return undefined;
  }
}

/**
 * `tokio::spawn(serve(conn))`: the async fn's body runs in the task. A wrapper around a closure or
 * async block (`Box::pin(async { .. })`, `fut.instrument(span)`) runs that closure.
 */
function futureBody(call: RustNode, context: BodyContext): BodyRef | undefined {
  const callee = unwrapGeneric(call.childForFieldName('function'));
  const args = argumentsOf(call);
  if (callee?.type === 'field_expression') {
    const receiver = callee.childForFieldName('value');
    const method = callee.childForFieldName('field')?.text;
    walkArguments(args, context, undefined);
    if (receiver && (receiver.type === 'async_block' || receiver.type === 'closure_expression' || receiver.type === 'call_expression')) {
      return bodyRef(receiver, context);
    }
    if (receiver?.type === 'identifier') {
      const variable = context.scope.lookupVariable(receiver.text);
      if (variable?.closureKey) return { local: variable.closureKey };
    }
    if (!method || !receiver) return undefined;
    walk(receiver, context);
    const root = receiverRoot(receiver, context.scope, context.container);
    return { callee: { name: method, path: [method], receiver: receiverText(receiver, root) } };
  }
  const wrapped = args.find((arg) => arg.type === 'async_block' || arg.type === 'closure_expression');
  const segments = pathSegments(callee);
  if (wrapped || !segments) {
    walkArguments(args.filter((arg) => arg !== wrapped), context, undefined);
    return wrapped ? bodyRef(wrapped, context) : undefined;
  }
  walkArguments(args, context, undefined);
  const path = expandPath(segments, context);
  const variable = segments.length === 1 ? context.scope.lookupVariable(segments[0]!) : undefined;
  if (variable?.closureKey) return { local: variable.closureKey };
  return { callee: laterResolved({ name: path[path.length - 1]!, path }, context) };
}

function laterResolved(callee: CalleeRef, context: BodyContext): CalleeRef {
  if (callee.path.length <= 2) context.state.resolveLater(callee, context.scope);
  return callee;
}

/** Names a value made at `node` can be joined by: its binding, or the expression chain it is used in. */
function handleNamesFor(node: RustNode): string[] {
  let outer = node;
  while (outer.parent?.type === 'try_expression' || outer.parent?.type === 'parenthesized_expression') outer = outer.parent;
  const parent = outer.parent;
  const chained = parent?.type === 'await_expression' || (parent?.type === 'field_expression' && parent.childForFieldName('value')?.id === outer.id);
  return unique([...(chained ? [chainHandle(node)] : []), ...bindingNames(node)]);
}

/** The variable of a `variableArg`: a literal (`"TZ"`, `c"TZ".as_ptr()`) or a string constant. */
function literalArgument(arg: RustNode | undefined, context: BodyContext): string | undefined {
  if (!arg) return undefined;
  const literal = firstStringLiteral(arg, 4);
  if (literal !== undefined) return literal;
  const segments = pathSegments(arg.type === 'reference_expression' ? arg.childForFieldName('value') : arg);
  const name = segments?.[segments.length - 1];
  return name ? context.scope.lookupConstant(name) : undefined;
}

function firstStringLiteral(node: RustNode, depth: number): string | undefined {
  const value = stringLiteralValue(node);
  if (value !== undefined || depth === 0) return value;
  for (const child of node.namedChildren) {
    const found = firstStringLiteral(child, depth - 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function placement(context: BodyContext): Placement {
  return { loops: [...context.loops], branches: [...context.branches] };
}

/** The last character of a call: where a scope or a parallel chain waits for its threads. */
function endSpan(node: RustNode): Span {
  const { row, column } = node.endPosition;
  return { line: row, column: Math.max(0, column - 1), endLine: row, endColumn: column };
}

function unique(names: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(names.filter((name): name is string => !!name))];
}
