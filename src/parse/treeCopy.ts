import type { TreeSitterPoint } from '../positions.ts';
import type { Tree } from './treeSitter.ts';

/** What the adapters copy plain-JS syntax trees out of tree-sitter with (src/languages/*). */
export type TreeCursor = ReturnType<Tree['walk']>;

/**
 * The source with its line starts: positions are computed from string indices only for the few
 * nodes that end up in a span or a key. Columns are UTF-16 code units, like the indices.
 */
export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) this.lineStarts.push(index + 1);
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

/**
 * Node type and field names by their numeric ids, read as strings once per id: the string getters
 * allocate a new string on every call, the id getters do not. Whether a type is named is a property
 * of its id too (an alias has its own id), so it is asked once per id as well: a copy then makes one
 * call into the binding per node to know what it is. One per grammar (ids are its own).
 */
export class CursorNames {
  private readonly types: string[] = [];
  private readonly named: boolean[] = [];
  private readonly fields: Array<string | undefined> = [];

  /** The id of the cursor's node type, its name and namedness remembered. */
  typeIdOf(cursor: TreeCursor): number {
    const id = cursor.nodeTypeId;
    if (this.types[id] === undefined) {
      this.types[id] = cursor.nodeType;
      this.named[id] = cursor.nodeIsNamed;
    }
    return id;
  }

  /** The name of a type id seen by `typeIdOf`. */
  typeName(id: number): string {
    return this.types[id]!;
  }

  /** Whether a type id seen by `typeIdOf` is a named node type. */
  isNamed(id: number): boolean {
    return this.named[id]!;
  }

  typeOf(cursor: TreeCursor): string {
    return this.typeName(this.typeIdOf(cursor));
  }

  fieldOf(cursor: TreeCursor): string | undefined {
    const id = cursor.currentFieldId;
    if (id === 0) return undefined;
    return (this.fields[id] ??= cursor.currentFieldName || undefined);
  }
}
