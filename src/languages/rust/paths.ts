import type { RustNode } from './syntax.ts';
import type { Scope } from './scope.ts';

/**
 * Rust paths as segment lists. A leading `::` (extern-crate-absolute path) is kept as an empty
 * first segment until expansion drops it.
 */
export function pathSegments(node: RustNode | null | undefined): string[] | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'identifier':
    case 'type_identifier':
    case 'self':
    case 'crate':
    case 'super':
      return [node.text];
    case 'scoped_identifier':
    case 'scoped_type_identifier': {
      const name = node.childForFieldName('name');
      if (!name) return undefined;
      const path = node.childForFieldName('path');
      const prefix = path ? pathSegments(path) : [''];
      return prefix ? [...prefix, name.text] : undefined;
    }
    case 'generic_type':
      return pathSegments(node.childForFieldName('type'));
    case 'generic_function':
      return pathSegments(node.childForFieldName('function'));
    case 'bracketed_type': {
      // `<T as Trait>::f` names the trait's function; `<T>::f` the type's.
      const inner = node.namedChildren[0];
      if (inner?.type === 'qualified_type') return pathSegments(inner.childForFieldName('alias'));
      return pathSegments(inner);
    }
    default:
      return undefined;
  }
}

/** One binding made by a `use` declaration. */
export interface UseLeaf {
  /** Name visible in the scope (`_` for `use Trait as _`, `*` for globs). */
  local: string;
  /** Full path as written, before normalization. */
  path: string[];
  glob: boolean;
  node: RustNode;
}

/** Flattens a use tree: `use std::{env, thread::{self, spawn as sp}}` gives three leaves. */
export function flattenUseTree(node: RustNode, prefix: readonly string[], out: UseLeaf[]): void {
  switch (node.type) {
    case 'use_list':
      for (const child of node.namedChildren) flattenUseTree(child, prefix, out);
      return;
    case 'scoped_use_list': {
      const path = node.childForFieldName('path');
      const list = node.childForFieldName('list');
      const inner = path ? pathSegments(path) : [''];
      if (inner && list) flattenUseTree(list, [...prefix, ...inner], out);
      return;
    }
    case 'use_wildcard': {
      const path = node.namedChildren[0];
      const inner = path ? pathSegments(path) : [];
      if (inner) out.push({ local: '*', path: [...prefix, ...inner], glob: true, node });
      return;
    }
    case 'use_as_clause': {
      const path = node.childForFieldName('path');
      const alias = node.childForFieldName('alias');
      const full = useLeafPath(path, prefix);
      if (full && alias) out.push({ local: alias.text, path: full, glob: false, node });
      return;
    }
    default: {
      const full = useLeafPath(node, prefix);
      if (full && full.length > 0) out.push({ local: full[full.length - 1]!, path: full, glob: false, node });
    }
  }
}

/** `self` in a use list names the list's own prefix (`thread::{self}` is `thread`). */
function useLeafPath(node: RustNode | null, prefix: readonly string[]): string[] | undefined {
  if (!node) return undefined;
  if (node.type === 'self' && prefix.length > 0) return [...prefix];
  const segments = pathSegments(node);
  return segments ? [...prefix, ...segments] : undefined;
}

export interface ExpansionContext {
  scope: Scope;
  /** The `impl` type or trait, for `Self::f`. */
  container?: string;
}

/**
 * Expands a path written in the source through the `use` declarations in scope, so that catalog
 * names and cross-file references can be matched: `env::set_var` with `use std::env;` becomes
 * `std::env::set_var`. `self::`/`super::` become relative to the FILE's module (inline modules are
 * folded in), so the linker never needs to know about inline modules.
 */
export function expandPath(segments: readonly string[], context: ExpansionContext): string[] {
  const [first, ...rest] = segments;
  if (first === undefined) return [];
  if (first === '') return rest;
  if (first === 'crate') return [...segments];
  if (first === 'self' || first === 'super') return relativeToFile(segments, context.scope);
  if (first === 'Self') return context.container ? [context.container, ...rest] : [...segments];
  const imported = context.scope.lookupUse(first);
  return imported ? [...imported, ...rest] : [...segments];
}

/**
 * `self::x` / `super::x` written inside inline modules, rewritten relative to the file's module:
 * inside `mod a { mod b { .. } }`, `super::f` is `self::a::f`.
 */
export function relativeToFile(segments: readonly string[], scope: Scope): string[] {
  const modulePath = scope.module.path;
  let index = segments[0] === 'self' ? 1 : 0;
  let ups = 0;
  while (segments[index] === 'super') {
    ups += 1;
    index += 1;
  }
  const rest = segments.slice(index);
  if (rest.length > 0) {
    // `self::openssl::ssl` (Rust 2015, `openssl` an `extern crate` of this module) or
    // `super::env::set_var` (`env` a `use` of the parent module).
    const imported = scope.ancestorModule(ups)?.lookupUse(rest[0]!);
    if (imported) return [...imported, ...rest.slice(1)];
  }
  if (ups <= modulePath.length) return ['self', ...modulePath.slice(0, modulePath.length - ups), ...rest];
  return [...Array.from({ length: ups - modulePath.length }, () => 'super'), ...rest];
}

/**
 * Normalizes a `use` path: relative prefixes become file-relative, and (Rust 2018 uniform paths)
 * a first segment that an earlier `use` of the same scope imported is expanded
 * (`use std::thread; use thread::spawn;`).
 */
export function normalizeUsePath(path: readonly string[], scope: Scope): string[] {
  const first = path[0];
  if (first === '') return path.slice(1);
  if (first === 'self' || first === 'super') return relativeToFile(path, scope);
  if (first === 'crate' || first === undefined || path.length === 1) return [...path];
  const imported = scope.lookupUse(first);
  return imported && imported.join('::') !== first ? [...imported, ...path.slice(1)] : [...path];
}
