import type { Catalog } from '../../catalog/types.ts';
import type { FileFacts } from '../../facts/types.ts';
import type { ExtractOptions, LanguageAdapter } from '../types.ts';
import { catalogIndexFor } from './catalogIndex.ts';
import { parseJavascript } from './parse.ts';
import { JavascriptFactsWalker } from './walker.ts';

export const javascriptExtensions = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts'] as const;

/** Declaration files describe types only: no code runs from them. */
const declarationFile = /\.d\.[cm]?ts$/;

function emptyFacts(): FileFacts {
  return { language: 'javascript', functions: [], imports: [], diagnostics: [] };
}

export function extractJavascript(source: string, catalog: Catalog, options: ExtractOptions): FileFacts {
  const extension = options.extension.toLowerCase();
  if (declarationFile.test(extension)) return emptyFacts();
  const parsed = parseJavascript(source, extension);
  if ('diagnostic' in parsed) return { ...emptyFacts(), diagnostics: [parsed.diagnostic] };
  const facts = emptyFacts();
  try {
    const { functions, imports, exports } = new JavascriptFactsWalker(catalogIndexFor(catalog)).run(parsed.program);
    facts.functions = functions;
    facts.imports = imports;
    if (exports.length > 0) facts.exports = exports;
  } catch (error) {
    // A pathologically deep tree can exhaust the stack: report it instead of failing the scan.
    if (!(error instanceof RangeError)) throw error;
    facts.diagnostics.push({ message: 'file too deeply nested to analyze', span: { line: 0, column: 0, endLine: 0, endColumn: 0 } });
  }
  if (/^\uFEFF?#!/.test(source)) facts.program = true;
  return facts;
}

export const javascriptAdapter: LanguageAdapter = {
  language: 'javascript',
  extensions: javascriptExtensions,
  extract: extractJavascript,
};
