import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { CalleeRef } from '../../facts/types.ts';
import { T } from './nodeTypes.ts';
import { envValue, unknownValue, type ModuleBinding, type Scope, type Value } from './scope.ts';

type Node = TSESTree.Node;

/** What value resolution needs from the walk: the scope chain, `this`, and keys given to function nodes. */
export interface ValueContext {
  scope: Scope;
  thisValue?: Value;
  valueOfDefinition(node: Node): Value | undefined;
}

/** Names that stand for the global object (`globalThis.process.env`). */
const globalObjectNames = new Set(['globalThis', 'global', 'window', 'self']);
/** The module that holds `process` (`import process from 'node:process'`). */
const processModule = 'process';
const builtinPrefix = 'node:';
/** Receiver text for a method call on something that is not a name (`foo().bar()`). */
export const expressionReceiver = '(expression)';

/** Strips wrappers that do not change the value: TS casts, non-null assertions, optional chains. */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case T.TSAsExpression:
      case T.TSNonNullExpression:
      case T.TSSatisfiesExpression:
      case T.TSTypeAssertion:
      case T.TSInstantiationExpression:
      case T.ChainExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

export function isFunctionNode(node: Node): node is TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression {
  return node.type === T.ArrowFunctionExpression || node.type === T.FunctionExpression;
}

/** The property a member expression reads, when it is static (`a.b`, `a['b']`, ``a[`b`]``, `a.#b`). */
export function propertyName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed) {
    return member.property.type === T.PrivateIdentifier ? `#${member.property.name}` : (member.property as TSESTree.Identifier).name;
  }
  return staticString(member.property);
}

/** An object-literal or class member key, when static. */
export function keyName(key: Node, computed: boolean): string | undefined {
  if (!computed) {
    if (key.type === T.Identifier) return key.name;
    if (key.type === T.PrivateIdentifier) return `#${key.name}`;
  }
  return staticString(key);
}

/** The text of a string (or number) literal or of a template literal without substitutions. */
export function staticString(node: Node): string | undefined {
  if (node.type === T.Literal && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  if (node.type === T.TemplateLiteral && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** `require('x')` (with `require` not shadowed): the specifier. */
export function requireSpecifier(node: Node, scope: Scope): string | undefined {
  if (node.type !== T.CallExpression || node.callee.type !== T.Identifier || node.callee.name !== 'require') return undefined;
  if (scope.lookup('require') !== undefined) return undefined;
  const first = node.arguments[0];
  return first ? staticString(first) : undefined;
}

export function normalizeModuleName(specifier: string): string {
  return specifier.startsWith(builtinPrefix) ? specifier.slice(builtinPrefix.length) : specifier;
}

/** A value reached through a module, with `process` recognised whichever way it was imported. */
export function moduleValue(specifier: string, path: string[], binding: ModuleBinding): Value {
  if (normalizeModuleName(specifier) === processModule) {
    if (path.length === 0) return { kind: 'process' };
    if (path.length === 1 && path[0] === 'env') return envValue;
    return { kind: 'global', path: ['process', ...path] };
  }
  return { kind: 'module', specifier, path, binding };
}

function globalIdentifier(name: string): Value {
  if (name === 'process') return { kind: 'process' };
  if (globalObjectNames.has(name)) return { kind: 'global', path: [] };
  return { kind: 'global', path: [name] };
}

/** Caps member chains kept as receiver text, so minified property soups stay cheap. */
const maxLocalPath = 6;

export function memberValue(base: Value, property: string | undefined): Value {
  switch (base.kind) {
    case 'process':
      if (property === 'env') return envValue;
      return property === undefined ? unknownValue : { kind: 'global', path: ['process', property] };
    case 'module':
      return property === undefined ? unknownValue : moduleValue(base.specifier, [...base.path, property], base.binding);
    case 'global':
      if (property === undefined) return unknownValue;
      if (base.path.length === 0) return globalIdentifier(property);
      return { kind: 'global', path: [...base.path, property] };
    case 'object':
      if (property === undefined) return unknownValue;
      return base.members.get(property) ?? { kind: 'local', path: [base.name, property] };
    case 'class':
    case 'this': {
      const key = property === undefined ? undefined : base.members.get(property);
      if (key !== undefined) return { kind: 'function', key };
      const head = base.kind === 'class' ? base.name : 'this';
      return { kind: 'local', path: [head, property ?? '?'] };
    }
    case 'param':
      return { kind: 'local', path: [base.name, property ?? '?'] };
    case 'local':
      return base.path.length >= maxLocalPath ? unknownValue : { kind: 'local', path: [...base.path, property ?? '?'] };
    default:
      return unknownValue;
  }
}

export function valueOf(node: Node, context: ValueContext): Value {
  const expression = unwrap(node);
  switch (expression.type) {
    case T.Identifier:
      return context.scope.lookup(expression.name) ?? globalIdentifier(expression.name);
    case T.ThisExpression:
      return context.thisValue ?? unknownValue;
    case T.MemberExpression:
      return memberValue(valueOf(expression.object, context), propertyName(expression));
    case T.CallExpression: {
      const specifier = requireSpecifier(expression, context.scope);
      return specifier === undefined ? unknownValue : moduleValue(specifier, [], 'namespace');
    }
    case T.ImportExpression: {
      const specifier = staticString(expression.source);
      return specifier === undefined ? unknownValue : moduleValue(specifier, [], 'namespace');
    }
    case T.AwaitExpression:
      return valueOf(expression.argument, context);
    case T.AssignmentExpression:
      return valueOf(expression.right, context);
    case T.LogicalExpression:
      return eitherEnv(valueOf(expression.left, context), valueOf(expression.right, context));
    case T.ConditionalExpression:
      return eitherEnv(valueOf(expression.consequent, context), valueOf(expression.alternate, context));
    case T.ArrowFunctionExpression:
    case T.FunctionExpression:
    case T.ClassExpression:
    case T.ObjectExpression:
      return context.valueOfDefinition(expression) ?? unknownValue;
    default:
      return unknownValue;
  }
}

/** `options.processEnv || process.env`: an alias of the environment on one path is enough. */
function eitherEnv(a: Value, b: Value): Value {
  return a.kind === 'env' || b.kind === 'env' ? envValue : unknownValue;
}

/** The catalog notation of a value: `dns.lookup`, `fs/promises.readFile`, `process.env`, `fetch`. */
export function qualifiedNameOf(value: Value): string | undefined {
  switch (value.kind) {
    case 'env':
      return 'process.env';
    case 'process':
      return 'process';
    case 'module':
      return [normalizeModuleName(value.specifier), ...value.path].join('.');
    case 'global':
      return value.path.length === 0 ? 'globalThis' : value.path.join('.');
    default:
      return undefined;
  }
}

/** How a call names its target, for the linker. Undefined when the callee is not a name or member. */
export function calleeRefOf(callee: Node, context: ValueContext): CalleeRef | undefined {
  const expression = unwrap(callee);
  if (expression.type === T.Identifier) {
    const name = expression.name;
    const value = valueOf(expression, context);
    if (value.kind === 'function') return { name, path: [name], local: value.key };
    if (value.kind === 'class') return withLocal({ name, path: [name] }, value.members.get('constructor'));
    if (value.kind === 'module') return moduleCallee(value);
    return { name, path: [name] };
  }
  if (expression.type !== T.MemberExpression) return undefined;
  const property = propertyName(expression) ?? '[computed]';
  const base = valueOf(expression.object, context);
  switch (base.kind) {
    case 'module': {
      const member = memberValue(base, property);
      return moduleCallee(member) ?? { name: property, path: (qualifiedNameOf(member) ?? property).split('.') };
    }
    case 'object': {
      const member = base.members.get(property);
      const ref: CalleeRef = { name: property, path: [base.name, property], receiver: base.name };
      return withLocal(ref, member?.kind === 'function' ? member.key : undefined);
    }
    case 'class':
      return withLocal({ name: property, path: [base.name, property] }, base.members.get(property));
    case 'this':
      return withLocal({ name: property, path: ['this', property], receiver: 'this' }, base.members.get(property));
    case 'function':
      // `f.call(thisArg, ...)` / `f.apply(...)` call `f` itself.
      if (property === 'call' || property === 'apply') return { name: base.key, path: [base.key], local: base.key };
      return { name: property, path: [base.key, property] };
    case 'process':
    case 'global':
    case 'env':
      return { name: property, path: [...(qualifiedNameOf(base) ?? '').split('.'), property] };
    case 'param':
      return { name: property, path: [base.name, property], receiver: base.name };
    case 'local':
      return { name: property, path: [...base.path, property], receiver: base.path.join('.') };
    default:
      return { name: property, path: [property], receiver: expressionReceiver };
  }
}

function moduleCallee(value: Value): CalleeRef | undefined {
  if (value.kind !== 'module') return undefined;
  const path =
    value.binding === 'default'
      ? [value.specifier, 'default', ...value.path]
      : value.path.length > 0
        ? [value.specifier, ...value.path]
        : [value.specifier, 'default'];
  return { name: path[path.length - 1]!, path };
}

function withLocal(ref: CalleeRef, local: string | undefined): CalleeRef {
  return local === undefined ? ref : { ...ref, local };
}
