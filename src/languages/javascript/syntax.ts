/** Small, stateless questions about typescript-estree nodes. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Span } from '../../facts/types.ts';
import { spanFromEstree } from '../../positions.ts';
import { T } from './nodeTypes.ts';
import type { Scope } from './scope.ts';
import { isFunctionNode, propertyName, requireSpecifier, unwrap } from './values.ts';

export type Node = TSESTree.Node;
export type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;
export type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

export function spanOf(node: Node): Span {
  return spanFromEstree(node.loc);
}

export function startOf(node: Node): Span {
  const { line, column } = spanOf(node);
  return { line, column, endLine: line, endColumn: column };
}

export function anonymousKey(node: Node): string {
  const { line, column } = spanOf(node);
  return `<anonymous@${line + 1}:${column + 1}>`;
}

export function computedName(key: Node): string {
  const { line, column } = spanOf(key);
  return `<computed@${line + 1}:${column + 1}>`;
}

export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** `a`, `a.b.c`, `this.x`: chains without calls whose evaluation has no events of its own worth visiting. */
export function isNameChain(node: Node): boolean {
  let current = unwrap(node);
  while (current.type === T.MemberExpression && !current.computed) current = unwrap(current.object);
  return current.type === T.Identifier || current.type === T.ThisExpression;
}

export function isImportMetaUrl(node: Node): boolean {
  return node.type === T.MemberExpression && node.object.type === T.MetaProperty && node.object.meta.name === 'import' && propertyName(node) === 'url';
}

/** The variable a method is called on (`worker` in `worker.terminate()`), when it is a plain name. */
export function receiverName(node: Node): string | undefined {
  const expression = unwrap(node);
  if (expression.type === T.Identifier) return expression.name;
  if (expression.type === T.MemberExpression && unwrap(expression.object).type === T.ThisExpression) return propertyName(expression);
  return undefined;
}

/** `fn.bind(x)` passes `fn` on. */
export function boundTarget(node: Node): Node {
  if (node.type === T.CallExpression && node.callee.type === T.MemberExpression && propertyName(node.callee) === 'bind') {
    return unwrap(node.callee.object);
  }
  return node;
}

export function moduleExportName(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === T.Identifier ? node.name : node.value;
}

export function classMemberFunction(member: TSESTree.ClassElement): TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression | undefined {
  if (member.type === T.MethodDefinition) return member.value.type === T.FunctionExpression && member.value.body ? member.value : undefined;
  if (member.type === T.PropertyDefinition && member.value) {
    const value = unwrap(member.value);
    return isFunctionNode(value) ? value : undefined;
  }
  return undefined;
}

export function declaredNames(declaration: Node): string[] {
  switch (declaration.type) {
    case T.FunctionDeclaration:
    case T.ClassDeclaration:
      return declaration.id ? [declaration.id.name] : [];
    case T.VariableDeclaration:
      return declaration.declarations.flatMap((declarator) => patternNames(declarator.id));
    default:
      return [];
  }
}

export function patternNames(pattern: Node): string[] {
  switch (pattern.type) {
    case T.Identifier:
      return [pattern.name];
    case T.AssignmentPattern:
      return patternNames(pattern.left);
    case T.RestElement:
      return patternNames(pattern.argument);
    case T.ArrayPattern:
      return pattern.elements.flatMap((element) => (element ? patternNames(element) : []));
    case T.ObjectPattern:
      return pattern.properties.flatMap((property) => patternNames(property.type === T.RestElement ? property : property.value));
    default:
      return [];
  }
}

export function paramNames(params: readonly TSESTree.Parameter[]): string[] {
  const names: string[] = [];
  for (const raw of params) {
    const param = raw.type === T.TSParameterProperty ? raw.parameter : raw;
    if (param.type === T.Identifier) {
      if (param.name !== 'this') names.push(param.name);
    } else if (param.type === T.AssignmentPattern && param.left.type === T.Identifier) {
      names.push(param.left.name);
    } else if (param.type === T.RestElement && param.argument.type === T.Identifier) {
      names.push(`...${param.argument.name}`);
    } else {
      names.push('<pattern>');
    }
  }
  return names;
}

/** `require('x')` or `require('x').a.b` as a declarator's initializer. */
export function requireOf(init: Node, scope: Scope): { source: string; path: string[] } | undefined {
  const path: string[] = [];
  let current = unwrap(init);
  while (current.type === T.MemberExpression) {
    const name = propertyName(current);
    if (name === undefined) return undefined;
    path.unshift(name);
    current = unwrap(current.object);
  }
  const source = requireSpecifier(current, scope);
  return source === undefined ? undefined : { source, path };
}

/** `module.exports = ...` → 'module'; `exports.f = ...` / `module.exports.f = ...` → 'f'. */
export function commonJsExport(left: TSESTree.MemberExpression, scope: Scope): string | undefined {
  if (isModuleExports(left, scope)) return 'module';
  const name = propertyName(left);
  if (name === undefined) return undefined;
  const object = unwrap(left.object);
  if (object.type === T.Identifier && object.name === 'exports' && scope.lookup('exports') === undefined) return name;
  if (object.type === T.MemberExpression && isModuleExports(object, scope)) return name;
  return undefined;
}

export function isModuleExports(node: TSESTree.MemberExpression, scope: Scope): boolean {
  const object = unwrap(node.object);
  return object.type === T.Identifier && object.name === 'module' && scope.lookup('module') === undefined && propertyName(node) === 'exports';
}
