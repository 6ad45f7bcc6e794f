import type { FunctionFact } from '../../facts/types.ts';
import { spanOf, type RustNode } from './syntax.ts';
import { attributesOf, interpositionOf, isPlainPub, isTestOnly, runtimeOf } from './attributes.ts';
import { typeOrigin, walkBody } from './body.ts';
import { declareScopeItems } from './declarations.ts';
import { FunctionBuilder, type FileState } from './fileState.ts';
import { patternNames } from './handles.ts';
import { pathSegments } from './paths.ts';
import { Scope } from './scope.ts';

/** Who owns a `fn` item: a module, an `impl`/`trait` block, or another function. */
export interface FunctionOwner {
  state: FileState;
  /** The module or block scope the item is declared in. */
  scope: Scope;
  /** Enclosing function, for `fn` items nested in a body (key `outer::inner`). */
  parent?: FunctionFact;
  /** `impl Type` / `impl Trait for Type` → `Type`; `trait Trait` → `Trait`. */
  container?: string;
  /** Methods of `impl Trait for Type` and trait default methods are as visible as the trait itself. */
  visibleThroughTrait?: boolean;
}

/** Walks a file (or an inline module's body): declarations first, then every item. */
export function walkModule(container: RustNode, scope: Scope, state: FileState): void {
  declareScopeItems(container, scope, state, { keyPrefix: scope.module.path.join('::'), fileModule: scope.module.path.length === 0 });
  for (const child of container.namedChildren) walkItem(child, state, scope);
}

/** `impl`, `trait` or `mod` blocks written inside a function body. */
export function walkNestedItem(node: RustNode, state: FileState, scope: Scope): void {
  walkItem(node, state, scope);
}

function walkItem(node: RustNode, state: FileState, scope: Scope): void {
  if (isTestOnly(node)) return;
  switch (node.type) {
    case 'function_item':
      defineFunction(node, { state, scope });
      return;
    case 'impl_item': {
      const container = implTypeName(node.childForFieldName('type'));
      const isTraitImpl = node.childForFieldName('trait') !== null;
      for (const item of node.childForFieldName('body')?.namedChildren ?? []) {
        if (item.type !== 'function_item') continue;
        defineFunction(item, { state, scope, ...(container ? { container } : {}), ...(isTraitImpl ? { visibleThroughTrait: true } : {}) });
      }
      return;
    }
    case 'trait_item': {
      const container = node.childForFieldName('name')?.text;
      const visible = isPlainPub(node);
      for (const item of node.childForFieldName('body')?.namedChildren ?? []) {
        if (item.type === 'function_item') defineFunction(item, { state, scope, ...(container ? { container } : {}), visibleThroughTrait: visible });
      }
      return;
    }
    case 'mod_item':
      return walkModuleItem(node, state, scope);
    // `cfg_if! { .. }`, `cfg_rt! { .. }`: the items of the re-parsed body.
    case 'macro_invocation':
      for (const child of node.namedChildren) walkItem(child, state, scope);
      return;
    default:
      return;
  }
}

/** `mod a { .. }` is walked in place; `mod a;` names a file the linker finds. */
function walkModuleItem(node: RustNode, state: FileState, scope: Scope): void {
  const name = node.childForFieldName('name')?.text;
  if (!name) return;
  const modulePath = [...scope.module.path, name];
  const body = node.childForFieldName('body');
  if (!body) {
    state.imports.push({ kind: 'mod', local: name, source: modulePath.join('::'), imported: name, span: spanOf(node) });
    return;
  }
  walkModule(body, Scope.module(modulePath, scope.module.public && isPlainPub(node), scope), state);
}

/** `impl<T> Foo<T>`, `impl a::Foo`, `impl Trait for &Foo` → `Foo`. */
function implTypeName(type: RustNode | null): string | undefined {
  let node = type;
  while (node && (node.type === 'reference_type' || node.type === 'generic_type' || node.type === 'pointer_type')) {
    node = node.childForFieldName('type');
  }
  const segments = pathSegments(node);
  return segments?.[segments.length - 1];
}

export function defineFunction(node: RustNode, owner: FunctionOwner): void {
  const nameNode = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  if (!nameNode || !body || isTestOnly(node)) return;
  const { state, scope, parent, container } = owner;
  const name = nameNode.text;
  const qualifiedName = parent ? `${parent.qualifiedName}::${name}` : [...scope.module.path, ...(container ? [container] : []), name].join('::');
  const key = state.keyFor(node, parent ? `${parent.key}::${name}` : qualifiedName);
  const attributes = attributesOf(node);
  const exported = !parent && scope.module.public && (owner.visibleThroughTrait ?? isPlainPub(node));
  const isMain = !parent && !container && scope.module.path.length === 0 && name === 'main';
  const runtime = runtimeOf(attributes, state.index, scope);
  const interposes = interpositionOf(node, name, attributes, state.index);
  const parameters = node.childForFieldName('parameters');
  const builder = new FunctionBuilder({
    key,
    name,
    qualifiedName,
    ...(container ? { container } : {}),
    span: spanOf(node),
    nameSpan: spanOf(nameNode),
    exported,
    params: parameterNames(parameters),
    ...(isMain ? { entry: 'main' as const } : {}),
    ...(runtime ? { runtime } : {}),
    ...(interposes ? { interposes } : {}),
  });
  state.addFunction(builder);
  if (container && !parent) scope.module.associated.set(`${container}::${name}`, key);
  // A nested `fn` sees the items of the enclosing blocks but not their variables.
  const bodyScope = scope.child(parent !== undefined);
  for (const parameter of parameters?.namedChildren ?? []) {
    if (parameter.type !== 'parameter') continue;
    const origin = typeOrigin(parameter.childForFieldName('type'), { scope, ...(container ? { container } : {}) });
    for (const bound of patternNames(parameter.childForFieldName('pattern'))) bodyScope.define(bound, origin ? { origin } : {});
  }
  walkBody(body, { state, fn: builder, scope: bodyScope, loops: [], branches: [], ...(container ? { container } : {}) });
}

/** One name per parameter position (`self` included; a destructuring pattern is `_`). */
function parameterNames(parameters: RustNode | null): string[] {
  const out: string[] = [];
  for (const parameter of parameters?.namedChildren ?? []) {
    if (parameter.type === 'self_parameter') out.push('self');
    else if (parameter.type === 'parameter') {
      const pattern = parameter.childForFieldName('pattern');
      out.push(pattern?.type === 'identifier' ? pattern.text : '_');
    }
  }
  return out;
}
