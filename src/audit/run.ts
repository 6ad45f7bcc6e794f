import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../analyze/finding.ts';
import { analyzeProgram, type AnalyzeOptions } from '../analyze/index.ts';
import { discoverFiles, type DiscoveredFile } from '../discover/files.ts';
import { PackageResolver } from '../discover/packages.ts';
import type { CatalogEntry } from '../catalog/types.ts';
import { extractFiles, prestartExtraction, type ExtractedFile } from '../facts/extract.ts';
import { ParsedProgram, readerStartKeys } from '../pipeline/readerStarts.ts';
import { trace } from '../util/trace.ts';
import type { Language } from '../facts/types.ts';
import { languageForPath } from '../languages/extensions.ts';
import type { LinkFile, PackageRef } from '../languages/types.ts';
import { DeclaredNames } from '../link/declaredNames.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import type { DependencyReport, ScanResult } from '../pipeline/scan.ts';
import { toPosix } from '../util/paths.ts';
import { resolveCargo } from './cargo.ts';
import { packageReach } from './reach.ts';
import { relocateToProject } from './relocate.ts';
import { ResolverError, type Ecosystem, type Resolution, type ResolvedPackage, type ResolverOptions } from './types.ts';

export interface AuditOptions extends ResolverOptions {
  maxFileBytes: number;
  /** Parse every dependency file instead of only those that can matter (see src/prefilter). */
  exhaustive?: boolean;
  /** Fact cache directory; undefined: no cache. */
  cacheDir?: string;
  /** Worker threads for parsing. */
  jobs?: number;
  /** The project's own catalog entries (from envrace.config.json). */
  extraCatalog?: Partial<Record<Language, CatalogEntry[]>>;
  /** Which project files to analyze (include/exclude from envrace.config.json). */
  includeFile?: (absPath: string) => boolean;
  /** Only these ecosystems (default: every one whose manifest is present). */
  ecosystems?: Ecosystem[];
}

const PYTHON_MARKERS = ['requirements.txt', 'pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile', 'poetry.lock'];

/** Which ecosystems a project uses, from the manifests in its folder. */
export function detectEcosystems(dir: string): Ecosystem[] {
  const found: Ecosystem[] = [];
  if (existsSync(path.join(dir, 'Cargo.toml'))) found.push('cargo');
  if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'node_modules'))) found.push('npm');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  if (names.some((name) => PYTHON_MARKERS.includes(name) || /^requirements.*\.txt$/.test(name) || name.endsWith('.py'))) found.push('pip');
  return found;
}

type Resolver = (options: ResolverOptions, importedModules: readonly string[]) => Resolution | Promise<Resolution>;

/** The Python resolver looks for the modules the project's files import; the others need nothing from them. */
const NEEDS_PROJECT_IMPORTS: ReadonlySet<Ecosystem> = new Set(['pip']);

async function resolverFor(ecosystem: Ecosystem): Promise<Resolver> {
  switch (ecosystem) {
    case 'cargo':
      return (options) => resolveCargo(options);
    case 'pip': {
      const { resolvePython } = await import('./python.ts');
      return resolvePython;
    }
    case 'npm': {
      const { resolveNpm } = await import('./npm.ts');
      return (options) => resolveNpm(options);
    }
  }
}

/** A promise started ahead of its use: a failure waits for `value()` instead of going unhandled meanwhile. */
function settled<T>(promise: Promise<T>): { value: () => Promise<T> } {
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return {
    value: async () => {
      const result = await outcome;
      if (!result.ok) throw result.error;
      return result.value;
    },
  };
}

/** Modules the project's Python files import, as dotted names (absolute imports only). */
function importedPythonModules(files: ReadonlyArray<{ facts: LinkFile['facts'] }>): string[] {
  const names = new Set<string>();
  for (const { facts } of files) {
    if (facts.language !== 'python') continue;
    for (const fact of facts.imports) if (!fact.source.startsWith('.')) names.add(fact.source);
  }
  return [...names].sort();
}

function displayId(dir: string, absPath: string): string {
  const relative = toPosix(path.relative(dir, absPath));
  return relative.startsWith('..') || path.isAbsolute(relative) ? toPosix(absPath) : relative;
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * `envrace audit`: the project's sources and its dependencies' sources as one program. Findings whose
 * write is inside a dependency are reported at the last frame in the project; the dependencies that
 * can write the environment are listed in `dependencies`.
 */
export async function runAudit(options: AuditOptions): Promise<ScanResult> {
  const dir = path.resolve(options.dir);
  const skipped: Skipped[] = [];
  const ecosystems = options.ecosystems ?? detectEcosystems(dir);

  // Resolvers that need nothing from the project's files start first: `cargo metadata` runs while they are parsed.
  const started = new Map(
    ecosystems.filter((ecosystem) => !NEEDS_PROJECT_IMPORTS.has(ecosystem)).map((ecosystem) => [ecosystem, settled(resolverFor(ecosystem).then((resolve) => resolve({ ...options, dir }, [])))] as const),
  );

  const discovered = discoverFiles(dir, [dir]);
  const discovery = options.includeFile ? { ...discovered, files: discovered.files.filter((file) => options.includeFile!(file.absPath)) } : discovered;
  skipped.push(...discovery.skipped);
  options.onProgress?.(`analyzing ${discovery.files.length} project files`);
  const extraction = { maxFileBytes: options.maxFileBytes, extraCatalog: options.extraCatalog, cacheDir: options.cacheDir, jobs: options.jobs };
  // The parsing threads start now: they parse the project's files too, so that the main thread never
  // loads a parser (TypeScript's alone is 60 MB and half a second), and are ready for the dependencies.
  prestartExtraction(extraction);
  // The project's own files are all parsed: the names to follow into dependencies start from them.
  // Their declarations are counted per file until the packages they belong to are resolved.
  const projectDeclared = new DeclaredNames();
  const project = await extractFiles(discovery.files, { ...extraction, exhaustive: true, keepWorkers: true, declared: projectDeclared, packageOf: (file) => ({ id: file.absPath, root: dir }) });
  skipped.push(...project.skipped);

  trace(() => `audit: ${project.extracted.length} project files parsed`);
  const resolutions: Resolution[] = [];
  for (const ecosystem of ecosystems) {
    try {
      const resolution = await (started.get(ecosystem)?.value() ?? (await resolverFor(ecosystem))({ ...options, dir }, importedPythonModules(project.extracted)));
      resolutions.push(resolution);
      skipped.push(...resolution.problems);
    } catch (error) {
      if (!(error instanceof ResolverError)) throw error;
      skipped.push({ file: ecosystem === 'cargo' ? 'Cargo.toml' : ecosystem === 'npm' ? 'package.json' : '(python environment)', reason: error.message });
    }
  }

  trace(() => `audit: resolved ${resolutions.map((resolution) => `${resolution.packages.length} ${resolution.ecosystem} packages`).join(', ')}`);
  const dependencies = resolutions.flatMap((resolution) => resolution.packages.filter((pkg) => !pkg.ref.inProject && (options.includeDev || !pkg.dev)));
  const dependencyFiles: Array<DiscoveredFile & { pkg: ResolvedPackage }> = [];
  const seen = new Set(discovery.files.map((file) => file.absPath));
  for (const pkg of dependencies) {
    for (const absPath of pkg.files) {
      const language = languageForPath(absPath);
      if (!language || seen.has(absPath)) continue;
      seen.add(absPath);
      dependencyFiles.push({ absPath, id: displayId(dir, absPath), language, pkg });
    }
  }
  // A file inside the project folder belongs to the innermost resolved package holding it: a path
  // dependency vendored in the repository is its own crate, not part of the app.
  const resolvedPackages = resolutions.flatMap((resolution) => resolution.packages);
  const fallback = new PackageResolver(dir);
  const projectPackageFor = (file: DiscoveredFile): PackageRef => {
    const ecosystem: Ecosystem | undefined = file.language === 'rust' ? 'cargo' : file.language === 'javascript' ? 'npm' : undefined;
    const owners = resolvedPackages
      .filter((pkg) => pkg.ecosystem === ecosystem && isInside(pkg.ref.root, file.absPath))
      .sort((a, b) => b.ref.root.length - a.ref.root.length);
    return owners[0]?.ref ?? fallback.packageFor(file.absPath, file.language);
  };
  const projectFiles = new Map(discovery.files.map((file) => [file.absPath, file]));
  const declared = new DeclaredNames();
  declared.addFrom(projectDeclared, (absPath) => projectPackageFor(projectFiles.get(absPath)!).id);
  options.onProgress?.(`analyzing ${dependencyFiles.length} dependency files`);
  const dependencyPackage = new Map(dependencyFiles.map((file) => [file.absPath, file.pkg.ref]));
  const toLinkFile = ({ file, facts }: ExtractedFile): LinkFile => ({ id: file.id, path: toPosix(file.absPath), facts, pkg: dependencyPackage.get(file.absPath) ?? projectPackageFor(file) });
  const inProjectOf = (files: readonly LinkFile[]): AnalyzeOptions => {
    const projectIds = new Set(files.filter((file) => file.pkg.inProject).map((file) => file.id));
    return { inProject: (fileId) => projectIds.has(fileId) };
  };
  const linker = new ParsedProgram(toLinkFile, declared);
  const extractedDependencies = await extractFiles(dependencyFiles, {
    ...extraction,
    exhaustive: options.exhaustive,
    context: project.extracted,
    declared,
    packageOf: (file) => dependencyPackage.get(file.absPath) ?? projectPackageFor(file),
    reach: packageReach(resolvedPackages.filter((pkg) => pkg.ecosystem === 'cargo').map((pkg) => pkg.ref)),
    readerStarts: (parsed) => {
      fallback.linkCargoPathDependencies();
      return readerStartKeys(parsed, linker, inProjectOf);
    },
  });
  // Other people's code often uses syntax the grammars do not know (`try!` in edition 2015): one line
  // for all of it, not one per file. Files left out entirely are still listed one by one.
  const partial = new Set(extractedDependencies.skipped.filter((entry) => entry.severity === 'note').map((entry) => entry.file));
  skipped.push(...extractedDependencies.skipped.filter((entry) => entry.severity !== 'note'));
  if (partial.size > 0) {
    skipped.push({ file: '(dependencies)', reason: `${partial.size} dependency ${partial.size === 1 ? 'file' : 'files'} analyzed in part (syntax the parser does not know, or invalid UTF-8)`, severity: 'note' });
  }

  fallback.linkCargoPathDependencies();

  options.onProgress?.('linking and analyzing');
  trace(() => `audit: ${project.extracted.length + extractedDependencies.extracted.length} files' facts in hand`);
  const { linkFiles, program } = await linker.link([...project.extracted, ...extractedDependencies.extracted]);
  trace(() => 'audit: linked');
  const fileToPackage = new Map(linkFiles.map((file) => [file.id, file.pkg]));
  const inProject = (fileId: string): boolean => fileToPackage.get(fileId)?.inProject ?? false;
  const all = analyzeProgram(program, { isLibrary: (pkg, hasEntry) => !pkg.inProject || !hasEntry, inProject });
  trace(() => `audit: analyzed (${all.length} findings before relocating them to the project)`);

  const packagesById = new Map(resolutions.flatMap((resolution) => resolution.packages.map((pkg) => [pkg.ref.id, pkg] as const)));
  const renderPath = (ids: string[]): string => ids.map((id) => {
    const pkg = packagesById.get(id);
    return pkg ? (pkg.ref.inProject ? pkg.displayName : `${pkg.displayName} ${pkg.ref.version ?? ''}`.trim()) : id;
  }).join(' → ');
  const dependencyPathOf = (fileId: string): string | undefined => {
    const ref = fileToPackage.get(fileId);
    const pkg = ref ? packagesById.get(ref.id) : undefined;
    return pkg ? renderPath(pkg.paths[0] ?? []) : undefined;
  };

  const findings: Finding[] = [];
  const reports = new Map<string, DependencyReport>();
  const reportFor = (fileId: string): DependencyReport | undefined => {
    const ref = fileToPackage.get(fileId);
    const pkg = ref ? packagesById.get(ref.id) : undefined;
    if (!ref || !pkg) return undefined;
    let report = reports.get(ref.id);
    if (!report) {
      report = { ecosystem: pkg.ecosystem, name: pkg.displayName, version: ref.version, paths: pkg.paths.map(renderPath), publicFunctions: [], writes: [], reachedAfterSpawn: false };
      reports.set(ref.id, report);
    }
    return report;
  };
  const recordWrite = (report: DependencyReport, location: { fileId: string; span: { line: number } }, finding: Finding): void => {
    const write = { file: location.fileId, line: location.span.line + 1, variable: finding.variable, api: finding.api };
    if (!report.writes.some((w) => w.file === write.file && w.line === write.line)) report.writes.push(write);
  };

  for (const finding of all) {
    if (inProject(finding.location.fileId)) {
      const steps = finding.threads[0]?.steps ?? [];
      const write = steps[steps.length - 1];
      if (finding.ruleId === 'env-mutation-after-thread-spawn' && write && !inProject(write.fileId)) {
        // A call into a dependency that writes: say where the write is.
        const report = reportFor(write.fileId);
        if (report) {
          report.reachedAfterSpawn = true;
          recordWrite(report, write, finding);
        }
        findings.push({
          ...finding,
          message: `This call leads into ${dependencyPathOf(write.fileId) ?? 'a dependency'}, where ${finding.message}`,
          related: [...finding.related.filter((related) => !related.message.startsWith('the write:')), { fileId: write.fileId, span: write.span, message: `the environment write in the dependency: ${write.message}` }],
        });
      } else {
        findings.push(finding);
      }
      continue;
    }
    const report = reportFor(finding.location.fileId);
    if (finding.ruleId === 'env-mutating-public-api' && report) {
      recordWrite(report, finding.location, finding);
      const writingPackage = fileToPackage.get(finding.location.fileId)?.id;
      for (const related of finding.related) {
        if (fileToPackage.get(related.fileId)?.id !== writingPackage) continue;
        const name = related.message.replace(/^public entry point /, '');
        if (!report.publicFunctions.includes(name)) report.publicFunctions.push(name);
      }
    } else if (finding.ruleId === 'env-mutation-after-thread-spawn') {
      if (report) recordWrite(report, finding.location, finding);
      // A thread the user's code started runs dependency code that writes (a spawn, not a call, leads there).
      const relocated = relocateToProject(finding, inProject, dependencyPathOf(finding.location.fileId));
      if (relocated) {
        if (report) report.reachedAfterSpawn = true;
        findings.push(relocated);
      }
    }
  }

  const deduplicated = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.ruleId}@${finding.location.fileId}:${finding.location.span.line}:${finding.location.span.column}`;
    const existing = deduplicated.get(key);
    const length = (f: Finding): number => f.threads[0]?.steps.length ?? 0;
    if (!existing || length(finding) < length(existing)) deduplicated.set(key, finding);
  }
  const dependencyReports = [...reports.values()]
    .filter((report) => report.writes.length > 0)
    .map((report) => ({ ...report, publicFunctions: report.publicFunctions.sort(), writes: report.writes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)) }))
    .sort((a, b) => Number(b.reachedAfterSpawn) - Number(a.reachedAfterSpawn) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  return {
    root: dir,
    findings: [...deduplicated.values()].sort(
      (a, b) => (a.location.fileId < b.location.fileId ? -1 : a.location.fileId > b.location.fileId ? 1 : a.location.span.line - b.location.span.line || a.location.span.column - b.location.span.column),
    ),
    skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0))),
    filesDiscovered: discovery.files.length + dependencyFiles.length,
    filesAnalyzed: project.extracted.length + extractedDependencies.extracted.length,
    languages: [...new Set(linkFiles.map((file) => file.facts.language))].sort(),
    dependencies: dependencyReports,
    audit: {
      ecosystems,
      packages: dependencies.length,
      dependencyFilesPresent: resolutions.reduce((sum, r) => sum + r.stats.filesPresent, 0),
      dependencyFilesParsed: extractedDependencies.extracted.length,
    },
  };
}
