import type { CatalogEntry } from '../../catalog/types.ts';
import type { ArgFact, BodyRef, CalleeRef, SpawnEvent } from '../../facts/types.ts';
import { defineLambda } from './definitions.ts';
import type { Context } from './functionBuilder.ts';
import { addCollection, inheritedConstructor, inheritedPath, instanceMethodEntry, localMethod } from './objects.ts';
import { COLLECTION_ADDERS, CONSTRUCTOR, SUPER_FUNCTION, THREAD_BODY_METHOD } from './protocol.ts';
import { UNKNOWN, type ClassInfo, type Instance, type Value } from './scope.ts';
import { callArguments, referenceName, stringValue, unparenthesized, type Arguments } from './syntax.ts';
import { spanOf, type PyNode } from './tree.ts';
import type { FileWalker } from './walker.ts';

/**
 * What a call does: a catalog API (environment write/read, program start, thread spawn or join),
 * the construction of a tracked object (a thread, an executor, a pool), or a plain call to link.
 */

interface Site {
  w: FileWalker;
  node: PyNode;
  ctx: Context;
  args: Arguments;
  /** The variable the call's result is bound to. */
  assignTo?: string;
}

interface EvaluatedArguments {
  positional: Value[];
  facts: ArgFact[];
  keywords: Map<string, ArgFact>;
}

/** Receiver text for calls on something that is not a plain reference (`f().g()`). */
const COMPUTED_RECEIVER = '<expression>';

export function evaluateCall(w: FileWalker, node: PyNode, ctx: Context, assignTo: string | undefined): Value {
  const site: Site = { w, node, ctx, args: callArguments(node), ...(assignTo !== undefined ? { assignTo } : {}) };
  const fn = node.childForFieldName('function');
  if (fn?.type === 'attribute') {
    const object = fn.childForFieldName('object');
    const attribute = fn.childForFieldName('attribute');
    if (object && attribute) {
      if (ctx.methodOf && isSuperCall(object, ctx)) return superCall(site, ctx.methodOf, attribute.text);
      return methodCall(site, object, w.evaluate(object, ctx), attribute.text);
    }
  }
  if (fn?.type === 'identifier') return nameCall(site, fn.text, ctx.scope.lookup(fn.text));
  if (fn) w.evaluate(fn, ctx);
  evaluateArguments(site);
  return UNKNOWN;
}

/** `f(...)`. */
function nameCall(site: Site, name: string, bound: Value | undefined): Value {
  if (bound?.kind === 'path') return pathCall(site, bound.path, name);
  if (bound?.kind === 'class') return constructLocal(site, bound.cls);
  if (bound?.kind === 'function') {
    emitCall(site, { name, path: [name], local: bound.key }, evaluateArguments(site));
    return UNKNOWN;
  }
  const plain = site.w.api.byPlainName.get(name);
  if (plain) return apiCall(site, plain, []);
  const evaluated = evaluateArguments(site);
  // A name bound to something this file cannot name (a parameter, a computed value) has no target to link.
  if (!bound) emitCall(site, { name, path: [name] }, evaluated);
  return UNKNOWN;
}

/** `a.b.c(...)` where `a.b.c` is known by its dotted path (imports, `os.environ` and its aliases). */
function pathCall(site: Site, path: readonly string[], name: string): Value {
  const { api } = site.w;
  const dotted = path.join('.');
  if (api.trackedClasses.has(dotted)) return constructTracked(site, dotted, api.trackedClasses.get(dotted));
  const entry = api.byName.get(dotted) ?? api.byPlainName.get(name);
  if (entry) return apiCall(site, entry, []);
  emitCall(site, { name, path: [...path] }, evaluateArguments(site));
  return UNKNOWN;
}

/** `x.name(...)`. */
function methodCall(site: Site, object: PyNode, receiver: Value, name: string): Value {
  switch (receiver.kind) {
    case 'path':
      return pathCall(site, [...receiver.path, name], name);
    case 'instance':
      return instanceCall(site, object, receiver, name);
    case 'class': {
      const key = localMethod(receiver.cls, name);
      emitCall(site, { name, path: [receiver.cls.name, name], ...(key ? { local: key } : {}) }, evaluateArguments(site));
      return UNKNOWN;
    }
    case 'param': {
      const entry = site.w.environWriteMethod(name);
      if (!entry) return untypedCall(site, object, receiver, name);
      evaluateArguments(site);
      site.w.parameterWrite(entry, receiver.index, variableOf(entry, site.args), site.node, site.ctx);
      return UNKNOWN;
    }
    default:
      return untypedCall(site, object, receiver, name);
  }
}

/** A method call on a thread, executor or pool object, or on an object of a class of this file. */
function instanceCall(site: Site, object: PyNode, value: Value & { kind: 'instance' }, name: string): Value {
  const { instance } = value;
  const cls = instance.localClass;
  const isSelf = cls !== undefined && instance === cls.self;
  const receiverName = referenceName(object);
  if (cls) {
    const own = localMethod(cls, name);
    if (own) {
      // `self.m()` may dispatch to a subclass's override: the linker resolves it by class.
      const callee: CalleeRef = isSelf
        ? { name, path: inheritedFromLocalBase(cls, own) ? own.split('.') : [name], receiver: 'self' }
        : { name, path: [name], receiver: receiverName ?? COMPUTED_RECEIVER, local: own };
      emitCall(site, callee, evaluateArguments(site));
      return UNKNOWN;
    }
  }
  const entry = instanceMethodEntry(site.w.api, instance, name);
  // Only a named object can be joined later; `Thread(target=f).start()` is detached.
  const handles = receiverName === undefined ? [] : unique([receiverName, ...(value.collection ? [value.collection] : []), ...instance.collections]);
  if (entry?.kind === 'spawn') return spawnOnInstance(site, entry, instance, handles);
  if (entry) return apiCall(site, entry, handles);
  const evaluated = evaluateArguments(site);
  if (cls) {
    const receiver = isSelf ? 'self' : (receiverName ?? COMPUTED_RECEIVER);
    emitCall(site, { name, path: inheritedPath(site.w.api, cls, name), receiver }, evaluated);
  }
  return UNKNOWN;
}

/** A method call on something of unknown type: named APIs, list bookkeeping of handles, joins by shape, or a call linked by method name. */
function untypedCall(site: Site, object: PyNode, receiver: Value, name: string): Value {
  const { w } = site;
  const plain = w.api.byPlainName.get(name);
  if (plain) return apiCall(site, plain, []);
  const receiverName = referenceName(object);
  const evaluated = evaluateArguments(site);
  if (receiverName !== undefined && COLLECTION_ADDERS.has(name)) {
    const added = evaluated.positional[0];
    if (added?.kind === 'instance') {
      addCollection(added.instance, receiverName);
      if (receiver.kind === 'unknown' || receiver.kind === 'item') w.bindName(site.ctx, receiverName, { kind: 'instances', instance: added.instance });
      return UNKNOWN;
    }
  }
  // `h.join()` with no positional argument (unlike `sep.join(items)`): a join of whatever `h` holds,
  // such as the result of a function that started a thread.
  const join = w.api.joinMethods.get(name);
  if (join && receiverName !== undefined && site.args.positional.length === 0 && !site.args.hasSplat) {
    if (!doesNotWait(site.args)) {
      const handles = unique([receiverName, ...(receiver.kind === 'item' ? [receiver.collection] : [])]);
      site.ctx.fn.emit(site.ctx, { kind: 'join', api: join.id, handles, span: spanOf(site.node) });
    }
    return UNKNOWN;
  }
  emitCall(site, { name, path: [name], receiver: receiverName ?? COMPUTED_RECEIVER }, evaluated);
  return UNKNOWN;
}

/** `super().name(...)` inside a method: the base class's method. */
function superCall(site: Site, cls: ClassInfo, name: string): Value {
  const evaluated = evaluateArguments(site);
  for (const base of cls.bases) {
    if (base.kind === 'class') {
      const key = localMethod(base.cls, name);
      if (key) {
        emitCall(site, { name, path: [base.cls.name, name], local: key }, evaluated);
        return UNKNOWN;
      }
    } else if (base.kind === 'path' && !site.w.api.trackedClasses.has(base.path.join('.'))) {
      emitCall(site, { name, path: [...base.path, name] }, evaluated);
      return UNKNOWN;
    }
  }
  return UNKNOWN;
}

function isSuperCall(object: PyNode, ctx: Context): boolean {
  return object.type === 'call' && object.childForFieldName('function')?.text === SUPER_FUNCTION && !ctx.scope.lookup(SUPER_FUNCTION);
}

// ---- catalog APIs ---------------------------------------------------------------------------------

/** A call the catalog describes; `handles` name the object for method-form joins and spawns. */
function apiCall(site: Site, entry: CatalogEntry, handles: string[]): Value {
  const { ctx, node, args } = site;
  const bodyNode = entry.kind === 'spawn' ? bodyArgument(entry, args) : undefined;
  const body = bodyNode ? bodyRef(site, bodyNode) : undefined;
  evaluateArguments(site, bodyNode);
  const span = spanOf(node);
  const handleArg = entry.handleArg !== undefined ? args.positional[entry.handleArg] : undefined;
  const named = handleArg ? referenceName(handleArg) : undefined;
  const joinable = named !== undefined ? [named] : handles;
  switch (entry.kind) {
    case 'env.write':
    case 'env.read': {
      const variable = variableOf(entry, args);
      ctx.fn.emit(ctx, { kind: entry.kind, api: entry.id, span, ...(variable !== undefined ? { variable } : {}) });
      break;
    }
    case 'exec':
      ctx.fn.emit(ctx, { kind: 'exec', api: entry.id, span });
      break;
    case 'spawn':
      ctx.fn.emit(ctx, { kind: 'spawn', api: entry.id, span, handles: joinable, ...(body ? { body } : {}) });
      break;
    case 'runtime':
      ctx.fn.emit(ctx, { kind: 'spawn', api: entry.id, span, handles: site.assignTo !== undefined ? [site.assignTo] : joinable });
      break;
    case 'join':
      if (!doesNotWait(args)) ctx.fn.emit(ctx, { kind: 'join', api: entry.id, span, handles: joinable });
      break;
    default:
      break;
  }
  return UNKNOWN;
}

/** `t.start()`, `ex.submit(f)`: the body is the call's own argument, or what the object was built with. */
function spawnOnInstance(site: Site, entry: CatalogEntry, instance: Instance, handles: string[]): Value {
  const bodyNode = bodyArgument(entry, site.args);
  const body = bodyNode ? bodyRef(site, bodyNode) : threadBody(instance);
  evaluateArguments(site, bodyNode);
  const event = site.ctx.fn.emit(site.ctx, { kind: 'spawn', api: entry.id, span: spanOf(site.node), handles, ...(body ? { body } : {}) });
  instance.spawns.push(event as SpawnEvent);
  return UNKNOWN;
}

/** A subclass's `run` override, else the constructor's `target`. */
function threadBody(instance: Instance): BodyRef | undefined {
  const run = instance.localClass ? localMethod(instance.localClass, THREAD_BODY_METHOD) : undefined;
  return run ? { local: run } : instance.body;
}

/** `threading.Thread(...)`, `ThreadPoolExecutor(...)`: an object to follow; a pool's threads start right here. */
function constructTracked(site: Site, className: string, constructor: CatalogEntry | undefined): Value {
  const instance: Instance = { catalogClass: className, collections: [], spawns: [] };
  const bodyNode = constructor?.kind === 'spawn' ? bodyArgument(constructor, site.args) : undefined;
  if (bodyNode) {
    const body = bodyRef(site, bodyNode);
    if (body) instance.body = body;
  }
  evaluateArguments(site, bodyNode);
  if (constructor?.kind === 'runtime') {
    const handles = site.assignTo !== undefined ? [site.assignTo] : [];
    instance.spawns.push(site.ctx.fn.emit(site.ctx, { kind: 'spawn', api: constructor.id, span: spanOf(site.node), handles }) as SpawnEvent);
  }
  return { kind: 'instance', instance };
}

/** `Worker(...)` for a class of this file: a call to its `__init__`, and an object to follow. */
function constructLocal(site: Site, cls: ClassInfo): Value {
  const { api } = site.w;
  const instance: Instance = { localClass: cls, collections: [], spawns: [] };
  const constructor = inheritedConstructor(api, cls);
  // A subclass's own signature is unknown; only the keyword form of the body is reliable.
  const bodyNode = constructor?.kind === 'spawn' && constructor.bodyKeyword ? site.args.keywords.get(constructor.bodyKeyword) : undefined;
  if (bodyNode) {
    const body = bodyRef(site, bodyNode);
    if (body) instance.body = body;
  }
  const evaluated = evaluateArguments(site, bodyNode);
  const init = localMethod(cls, CONSTRUCTOR);
  const path = init ? [cls.name, CONSTRUCTOR] : inheritedPath(api, cls, CONSTRUCTOR);
  if (init || path.length > 1) emitCall(site, { name: CONSTRUCTOR, path, ...(init ? { local: init } : {}) }, evaluated);
  if (constructor?.kind === 'runtime') {
    const handles = site.assignTo !== undefined ? [site.assignTo] : [];
    instance.spawns.push(site.ctx.fn.emit(site.ctx, { kind: 'spawn', api: constructor.id, span: spanOf(site.node), handles }) as SpawnEvent);
  }
  return { kind: 'instance', instance };
}

// ---- arguments ------------------------------------------------------------------------------------

/** Evaluates every argument once (a lambda thread body is its own function instead) and describes them for the linker. */
function evaluateArguments(site: Site, bodyNode?: PyNode): EvaluatedArguments {
  const { w, ctx, args } = site;
  const skip = bodyNode && unparenthesized(bodyNode).type === 'lambda' ? bodyNode : undefined;
  const values = new Map<number, Value>();
  for (const expression of args.expressions) {
    if (skip && expression.startIndex === skip.startIndex && expression.endIndex === skip.endIndex) continue;
    values.set(expression.startIndex, w.evaluate(expression, ctx));
  }
  const positional = args.positional.map((node) => values.get(node.startIndex) ?? UNKNOWN);
  const keywords = new Map<string, ArgFact>();
  for (const [name, node] of args.keywords) keywords.set(name, argFact(w, values.get(node.startIndex) ?? UNKNOWN));
  return { positional, facts: positional.map((value) => argFact(w, value)), keywords };
}

function argFact(w: FileWalker, value: Value): ArgFact {
  if (w.isEnviron(value)) return { env: true };
  if (value.kind === 'param') return { param: value.index };
  return null;
}

function emitCall(site: Site, callee: CalleeRef, evaluated: EvaluatedArguments): void {
  const { ctx } = site;
  const hasFacts = evaluated.facts.some((fact) => fact !== null);
  const event = ctx.fn.emit(ctx, {
    kind: 'call',
    span: spanOf(site.node),
    callee,
    ...(hasFacts ? { args: evaluated.facts } : {}),
    ...(site.assignTo !== undefined ? { assignedTo: site.assignTo } : {}),
  });
  if (callee.local) site.w.rememberKeywords(event, evaluated.keywords);
}

function bodyArgument(entry: CatalogEntry, args: Arguments): PyNode | undefined {
  const keyword = entry.bodyKeyword !== undefined ? args.keywords.get(entry.bodyKeyword) : undefined;
  return keyword ?? (entry.bodyArg !== undefined ? args.positional[entry.bodyArg] : undefined);
}

function variableOf(entry: CatalogEntry, args: Arguments): string | undefined {
  return entry.variableArg !== undefined ? stringValue(args.positional[entry.variableArg]) : undefined;
}

/** `shutdown(wait=False)`, `shutdown(False)`: returns without waiting for the threads. */
function doesNotWait(args: Arguments): boolean {
  return [...args.positional, ...args.keywords.values()].some((node) => node.type === 'false');
}

/**
 * Where a thread body is, without evaluating anything (lambdas become functions of their own):
 * a function of this file, `self.work` (resolved by class), or a dotted path through the imports.
 */
function bodyRef(site: Site, node: PyNode): BodyRef | undefined {
  const { w, ctx } = site;
  const target = unparenthesized(node);
  if (target.type === 'lambda') return { local: defineLambda(w, target, ctx) };
  if (target.type === 'identifier') {
    const bound = ctx.scope.lookup(target.text);
    if (!bound) return { callee: { name: target.text, path: [target.text] } };
    if (bound.kind === 'function') return { local: bound.key };
    if (bound.kind === 'path') return { callee: { name: bound.path[bound.path.length - 1]!, path: [...bound.path] } };
    return undefined;
  }
  if (target.type !== 'attribute') return undefined;
  const object = target.childForFieldName('object');
  const name = target.childForFieldName('attribute')?.text;
  const objectName = object ? referenceName(object) : undefined;
  if (!name || objectName === undefined) return undefined;
  const base = resolveReference(w, ctx, objectName);
  switch (base?.kind) {
    case 'path':
      return { callee: { name, path: [...base.path, name] } };
    case 'class': {
      const key = localMethod(base.cls, name);
      return key ? { local: key } : { callee: { name, path: [base.cls.name, name] } };
    }
    case 'instance': {
      const cls = base.instance.localClass;
      if (cls && base.instance === cls.self) return { callee: { name, path: [name], receiver: 'self' } };
      const key = cls ? localMethod(cls, name) : undefined;
      return { callee: { name, path: [name], receiver: objectName, ...(key ? { local: key } : {}) } };
    }
    default:
      return { callee: { name, path: [name], receiver: objectName } };
  }
}

/** The value of a dotted reference from bindings alone (no events): `self.pool`, `mod.sub`. */
function resolveReference(w: FileWalker, ctx: Context, dotted: string): Value | undefined {
  const direct = ctx.scope.lookup(dotted);
  if (direct) return direct;
  const parts = dotted.split('.');
  let value = ctx.scope.lookup(parts[0]!);
  for (let i = 1; value && i < parts.length; i += 1) value = w.member(value, parts[i]!);
  return value;
}

/** `own` is a method key of a base class of `cls`, not of `cls` itself. */
function inheritedFromLocalBase(cls: ClassInfo, own: string): boolean {
  return cls.methods.get(own.slice(own.lastIndexOf('.') + 1)) !== own;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
