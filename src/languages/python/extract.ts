import type { Catalog } from '../../catalog/types.ts';
import type { FileFacts } from '../../facts/types.ts';
import { parseSource, syntaxDiagnostics } from '../../parse/treeSitter.ts';
import type { LanguageAdapter } from '../types.ts';
import { indexCatalog } from './catalogIndex.ts';
import { copyTree } from './tree.ts';
import { FileWalker } from './walker.ts';

/** Python source → facts: functions (with `<module>` for top-level code), their events, and imports. */
export const pythonAdapter: LanguageAdapter = {
  language: 'python',
  extensions: ['.py'],
  extract(source: string, catalog: Catalog): FileFacts {
    const tree = parseSource('python', source);
    const diagnostics = syntaxDiagnostics(tree);
    const walker = new FileWalker(indexCatalog(catalog));
    const functions = walker.run(copyTree(tree, source));
    return {
      language: 'python',
      functions,
      imports: walker.imports,
      ...(walker.program ? { program: true } : {}),
      diagnostics: [...diagnostics, ...walker.diagnostics],
    };
  },
};
