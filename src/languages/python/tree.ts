import type { Span } from '../../facts/types.ts';
import type { Tree } from '../../parse/treeSitter.ts';
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

/** The source with its line starts, to turn string indices into (row, UTF-16 column) points. */
class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  pointAt(index: number): TreeSitterPoint {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return { row: low, column: index - this.lineStarts[low]! };
  }
}

type TreeCursor = ReturnType<Tree['walk']>;

const PLAIN_STRING_PREFIX = /^[rRbBuU]*["']/;

/** Nodes whose anonymous operator token the walk reads (`x |= y`, `a and b`); other punctuation is not copied. */
const OPERATOR_PARENTS: ReadonlySet<string> = new Set(['augmented_assignment', 'boolean_operator']);

/** Copies `tree` (parsed from `source`) without recursion, so that deeply nested code cannot overflow the stack. */
export function copyTree(tree: Tree, source: string): PyNode {
  const text = new SourceText(source);
  const cursor = tree.walk();
  const root = new PyNode(nodeTypeOf(cursor), undefined, cursor.startIndex, cursor.endIndex, text);
  const stack: PyNode[] = [root];
  if (!cursor.gotoFirstChild()) return root;
  for (;;) {
    const parent = stack[stack.length - 1]!;
    let descend: PyNode | undefined;
    if (cursor.nodeIsNamed) {
      const type = nodeTypeOf(cursor);
      if (type !== 'comment') {
        const node = new PyNode(type, fieldNameOf(cursor), cursor.startIndex, cursor.endIndex, text);
        parent.namedChildren.push(node);
        if (type !== 'string' || !PLAIN_STRING_PREFIX.test(source.slice(node.startIndex, node.startIndex + 4))) descend = node;
      }
    } else if (OPERATOR_PARENTS.has(parent.type)) {
      const field = fieldNameOf(cursor);
      if (field) parent.addToken(new PyNode(cursor.nodeType, field, cursor.startIndex, cursor.endIndex, text));
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

/**
 * Node type and field names by their numeric ids, read as strings once per id: the string getters
 * allocate a new string on every call, the id getters do not (the Python grammar's own tables).
 */
const NODE_TYPES: string[] = [];
const FIELD_NAMES: Array<string | undefined> = [];

function nodeTypeOf(cursor: TreeCursor): string {
  const id = cursor.nodeTypeId;
  return (NODE_TYPES[id] ??= cursor.nodeType);
}

function fieldNameOf(cursor: TreeCursor): string | undefined {
  const id = cursor.currentFieldId;
  if (id === 0) return undefined;
  return (FIELD_NAMES[id] ??= cursor.currentFieldName || undefined);
}
