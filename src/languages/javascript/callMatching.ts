import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { BodyRef } from '../../facts/types.ts';
import type { ArgCondition, JavascriptCatalogEntry, JavascriptCatalogIndex } from './catalogIndex.ts';
import { moduleFunctionKey } from './conventions.ts';
import { isPathSpecifier } from './moduleResolver.ts';
import { T } from './nodeTypes.ts';
import { isImportMetaUrl, type Node } from './syntax.ts';
import { isFunctionNode, keyName, propertyName, qualifiedNameOf, staticString, unwrap, valueOf, type ValueContext } from './values.ts';

/** Calls that build a worker script's path from `__dirname` (`path.join(__dirname, 'worker.js')`). */
const scriptPathBuilders = new Set(['path.join', 'path.resolve']);

export interface CatalogMatch {
  entry: JavascriptCatalogEntry;
  /** The condition named the environment and the argument is this parameter: a write through it. */
  param?: number;
}

/**
 * The catalog entry a call or `new` expression is, if any, with its argument conditions checked.
 * `owner` is the key of the function whose parameters count as parameter writes.
 */
export function matchCatalog(
  catalog: JavascriptCatalogIndex,
  node: TSESTree.CallExpression | TSESTree.NewExpression,
  callee: Node,
  context: ValueContext,
  owner: string,
): CatalogMatch | undefined {
  const shape = {
    qualifiedName: qualifiedNameOf(valueOf(callee, context)),
    methodName: callee.type === T.MemberExpression ? propertyName(callee) : undefined,
    isNew: node.type === T.NewExpression,
  };
  for (const entry of catalog.candidatesFor(shape)) {
    if (!entry.when) return { entry };
    for (const condition of entry.when) {
      const result = conditionHolds(condition, node.arguments, context, owner);
      if (result === true) return { entry };
      if (typeof result === 'number' && entry.kind === 'env.write') return { entry, param: result };
    }
  }
  return undefined;
}

/** True when the condition holds; a parameter index when the argument is a parameter that might be the value. */
function conditionHolds(condition: ArgCondition, args: readonly TSESTree.CallExpressionArgument[], context: ValueContext, owner: string): boolean | number {
  const arg = args[condition.arg];
  if (!arg || arg.type === T.SpreadElement) return false;
  let target: Node = unwrap(arg);
  if (condition.property !== undefined) {
    if (target.type !== T.ObjectExpression) return false;
    const property = target.properties.find(
      (candidate): candidate is TSESTree.Property => candidate.type === T.Property && keyName(candidate.key, candidate.computed) === condition.property,
    );
    if (!property) return false;
    target = unwrap(property.value);
  }
  if (condition.is === undefined) return true;
  const value = valueOf(target, context);
  const isFunction = isFunctionNode(target) || value.kind === 'function';
  if (condition.is === 'function') return isFunction;
  if (condition.is === 'non-function') return !isFunction;
  if (qualifiedNameOf(value) === condition.is) return true;
  return value.kind === 'param' && value.owner === owner ? value.index : false;
}

/**
 * The module a Worker runs: `'./worker.js'`, `new URL('./worker.js', import.meta.url)`,
 * `path.join(__dirname, 'worker.js')`, or this very file (`__filename`, `import.meta.url`).
 */
export function scriptBody(node: Node, context: ValueContext): BodyRef | undefined {
  const expression = unwrap(node);
  const isUnbound = (name: string): boolean => context.scope.lookup(name) === undefined;
  if ((expression.type === T.Identifier && expression.name === '__filename' && isUnbound('__filename')) || isImportMetaUrl(expression)) {
    return { local: moduleFunctionKey };
  }
  let specifier = staticString(expression);
  if (specifier === undefined && expression.type === T.NewExpression && expression.callee.type === T.Identifier && expression.callee.name === 'URL') {
    const [relative, base] = expression.arguments;
    if (relative && base && isImportMetaUrl(unwrap(base))) specifier = staticString(relative);
  }
  if (specifier === undefined && expression.type === T.CallExpression) {
    const [directory, ...parts] = expression.arguments;
    const builder = qualifiedNameOf(valueOf(expression.callee, context));
    const segments = parts.map((part) => staticString(part));
    if (
      builder !== undefined && scriptPathBuilders.has(builder) &&
      directory?.type === T.Identifier && directory.name === '__dirname' && isUnbound('__dirname') &&
      segments.every((segment) => segment !== undefined)
    ) {
      specifier = `./${segments.join('/').replace(/^\.\//, '')}`;
    }
  }
  if (specifier === undefined || !isPathSpecifier(specifier)) return undefined;
  return { callee: { name: moduleFunctionKey, path: [specifier, moduleFunctionKey] } };
}
