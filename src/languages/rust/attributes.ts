import type { FunctionFact } from '../../facts/types.ts';
import { spanOf, type RustNode } from './syntax.ts';
import type { RustCatalogIndex } from './catalogIndex.ts';
import { expandPath, pathSegments } from './paths.ts';
import type { Scope } from './scope.ts';

/** An outer attribute `#[path(args)]` / `#[path = value]` of an item. */
interface Attribute {
  node: RustNode;
  path: string[];
  arguments?: RustNode;
  value?: RustNode;
}

/**
 * tokio's attribute runs main on the current thread only with this argument; any other flavor
 * (and the default for `#[tokio::main]`) starts worker threads.
 */
const SINGLE_THREADED_FLAVOR = /\bflavor\s*=\s*"current_thread"/;

/** Attributes are the item's preceding siblings (comments may sit between them). */
export function attributesOf(item: RustNode): Attribute[] {
  const out: Attribute[] = [];
  for (let sibling = item.previousNamedSibling; sibling; sibling = sibling.previousNamedSibling) {
    if (sibling.type === 'line_comment' || sibling.type === 'block_comment') continue;
    if (sibling.type !== 'attribute_item') break;
    const attribute = sibling.namedChildren.find((child) => child.type === 'attribute');
    const path = attribute ? pathSegments(attribute.namedChildren[0]) : undefined;
    if (!attribute || !path) continue;
    out.push({
      node: sibling,
      path,
      arguments: attribute.childForFieldName('arguments') ?? undefined,
      value: attribute.childForFieldName('value') ?? undefined,
    });
  }
  return out.reverse();
}

/** `#[tokio::main]`-style attributes that run the whole function inside a multi-threaded runtime. */
export function runtimeOf(attributes: readonly Attribute[], index: RustCatalogIndex, scope: Scope): FunctionFact['runtime'] {
  for (const attribute of attributes) {
    const entry = index.attributes.get(expandPath(attribute.path, { scope }).join('::'));
    if (!entry || entry.kind !== 'runtime') continue;
    if (attribute.arguments && SINGLE_THREADED_FLAVOR.test(attribute.arguments.text)) continue;
    return { api: entry.id, span: spanOf(attribute.node) };
  }
  return undefined;
}

/**
 * A function exported under a libc symbol name: `#[no_mangle]` (or `#[unsafe(no_mangle)]`, Rust
 * 2024) on an `extern "C" fn malloc`, or `#[export_name = "malloc"]`.
 */
export function interpositionOf(
  item: RustNode,
  name: string,
  attributes: readonly Attribute[],
  index: RustCatalogIndex,
): FunctionFact['interposes'] {
  let symbol: string | undefined;
  for (const attribute of attributes) {
    const [head] = attribute.path;
    if (head === 'no_mangle' || (head === 'unsafe' && /\bno_mangle\b/.test(attribute.arguments?.text ?? ''))) symbol = name;
    if (head === 'export_name' && attribute.value) symbol = stringLiteralValue(attribute.value);
    if (head === 'unsafe' && attribute.arguments) {
      const exported = /\bexport_name\s*=\s*"([^"]*)"/.exec(attribute.arguments.text);
      if (exported) symbol = exported[1];
    }
  }
  if (symbol === undefined || !hasExternAbi(item)) return undefined;
  const entry = index.interposable.get(symbol);
  return entry ? { symbol, api: entry.id } : undefined;
}

function hasExternAbi(item: RustNode): boolean {
  const modifiers = item.namedChildren.find((child) => child.type === 'function_modifiers');
  return modifiers?.namedChildren.some((child) => child.type === 'extern_modifier') ?? false;
}

/**
 * Test-only code: `#[cfg(test)]` items and `#[test]` / `#[tokio::test]` functions are compiled only
 * into test binaries, never into the program (nor into a dependency's build), so they are skipped.
 */
export function isTestOnly(item: RustNode): boolean {
  return attributesOf(item).some(
    (attribute) =>
      attribute.path[attribute.path.length - 1] === 'test' ||
      (attribute.path.length === 1 && attribute.path[0] === 'cfg' && /^\(\s*(all\(\s*)?test\b/.test(attribute.arguments?.text ?? '')),
  );
}

/** Only plain `pub` makes an item visible outside its crate (`pub(crate)`, `pub(super)` do not). */
export function isPlainPub(item: RustNode): boolean {
  const visibility = item.namedChildren.find((child) => child.type === 'visibility_modifier');
  return visibility?.text === 'pub';
}

/** The text of a string literal (`"A"`, `r"A"`, `c"A"`, `b"A\0"`), without a trailing NUL. */
export function stringLiteralValue(node: RustNode): string | undefined {
  if (node.type !== 'string_literal' && node.type !== 'raw_string_literal') return undefined;
  const content = node.namedChildren.filter((child) => child.type === 'string_content' || child.type === 'escape_sequence');
  const text = content.map((part) => part.text).join('');
  return text.replace(/\\0$/, '');
}
