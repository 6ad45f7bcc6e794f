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
 * allocate a new string on every call, the id getters do not. One per grammar (ids are its own).
 */
export class CursorNames {
  private readonly types: string[] = [];
  private readonly fields: Array<string | undefined> = [];

  typeOf(cursor: TreeCursor): string {
    const id = cursor.nodeTypeId;
    return (this.types[id] ??= cursor.nodeType);
  }

  fieldOf(cursor: TreeCursor): string | undefined {
    const id = cursor.currentFieldId;
    if (id === 0) return undefined;
    return (this.fields[id] ??= cursor.currentFieldName || undefined);
  }
}
