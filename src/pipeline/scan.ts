import path from 'node:path';
import type { Finding, RuleId } from '../analyze/finding.ts';
import { analyzeProgram } from '../analyze/index.ts';
import { compareWithBaseline } from '../baseline/compare.ts';
import type { Baseline, BaselineEntry } from '../baseline/file.ts';
import type { CatalogEntry } from '../catalog/types.ts';
import { discoverFiles } from '../discover/files.ts';
import { PackageResolver } from '../discover/packages.ts';
import { extractFiles, type ExtractedFile } from '../facts/extract.ts';
import { ParsedProgram, readerStartKeys } from './readerStarts.ts';
import type { Language } from '../facts/types.ts';
import type { LinkFile } from '../languages/types.ts';
import type { RuleSetting } from '../config/types.ts';
import { DeclaredNames } from '../link/declaredNames.ts';
import { loadRules } from '../rules/registry.ts';
import { applySuppressions } from '../suppress/apply.ts';
import { SourceTexts } from '../suppress/sources.ts';
import { toPosix } from '../util/paths.ts';
import type { Skipped } from './outcome.ts';
import { trace } from '../util/trace.ts';

export interface ScanOptions {
  /** Directory that report paths are relative to (`%SRCROOT%`). */
  root: string;
  paths: readonly string[];
  maxFileBytes: number;
  extraCatalog?: Partial<Record<Language, CatalogEntry[]>>;
  /** Configuration include/exclude: false leaves a discovered file out of the analysis. */
  includeFile?: (absPath: string) => boolean;
  onProgress?: (done: number, total: number) => void;
  /** Parse every file instead of only those that can matter (same findings but for a known gap; see src/prefilter and README). */
  exhaustive?: boolean;
  /** Fact cache directory; undefined: no cache. */
  cacheDir?: string;
  /** Worker threads for parsing. */
  jobs?: number;
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
  /** Ids of the project files analyzed (their suppression comments are checked). */
  files?: string[];
  /** Set by post-processing with a baseline: its entries no current result matched. */
  absent?: BaselineEntry[];
  /** Set by post-processing with a baseline: the file, for messages. */
  baselineFile?: string;
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
  const discovered = discoverFiles(root, options.paths);
  const discovery = options.includeFile ? { ...discovered, files: discovered.files.filter((file) => options.includeFile!(file.absPath)) } : discovered;
  const packages = new PackageResolver(root);
  const declared = new DeclaredNames();
  const toLinkFile = ({ file, facts }: ExtractedFile): LinkFile => ({ id: file.id, path: toPosix(file.absPath), facts, pkg: packages.packageFor(file.absPath, file.language) });
  const linker = new ParsedProgram(toLinkFile, declared);
  const extraction = await extractFiles(discovery.files, {
    declared,
    packageOf: (file) => packages.packageFor(file.absPath, file.language),
    maxFileBytes: options.maxFileBytes,
    extraCatalog: options.extraCatalog,
    onFileDone: options.onProgress,
    exhaustive: options.exhaustive,
    cacheDir: options.cacheDir,
    jobs: options.jobs,
    readerStarts: (parsed) => {
      packages.linkCargoPathDependencies();
      return readerStartKeys(parsed, linker);
    },
  });
  packages.linkCargoPathDependencies();
  trace(() => `scan: ${extraction.extracted.length} files' facts in hand`);
  const { program } = await linker.link(extraction.extracted);
  trace(() => 'scan: linked');
  const findings = analyzeProgram(program);
  trace(() => `scan: analyzed (${findings.length} findings)`);
  const left = new Set(extraction.skipped.filter((entry) => entry.severity !== 'note').map((entry) => entry.file));
  const covered = discovery.files.filter((file) => !left.has(file.id));
  const skipped = [...discovery.skipped, ...packages.problems, ...extraction.skipped].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)),
  );
  return {
    root,
    findings,
    skipped,
    filesDiscovered: discovery.files.length,
    // Files the prefilter found nothing in were analyzed too (by their text); only skipped ones were not.
    filesAnalyzed: covered.length,
    languages: [...new Set(covered.map((file) => file.language))].sort(),
    files: covered.map((file) => file.id),
  };
}

/** Findings that are reported and count for the exit status: not suppressed, not already in the baseline. */
export function activeFindings(scan: ScanResult): Finding[] {
  return scan.findings.filter((finding) => !finding.suppression && finding.baselineState !== 'unchanged');
}

export interface PostProcessOptions {
  /** Configuration `rules`: `off` drops a rule's results, a level replaces the rule's level. */
  rules?: Partial<Record<RuleId, RuleSetting>>;
  baseline?: { file: string; baseline: Baseline };
  /** A `--only` run: the files reported on (baseline entries elsewhere are not absent). */
  scope?: ReadonlySet<string>;
}

const FINDING_LEVEL_ORDER = { error: 0, warning: 1, note: 2 } as const;

/**
 * After analysis, before reporting: rule switches and levels, line-hash fingerprints, inline
 * suppressions, baseline states. The analysis itself never sees any of these.
 */
export function postProcess(scan: ScanResult, options: PostProcessOptions = {}): ScanResult {
  const rules = options.rules ?? {};
  const configure = (findings: readonly Finding[]): Finding[] =>
    findings.flatMap((finding) => {
      const setting = rules[finding.ruleId];
      if (setting === 'off') return [];
      return setting && setting !== finding.level ? [{ ...finding, level: setting }] : [finding];
    });
  const texts = new SourceTexts(scan.root);
  const knownRules = new Set(loadRules().map((rule) => rule.id));
  const files = scan.files ?? [];
  const suppressed = applySuppressions(configure(scan.findings), options.scope ? files.filter((file) => options.scope!.has(file)) : files, texts, knownRules);
  let findings = [...suppressed.findings, ...configure(suppressed.invalid)]
    .map((finding) => {
      const fingerprint = texts.lineHash(finding.location.fileId, finding.location.span.line);
      return fingerprint ? { ...finding, fingerprint } : finding;
    })
    .sort(
      (a, b) =>
        (a.location.fileId < b.location.fileId ? -1 : a.location.fileId > b.location.fileId ? 1 : 0) ||
        a.location.span.line - b.location.span.line ||
        a.location.span.column - b.location.span.column ||
        FINDING_LEVEL_ORDER[a.level] - FINDING_LEVEL_ORDER[b.level] ||
        (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
    );
  if (!options.baseline) return { ...scan, findings };
  const comparison = compareWithBaseline(findings, options.baseline.baseline, options.scope);
  findings = comparison.findings;
  return { ...scan, findings, absent: comparison.absent, baselineFile: options.baseline.file };
}
