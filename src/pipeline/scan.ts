import path from 'node:path';
import type { Finding } from '../analyze/finding.ts';
import { analyzeProgram } from '../analyze/index.ts';
import type { CatalogEntry } from '../catalog/types.ts';
import { discoverFiles } from '../discover/files.ts';
import { PackageResolver } from '../discover/packages.ts';
import { extractAll } from '../facts/extract.ts';
import type { Language } from '../facts/types.ts';
import type { LinkFile } from '../languages/types.ts';
import { linkProgram } from '../link/program.ts';
import { toPosix } from '../util/paths.ts';
import type { Skipped } from './outcome.ts';

export interface ScanOptions {
  /** Directory that report paths are relative to (`%SRCROOT%`). */
  root: string;
  paths: readonly string[];
  maxFileBytes: number;
  extraCatalog?: Partial<Record<Language, CatalogEntry[]>>;
  onProgress?: (done: number, total: number) => void;
}

export interface ScanResult {
  root: string;
  findings: Finding[];
  skipped: Skipped[];
  filesDiscovered: number;
  filesAnalyzed: number;
  /** Languages seen among analyzed files. */
  languages: Language[];
}

/** discover → parse → facts → link → analyze. Reporting is the caller's. */
export async function runScan(options: ScanOptions): Promise<ScanResult> {
  const root = path.resolve(options.root);
  const discovery = discoverFiles(root, options.paths);
  const extraction = await extractAll(discovery.files, {
    maxFileBytes: options.maxFileBytes,
    extraCatalog: options.extraCatalog,
    onFileDone: options.onProgress,
  });
  const packages = new PackageResolver(root);
  const linkFiles: LinkFile[] = extraction.extracted.map(({ file, facts }) => ({
    id: file.id,
    path: toPosix(file.absPath),
    facts,
    pkg: packages.packageFor(file.absPath, file.language),
  }));
  packages.linkCargoPathDependencies();
  const program = await linkProgram(linkFiles);
  const findings = analyzeProgram(program);
  const skipped = [...discovery.skipped, ...packages.problems, ...extraction.skipped].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)),
  );
  return {
    root,
    findings,
    skipped,
    filesDiscovered: discovery.files.length,
    filesAnalyzed: extraction.extracted.length,
    languages: [...new Set(extraction.extracted.map((e) => e.file.language))].sort(),
  };
}
