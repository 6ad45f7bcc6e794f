import { parse, type TSESTree } from '@typescript-eslint/typescript-estree';
import type { Diagnostic } from '../../facts/types.ts';

export type ParseOutcome = { program: TSESTree.Program } | { diagnostic: Diagnostic };

/** Extensions whose files may hold JSX, or may not: plain `.js` files are tried both ways. */
const jsxOnly = new Set(['.jsx', '.tsx']);
const jsxNever = new Set(['.ts', '.mts', '.cts']);

/**
 * Parses one file in the dialect its extension implies. typescript-estree throws on syntax errors;
 * the error becomes a diagnostic (the file then yields no facts).
 */
export function parseJavascript(source: string, extension: string): ParseOutcome {
  // The parser accepts `#!` only at offset 0; Node strips a byte-order mark before it. Dropping the
  // mark shifts nothing that matters: the rest of that first line is the shebang.
  const text = source.startsWith('\uFEFF#!') ? source.slice(1) : source;
  const dialects = jsxOnly.has(extension) ? [true] : jsxNever.has(extension) ? [false] : [true, false];
  let firstError: unknown;
  for (const jsx of dialects) {
    try {
      return { program: parse(text, { loc: true, range: true, jsx, comment: false }) };
    } catch (error) {
      firstError ??= error;
    }
  }
  return { diagnostic: diagnosticOf(firstError) };
}

interface ParserError {
  message?: unknown;
  location?: { start: { line: number; column: number }; end: { line: number; column: number } };
  lineNumber?: unknown;
  column?: unknown;
}

function diagnosticOf(error: unknown): Diagnostic {
  const parserError = (typeof error === 'object' && error !== null ? error : {}) as ParserError;
  const text = typeof parserError.message === 'string' ? parserError.message : String(error);
  const firstLine = text.split('\n')[0]!.trim();
  const location = parserError.location;
  const line = location ? location.start.line - 1 : typeof parserError.lineNumber === 'number' ? parserError.lineNumber - 1 : 0;
  const column = location ? location.start.column : typeof parserError.column === 'number' ? parserError.column : 0;
  const endLine = location ? location.end.line - 1 : line;
  const endColumn = location ? location.end.column : column;
  return { message: `syntax error: ${firstLine.replace(/\.$/, '')}`, span: { line, column, endLine, endColumn } };
}
