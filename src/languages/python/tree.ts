import type { Span } from '../../facts/types.ts';
import type { Tree } from '../../parse/treeSitter.ts';
import { CursorNames, SourceText } from '../../parse/treeCopy.ts';
import { spanFromTreeSitter, type TreeSitterPoint } from '../../positions.ts';

/**
 * The syntax tree copied once out of tree-sitter into plain objects. Every property read on the
 * binding's nodes is a native call (and every node it hands out is registered in a native cache),
 * so walking binding nodes cost three times the parse; one cursor pass is far cheaper.
 *
 * The copy keeps named nodes (plus anonymous tokens held in a field, such as an `operator`), with
 * the same method names as tree-sitter's nodes. It leaves out comments and the insides of plain
 * string literals (only an f-string's interpolations can contain code).
 */
export class PyNode {
  readonly namedChildren: PyNode[] = [];
  /** Anonymous tokens in a field (`operator: '|='`): their `type` is the token. */
  private tokens?: PyNode[];

  constructor(
    readonly type: string,
    readonly field: string | undefined,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly source: SourceText,
  ) {}

  /** Rows and columns are computed for the few nodes that end up in a span or a key. */
  get startPosition(): TreeSitterPoint {
    return this.source.pointAt(this.startIndex);
  }

  get endPosition(): TreeSitterPoint {
    return this.source.pointAt(this.endIndex);
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(index: number): PyNode | null {
    return this.namedChildren[index] ?? null;
  }

  childForFieldName(name: string): PyNode | null {
    return this.namedChildren.find((child) => child.field === name) ?? this.tokens?.find((token) => token.field === name) ?? null;
  }

  childrenForFieldName(name: string): PyNode[] {
    return this.namedChildren.filter((child) => child.field === name);
  }

  addToken(token: PyNode): void {
    (this.tokens ??= []).push(token);
  }
}

export function spanOf(node: PyNode): Span {
  return spanFromTreeSitter(node.startPosition, node.endPosition);
}

/** Type and field names of this grammar's ids. */
const names = new CursorNames();

const PLAIN_STRING_PREFIX = /^[rRbBuU]*["']/;

/** Nodes whose anonymous operator token the walk reads (`x |= y`, `a and b`); other punctuation is not copied. */
const OPERATOR_PARENTS: ReadonlySet<string> = new Set(['augmented_assignment', 'boolean_operator']);

/** Copies `tree` (parsed from `source`) without recursion, so that deeply nested code cannot overflow the stack. */
export function copyTree(tree: Tree, source: string): PyNode {
  const text = new SourceText(source);
  const cursor = tree.walk();
  const root = new PyNode(names.typeOf(cursor), undefined, cursor.startIndex, cursor.endIndex, text);
  const stack: PyNode[] = [root];
  if (!cursor.gotoFirstChild()) return root;
  for (;;) {
    const parent = stack[stack.length - 1]!;
    let descend: PyNode | undefined;
    const typeId = names.typeIdOf(cursor);
    if (names.isNamed(typeId)) {
      const type = names.typeName(typeId);
      if (type !== 'comment') {
        const node = new PyNode(type, names.fieldOf(cursor), cursor.startIndex, cursor.endIndex, text);
        parent.namedChildren.push(node);
        if (type !== 'string' || !PLAIN_STRING_PREFIX.test(source.slice(node.startIndex, node.startIndex + 4))) descend = node;
      }
    } else if (OPERATOR_PARENTS.has(parent.type)) {
      const field = names.fieldOf(cursor);
      if (field) parent.addToken(new PyNode(names.typeName(typeId), field, cursor.startIndex, cursor.endIndex, text));
    }
    if (descend && cursor.gotoFirstChild()) {
      stack.push(descend);
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      cursor.gotoParent();
      stack.pop();
      if (stack.length === 0) return root;
    }
  }
}
