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
  /** Set by `audit`: the dependencies that can write the environment. */
  dependencies?: DependencyReport[];
  /** Set by `audit`: what was resolved and parsed. */
  audit?: AuditSummary;
}

export interface DependencyReport {
  ecosystem: string;
  name: string;
  version?: string;
  /** Dependency paths from the project, rendered `app → reqwest 0.11.13 → native-tls 0.2.11`. */
  paths: string[];
  /** Public functions of the package that reach an environment write. */
  publicFunctions: string[];
  /** The writes themselves. */
  writes: Array<{ file: string; line: number; variable?: string; api?: string }>;
  /** Whether the project reaches one of those writes while other threads may be running. */
  reachedAfterSpawn: boolean;
}

export interface AuditSummary {
  ecosystems: string[];
  packages: number;
  dependencyFilesPresent: number;
  dependencyFilesParsed: number;
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
  const findings = analyzeProgram(await linkProgram(linkFiles));
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
