import { isDunder } from './catalogIndex.ts';
import type { Context } from './functionBuilder.ts';
import { CLASS_METHOD_DECORATOR, STATIC_METHOD_DECORATOR } from './protocol.ts';
import { UNKNOWN, type ClassInfo, type Instance, type Value } from './scope.ts';
import { decoratorNames, parameterList } from './syntax.ts';
import { spanOf, type PyNode } from './tree.ts';
import type { FileWalker } from './walker.ts';

/**
 * `def`, `lambda` and `class`: each function gets its fact now and its body is walked later (see
 * FileWalker); a class records its bases, methods and the object `self` stands for.
 */

export function decoratedDefinition(w: FileWalker, node: PyNode, ctx: Context): void {
  for (const decorator of node.namedChildren) if (decorator.type === 'decorator') w.walkChildren(decorator, ctx);
  const definition = node.childForFieldName('definition');
  if (definition?.type === 'function_definition') defineFunction(w, definition, ctx, node);
  else if (definition?.type === 'class_definition') defineClass(w, definition, ctx);
}

export function defineFunction(w: FileWalker, node: PyNode, ctx: Context, decorated: PyNode | undefined): void {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return;
  const name = nameNode.text;
  const cls = ctx.classBody;
  const decorators = decoratorNames(decorated);
  const params = parameterList(node.childForFieldName('parameters'));
  // A method's first parameter is its receiver, not an argument: `obj.m(x)` passes x as parameter 0.
  const receiverParam = cls && !decorators.includes(STATIC_METHOD_DECORATOR) ? params.shift() : undefined;
  const defaults = params.map((param) => (param.defaultValue ? w.evaluate(param.defaultValue, ctx) : undefined));
  const key = w.uniqueKey(ctx.keyPrefix ? `${ctx.keyPrefix}.${name}` : name, node);
  const exported = cls ? cls.exported && isPublicName(name) : ctx.scope.kind === 'module' && isPublicName(name);
  const builder = w.addFunction({
    key,
    name,
    qualifiedName: key,
    ...(cls ? { container: cls.key } : {}),
    span: spanOf(node),
    nameSpan: spanOf(nameNode),
    exported,
    params: params.map((param) => param.name),
    events: [],
  });
  if (cls) cls.methods.set(name, key);
  ctx.scope.bind(name, { kind: 'function', key });
  w.scheduleBody({
    builder,
    body: node.childForFieldName('body'),
    parentScope: ctx.scope.enclosingForFunctions(),
    params,
    defaults,
    ...(cls && receiverParam
      ? { receiver: { name: receiverParam.name, cls, isClassMethod: decorators.includes(CLASS_METHOD_DECORATOR) } }
      : {}),
  });
}

/** A lambda that is a thread body: its own function `<lambda@LINE:COL>` (1-based), walked later. */
export function defineLambda(w: FileWalker, node: PyNode, ctx: Context): string {
  const params = parameterList(node.childForFieldName('parameters'));
  const defaults = params.map((param) => (param.defaultValue ? w.evaluate(param.defaultValue, ctx) : undefined));
  const key = w.uniqueKey(`<lambda@${node.startPosition.row + 1}:${node.startPosition.column + 1}>`, node);
  const enclosing = ctx.fn.fact.entry === 'module' ? '' : `${ctx.fn.fact.qualifiedName}.`;
  const builder = w.addFunction({
    key,
    name: '<lambda>',
    qualifiedName: `${enclosing}${key}`,
    span: spanOf(node),
    nameSpan: spanOf(node),
    exported: false,
    params: params.map((param) => param.name),
    events: [],
  });
  w.scheduleBody({ builder, body: node.childForFieldName('body'), parentScope: ctx.scope.enclosingForFunctions(), params, defaults });
  return key;
}

/** A lambda that is not a thread body runs (if at all) where it is used: its events stay inline. */
export function inlineLambda(w: FileWalker, node: PyNode, ctx: Context): void {
  const params = parameterList(node.childForFieldName('parameters'));
  for (const param of params) if (param.defaultValue) w.evaluate(param.defaultValue, ctx);
  const scope = ctx.scope.child('inline');
  for (const param of params) scope.bind(param.name, UNKNOWN);
  const body = node.childForFieldName('body');
  if (body) w.evaluate(body, { ...ctx, scope });
}

export function defineClass(w: FileWalker, node: PyNode, ctx: Context): void {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return;
  const name = nameNode.text;
  const bases: Value[] = [];
  const superclasses = node.childForFieldName('superclasses');
  for (const argument of superclasses?.namedChildren ?? []) {
    if (argument.type === 'keyword_argument') w.walkChildren(argument, ctx);
    else bases.push(w.evaluate(argument, ctx));
  }
  const self: Instance = { collections: [], spawns: [] };
  const cls: ClassInfo = {
    name,
    key: ctx.keyPrefix ? `${ctx.keyPrefix}.${name}` : name,
    bases,
    methods: new Map(),
    attributes: new Map(),
    self,
    exported: ctx.scope.kind === 'module' && isPublicName(name),
  };
  self.localClass = cls;
  ctx.scope.bind(name, { kind: 'class', cls });
  const scope = ctx.scope.child('class');
  w.walkBlock(node.childForFieldName('body'), { ...ctx, scope, classBody: cls, keyPrefix: cls.key });
}

function isPublicName(name: string): boolean {
  return !name.startsWith('_') || isDunder(name);
}
