import { readerStarts, type AnalyzeOptions } from '../analyze/index.ts';
import type { ExtractedFile } from '../facts/extract.ts';
import type { DeclaredNames } from '../link/declaredNames.ts';
import { linkProgram, type Program } from '../link/program.ts';
import type { LinkFile } from '../languages/types.ts';

export interface LinkedFiles {
  linkFiles: LinkFile[];
  program: Program;
}

/**
 * Links parsed files into a program and keeps the last one: the prefilter's last look at the
 * findings (`readerStartKeys`) usually links exactly the files the pipeline then links for the
 * report, and linking a dependency tree twice cost a tenth of a Cargo audit.
 */
export class ParsedProgram {
  private last: (LinkedFiles & { parsed: ReadonlySet<ExtractedFile> }) | undefined;

  constructor(
    private readonly toLinkFile: (extracted: ExtractedFile) => LinkFile,
    private readonly declared: DeclaredNames,
  ) {}

  async link(parsed: readonly ExtractedFile[]): Promise<LinkedFiles> {
    if (this.last && this.last.parsed.size === parsed.length && parsed.every((file) => this.last!.parsed.has(file))) return this.last;
    const linkFiles = parsed.map(this.toLinkFile);
    this.last = { parsed: new Set(parsed), linkFiles, program: await linkProgram(linkFiles, this.declared) };
    return this.last;
  }
}

/**
 * Links and analyzes the files parsed so far, the way the pipeline will at the end, and names the
 * functions the findings search their readers from, as `${absPath}\0${key}` (for the prefilter).
 */
export async function readerStartKeys(
  parsed: readonly ExtractedFile[],
  linker: ParsedProgram,
  options: (files: readonly LinkFile[]) => AnalyzeOptions = () => ({}),
): Promise<Set<string>> {
  const { linkFiles, program } = await linker.link(parsed);
  const absPathOf = new Map(parsed.map(({ file }) => [file.id, file.absPath]));
  const keys = new Set<string>();
  for (const id of readerStarts(program, options(linkFiles))) {
    const fn = program.functions.get(id);
    const absPath = fn ? absPathOf.get(fn.file.id) : undefined;
    if (fn && absPath !== undefined) keys.add(`${absPath}\0${fn.fact.key}`);
  }
  return keys;
}
