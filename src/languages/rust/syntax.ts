import type { Span } from '../../facts/types.ts';
import { parseSource, type Tree } from '../../parse/treeSitter.ts';
import { spanFromTreeSitter, type TreeSitterPoint } from '../../positions.ts';
import { CursorNames, SourceText, type TreeCursor } from '../../parse/treeCopy.ts';
import { isTestOnly } from './attributes.ts';

/**
 * A plain-JS copy of the syntax tree, built in one cursor pass. Every property access on a native
 * tree-sitter node crosses into the binding (and `namedChildren`/`parent` allocate wrappers), which
 * made the walk several times slower than parsing; this copy makes those accesses free. Only named
 * nodes and field-labelled tokens (a binary expression's `operator`) are kept.
 */
export class RustNode {
  readonly namedChildren: RustNode[] = [];
  parent: RustNode | null = null;
  private fields: Map<string, RustNode> | undefined;
  private namedIndex = -1;

  constructor(
    readonly id: number,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly file: SourceText,
  ) {}

  get text(): string {
    return this.file.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): TreeSitterPoint {
    return this.file.pointAt(this.startIndex);
  }

  get endPosition(): TreeSitterPoint {
    return this.file.pointAt(this.endIndex);
  }

  childForFieldName(name: string): RustNode | null {
    return this.fields?.get(name) ?? null;
  }

  get firstNamedChild(): RustNode | null {
    return this.namedChildren[0] ?? null;
  }

  get lastNamedChild(): RustNode | null {
    return this.namedChildren[this.namedChildren.length - 1] ?? null;
  }

  get previousNamedSibling(): RustNode | null {
    return this.parent && this.namedIndex > 0 ? this.parent.namedChildren[this.namedIndex - 1]! : null;
  }

  /** Attaches a child; `named` children are listed, field-labelled ones are also found by field. */
  adopt(child: RustNode, named: boolean, field: string | undefined): void {
    child.parent = this;
    if (named) {
      child.namedIndex = this.namedChildren.length;
      this.namedChildren.push(child);
    }
    if (field !== undefined) {
      this.fields ??= new Map();
      if (!this.fields.has(field)) this.fields.set(field, child);
    }
  }
}

/**
 * Nodes whose insides no fact needs: comments, macro token trees (also attribute arguments, read
 * as text), type parameters and bounds, struct and enum bodies. Their subtrees are a third of a
 * typical crate's nodes, so they are kept as leaves (their text is still available).
 */
const LEAF_COPIES = new Set([
  'line_comment',
  'block_comment',
  'token_tree',
  'macro_definition',
  'type_arguments',
  'type_parameters',
  'where_clause',
  'trait_bounds',
  'field_declaration_list',
  'ordered_field_declaration_list',
  'enum_variant_list',
]);

/**
 * The only nodes with field-labelled anonymous children (tree-sitter-rust's node-types.json): other
 * punctuation is skipped without asking the cursor for its field.
 */
const TOKEN_FIELD_PARENTS = new Set(['binary_expression', 'compound_assignment_expr', 'closure_expression']);

/** Where a macro body is re-parsed, and which node of the wrapper holds the parsed body. */
interface MacroWrapper {
  prefix: string;
  suffix: string;
  /** Node types from the wrapper's root down to the node whose children are the macro's contents. */
  path: readonly string[];
}

/**
 * Macro bodies are token trees to tree-sitter. Most are ordinary code (`cfg_rt! { items }`,
 * `vec![spawn(..)]`, `println!("{}", env::var("A")?)`), so they are parsed again: braces at item
 * level as items, braces in a body as statements, parentheses/brackets as a list of expressions.
 * What does not parse (custom syntax such as `select!`) yields only what tree-sitter recovers.
 */
const ITEMS: MacroWrapper = { prefix: '', suffix: '', path: [] };
const STATEMENTS: MacroWrapper = { prefix: 'fn m() {', suffix: '\n}', path: ['function_item', 'block'] };
const EXPRESSIONS: MacroWrapper = { prefix: 'fn m() { [', suffix: '\n]; }', path: ['function_item', 'block', 'expression_statement', 'array_expression'] };

/** Copies parsed trees into RustNodes, expanding macro bodies on the way. */
class TreeCopier {
  private nextId = 0;

  constructor(private readonly file: SourceText) {}

  copy(tree: Tree): RustNode {
    const cursor = tree.walk();
    const root = this.make(cursor, 0);
    this.copyChildren(cursor, root, 0);
    return root;
  }

  private make(cursor: TreeCursor, offset: number, type = names.typeOf(cursor)): RustNode {
    return new RustNode(this.nextId++, type, cursor.startIndex + offset, cursor.endIndex + offset, this.file);
  }

  /** Copies the children of the cursor's node under `parent`; `offset` maps re-parsed text back into the file. */
  private copyChildren(cursor: TreeCursor, parent: RustNode, offset: number): void {
    if (!cursor.gotoFirstChild()) return;
    const tokenFields = TOKEN_FIELD_PARENTS.has(parent.type);
    do {
      const typeId = names.typeIdOf(cursor);
      const named = names.isNamed(typeId);
      if (!named && !tokenFields) continue;
      const field = names.fieldOf(cursor);
      if (!named && field === undefined) continue;
      const node = this.make(cursor, offset, names.typeName(typeId));
      parent.adopt(node, named, field);
      if (!named || LEAF_COPIES.has(node.type) || isOpaqueInitializer(parent, field, node) || isTestOnlyItem(node)) continue;
      this.copyChildren(cursor, node, offset);
      if (node.type === 'macro_invocation') this.expandMacro(node, parent);
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }

  private expandMacro(invocation: RustNode, parent: RustNode): void {
    const tokens = invocation.namedChildren.find((child) => child.type === 'token_tree');
    if (!tokens || tokens.endIndex - tokens.startIndex < 3) return;
    const text = tokens.text;
    const wrapper = text[0] !== '{' ? EXPRESSIONS : parent.type === 'source_file' || parent.type === 'declaration_list' ? ITEMS : STATEMENTS;
    const body = text.slice(1, -1);
    const tree = parseSource('rust', `${wrapper.prefix}${body}${wrapper.suffix}`);
    const cursor = tree.walk();
    for (const type of wrapper.path) {
      if (!gotoNamedChild(cursor, type)) return;
    }
    this.copyChildren(cursor, invocation, tokens.startIndex + 1 - wrapper.prefix.length);
  }
}

/**
 * A `static`/`const` initializer other than a string literal (whose value names a variable) is not
 * walked, and may be a table of thousands of literals.
 */
function isOpaqueInitializer(parent: RustNode, field: string | undefined, node: RustNode): boolean {
  return field === 'value' && (parent.type === 'static_item' || parent.type === 'const_item') && node.type !== 'string_literal' && node.type !== 'raw_string_literal';
}

/**
 * Items the extractors skip when they are test-only (`#[cfg(test)] mod tests { .. }`, a `#[test]`
 * function): their insides are not copied. Often a third of a crate file.
 */
const TEST_GATED_ITEMS = new Set(['mod_item', 'function_item', 'impl_item', 'trait_item']);

function isTestOnlyItem(node: RustNode): boolean {
  return TEST_GATED_ITEMS.has(node.type) && node.previousNamedSibling?.type === 'attribute_item' && isTestOnly(node);
}

/** Type and field names of this grammar's ids. */
const names = new CursorNames();

function gotoNamedChild(cursor: TreeCursor, type: string): boolean {
  if (!cursor.gotoFirstChild()) return false;
  do {
    if (cursor.nodeType === type) return true;
  } while (cursor.gotoNextSibling());
  return false;
}

/** Copies a parsed tree (expanding macro bodies); the native trees can be dropped right after. */
export function copyTree(tree: Tree, source: string): RustNode {
  return new TreeCopier(new SourceText(source)).copy(tree);
}

export function spanOf(node: RustNode): Span {
  return spanFromTreeSitter(node.startPosition, node.endPosition);
}
