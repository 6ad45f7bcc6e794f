import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import Python from 'tree-sitter-python';
import Rust from 'tree-sitter-rust';
import type { Diagnostic, Span } from '../facts/types.ts';
import { spanFromTreeSitter } from '../positions.ts';

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;

const grammars = { c: C, python: Python, rust: Rust } as const;
export type TreeSitterLanguage = keyof typeof grammars;

const parsers = new Map<TreeSitterLanguage, Parser>();

function parserFor(language: TreeSitterLanguage): Parser {
  let parser = parsers.get(language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(grammars[language] as Parser.Language);
    parsers.set(language, parser);
  }
  return parser;
}

/** Parsers are reused per language; a tree must not be kept once its facts are extracted. */
export function parseSource(language: TreeSitterLanguage, source: string): Tree {
  // The callback form avoids the binding's copy of very large strings in one piece.
  const chunk = 1 << 16;
  return parserFor(language).parse((index: number) => (index < source.length ? source.slice(index, index + chunk) : null));
}

export function spanOf(node: SyntaxNode): Span {
  return spanFromTreeSitter(node.startPosition, node.endPosition);
}

/** Syntax errors as one-line diagnostics (the first few; facts still come from what parsed). */
export function syntaxDiagnostics(tree: Tree, limit = 3): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!tree.rootNode.hasError) return out;
  const visit = (node: SyntaxNode): void => {
    if (out.length >= limit) return;
    if (node.isMissing) {
      out.push({ message: `syntax error: missing '${node.type}'`, span: spanOf(node) });
      return;
    }
    if (node.type === 'ERROR') {
      const text = node.text.split('\n')[0]!.slice(0, 40);
      out.push({ message: `syntax error: unexpected '${text}'`, span: spanOf(node) });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  return out;
}
