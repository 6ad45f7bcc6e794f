import { readerStarts, type AnalyzeOptions } from '../analyze/index.ts';
import type { ExtractedFile } from '../facts/extract.ts';
import type { DeclaredNames } from '../link/declaredNames.ts';
import { linkProgram } from '../link/program.ts';
import type { LinkFile } from '../languages/types.ts';

/**
 * Links and analyzes the files parsed so far, the way the pipeline will at the end, and names the
 * functions the findings search their readers from, as `${absPath}\0${key}` (for the prefilter).
 */
export async function readerStartKeys(
  parsed: readonly ExtractedFile[],
  toLinkFile: (extracted: ExtractedFile) => LinkFile,
  declared: DeclaredNames,
  options: (files: readonly LinkFile[]) => AnalyzeOptions = () => ({}),
): Promise<Set<string>> {
  const linkFiles = parsed.map(toLinkFile);
  const absPathOf = new Map(parsed.map(({ file }) => [file.id, file.absPath]));
  const program = await linkProgram(linkFiles, declared);
  const keys = new Set<string>();
  for (const id of readerStarts(program, options(linkFiles))) {
    const fn = program.functions.get(id);
    const absPath = fn ? absPathOf.get(fn.file.id) : undefined;
    if (fn && absPath !== undefined) keys.add(`${absPath}\0${fn.fact.key}`);
  }
  return keys;
}
