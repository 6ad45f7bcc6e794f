import type { FileFacts } from '../../facts/types.ts';
import { parseSource, syntaxDiagnostics } from '../../parse/treeSitter.ts';
import type { LanguageAdapter } from '../types.ts';
import { FileState } from './fileState.ts';
import { walkModule } from './items.ts';
import { Scope } from './scope.ts';
import { copyTree } from './syntax.ts';

/**
 * Rust: one walk over the tree-sitter tree turns every `fn` (free, `impl`, trait default, nested)
 * and every spawned closure into a FunctionFact, with call paths expanded through the file's `use`
 * declarations so that catalog names (`std::env::set_var`) and crate paths match.
 */
export const rustAdapter: LanguageAdapter = {
  language: 'rust',
  extensions: ['.rs'],
  extract(source, catalog): FileFacts {
    const tree = parseSource('rust', source);
    const diagnostics = syntaxDiagnostics(tree);
    const root = copyTree(tree, source);
    const state = new FileState(catalog);
    walkModule(root, Scope.module([], true), state);
    return {
      language: 'rust',
      functions: state.finish(),
      imports: state.imports,
      ...(state.exports.length > 0 ? { exports: state.exports } : {}),
      diagnostics,
    };
  },
};
