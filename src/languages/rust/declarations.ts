import { spanOf, type RustNode } from './syntax.ts';
import { isPlainPub, isTestOnly, stringLiteralValue } from './attributes.ts';
import type { FileState } from './fileState.ts';
import { flattenUseTree, normalizeUsePath, type UseLeaf } from './paths.ts';
import type { Scope } from './scope.ts';

/**
 * Declarations that are visible in their whole block or module, whatever their position: `use`,
 * `extern crate`, string constants and `fn` items. Read from the direct children of a module or
 * block before its statements are walked (no deeper look-ups).
 */
export function declareScopeItems(
  container: RustNode,
  scope: Scope,
  state: FileState,
  options: { keyPrefix: string; fileModule: boolean },
): void {
  for (const child of container.namedChildren) {
    if (isTestOnly(child)) continue;
    switch (child.type) {
      case 'use_declaration':
        declareUse(child, scope, state, options.fileModule && isPlainPub(child));
        break;
      case 'extern_crate_declaration':
        declareExternCrate(child, scope, state);
        break;
      case 'const_item':
      case 'static_item': {
        const name = child.childForFieldName('name')?.text;
        const value = child.childForFieldName('value');
        const text = value ? stringLiteralValue(value) : undefined;
        if (name && text !== undefined) scope.addConstant(name, text);
        break;
      }
      case 'foreign_mod_item':
        declareForeignFunctions(child, scope);
        break;
      case 'macro_invocation':
        declareScopeItems(child, scope, state, options);
        break;
      case 'function_item': {
        const name = child.childForFieldName('name')?.text;
        if (!name) break;
        const key = state.planKey(child, options.keyPrefix ? `${options.keyPrefix}::${name}` : name);
        scope.addItem(name, key);
        break;
      }
    }
  }
}

function declareUse(node: RustNode, scope: Scope, state: FileState, reexported: boolean): void {
  const argument = node.childForFieldName('argument');
  if (!argument) return;
  const leaves: UseLeaf[] = [];
  flattenUseTree(argument, [], leaves);
  for (const leaf of leaves) {
    const path = normalizeUsePath(leaf.path, scope);
    const span = spanOf(leaf.node);
    if (leaf.glob) {
      scope.addGlob(path);
      state.imports.push({ kind: 'use', local: '*', source: path.join('::'), imported: '*', span });
      if (reexported) state.exports.push({ exported: '*', local: '*' });
      continue;
    }
    if (path.length === 0) continue;
    if (leaf.local === '_') scope.addAnonymousUse(path);
    else scope.addUse(leaf.local, path);
    const [source, imported] = path.length > 1 ? [path.slice(0, -1).join('::'), path[path.length - 1]!] : [path[0]!, 'self'];
    state.imports.push({ kind: 'use', local: leaf.local, source, imported, span });
    if (reexported && leaf.local !== '_') state.exports.push({ exported: leaf.local, local: leaf.local });
  }
}

/**
 * `extern "C" { fn setenv(..); }` declares the C library's own symbol: calls of it are the `libc::`
 * binding of the same name.
 */
function declareForeignFunctions(node: RustNode, scope: Scope): void {
  for (const item of node.childForFieldName('body')?.namedChildren ?? []) {
    const name = item.type === 'function_signature_item' ? item.childForFieldName('name')?.text : undefined;
    if (name) scope.addUse(name, ['libc', name]);
  }
}

/** `extern crate foo as bar;` binds `bar` to the crate `foo` (Rust 2015 style). */
function declareExternCrate(node: RustNode, scope: Scope, state: FileState): void {
  const name = node.childForFieldName('name')?.text;
  if (!name || name === 'self') return;
  const local = node.childForFieldName('alias')?.text ?? name;
  scope.addUse(local, [name]);
  state.imports.push({ kind: 'use', local, source: name, imported: 'self', span: spanOf(node) });
}
