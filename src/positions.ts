import type { Span } from './facts/types.ts';

/**
 * The one place where positions change representation. Facts use 0-based lines and 0-based
 * UTF-16 columns (tree-sitter's node binding and JS strings agree on that unit); SARIF and
 * humans use 1-based lines and columns.
 */

export interface TreeSitterPoint {
  row: number;
  column: number;
}

export function spanFromTreeSitter(start: TreeSitterPoint, end: TreeSitterPoint): Span {
  return { line: start.row, column: start.column, endLine: end.row, endColumn: end.column };
}

/** typescript-estree `loc`: 1-based lines, 0-based UTF-16 columns. */
export function spanFromEstree(loc: { start: { line: number; column: number }; end: { line: number; column: number } }): Span {
  return { line: loc.start.line - 1, column: loc.start.column, endLine: loc.end.line - 1, endColumn: loc.end.column };
}

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export function toSarifRegion(span: Span): SarifRegion {
  const region = {
    startLine: span.line + 1,
    startColumn: span.column + 1,
    endLine: span.endLine + 1,
    endColumn: span.endColumn + 1,
  };
  // SARIF forbids an end before the start; zero-width spans become one column wide.
  if (region.endLine === region.startLine && region.endColumn <= region.startColumn) region.endColumn = region.startColumn + 1;
  return region;
}

/** `12:5` style (1-based), for text output. */
export function displayLineColumn(span: Span): string {
  return `${span.line + 1}:${span.column + 1}`;
}

export function compareSpans(a: Span, b: Span): number {
  return a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn;
}
