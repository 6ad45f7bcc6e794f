import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { moduleNameOf } from '../languages/python/moduleNames.ts';
import type { PackageRef } from '../languages/types.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { toPosix } from '../util/paths.ts';
import { shortestPaths } from './paths.ts';
import { isFile, isInside, projectModuleNames, pythonFilesUnder } from './python/files.ts';
import { findInterpreter, inspectEnvironment, type DumpDistribution, type EnvironmentDump } from './python/inspect.ts';
import { isModuleName, normalizeExtra, normalizeName } from './python/names.ts';
import { moduleLevelImports, type ImportStatement } from './python/sourceImports.ts';
import type { Resolution, ResolvedPackage, ResolverOptions } from './types.ts';

/** Sources bigger than this are analyzed but not scanned for the imports that pull in more distributions. */
const MAX_IMPORT_SCAN_BYTES = 2 * 1024 * 1024;

/** The project, as the importer of its dependencies in the worklists below. */
const PROJECT = '\u0000project';

/**
 * Resolves the Python environment the project runs in: asks the real interpreter (`--python`,
 * `$VIRTUAL_ENV`, `.venv`/`venv`, `python3`) for its distributions through `importlib.metadata`,
 * maps the project's imports to distributions and follows what they require (markers and extras
 * evaluated) and what their modules import at top level. Only what the project reaches is returned,
 * unless `allDeps`.
 */
export function resolvePython(options: ResolverOptions, importedModules: readonly string[]): Resolution {
  const { command, tried } = findInterpreter(options.dir, options.python);
  options.onProgress?.(`asking ${command} for its distributions`);
  const dump = inspectEnvironment(command, tried, options.dir);
  return resolveFromDump(options, importedModules, dump);
}

interface Distribution {
  dump: DumpDistribution;
  key: string;
  id: string;
}

interface DistributionFiles {
  /** `.py` files the distribution has on disk (inside its site directory or not). */
  present: number;
  /** What is analyzed: the present `.py` files inside the site directory. */
  selected: string[];
}

/** The resolution proper, from an interpreter's listing (separate so that it can be tested on any listing). */
export function resolveFromDump(options: ResolverOptions, importedModules: readonly string[], dump: EnvironmentDump): Resolution {
  const dir = path.resolve(options.dir);
  const display = (file: string): string => (isInside(dir, file) ? toPosix(path.relative(dir, file)) || '.' : toPosix(file));
  const problems: Skipped[] = dump.problems.map((problem) => ({ file: display(problem.file), reason: problem.reason, severity: 'note' }));

  // The same distribution may be installed twice (a user site and /usr/lib/python3/dist-packages):
  // the first on sys.path is the one `import` finds.
  const winners = new Map<string, Distribution>();
  const ordered = [...dump.distributions].map((d, order) => ({ d, order })).sort((a, b) => a.d.pathIndex - b.d.pathIndex || a.order - b.order);
  for (const { d } of ordered) {
    const key = normalizeName(d.name);
    if (!winners.has(key)) winners.set(key, { dump: d, key, id: `pip:${d.name}@${d.version}` });
  }

  const moduleOwners = ownersByModule(dump, winners);
  const stdlib = new Set(dump.stdlib);
  const ownersOf = (module: string): string[] => {
    if (stdlib.has(module)) return [];
    const owners = moduleOwners.get(module);
    if (owners && owners.length > 0) return owners;
    const byName = normalizeName(module);
    return winners.has(byName) ? [byName] : [];
  };

  const projectId = `pip:${path.basename(dir)}`;
  const idOf = (key: string): string => (key === PROJECT ? projectId : winners.get(key)!.id);
  const edges = new Map<string, Set<string>>([[projectId, new Set()]]);
  const addEdge = (from: string, to: string): void => {
    const set = edges.get(idOf(from)) ?? new Set<string>();
    set.add(idOf(to));
    edges.set(idOf(from), set);
  };

  const filesOf = new Map<string, DistributionFiles>();
  const filesFor = (dist: Distribution): DistributionFiles => {
    let files = filesOf.get(dist.key);
    if (!files) {
      files = distributionFiles(dist.dump, moduleOwners, display, problems);
      filesOf.set(dist.key, files);
    }
    return files;
  };

  // Two worklists. Distributions, with the extras asked of them: one is processed again when a new
  // extra is asked for, since extras switch requirements on. Modules: importing one runs its
  // module-level imports, which may pull in other distributions (Debian's `.egg-info` keeps no
  // install requirements, so this is how `requests` reaches `urllib3` there).
  const extrasAsked = new Map<string, Set<string>>();
  const distQueue: string[] = [];
  const moduleFile = new Map<string, string>();
  const moduleOwner = new Map<string, string>();
  const visited = new Set<string>();
  const moduleQueue: string[] = [];

  const ask = (key: string, extras: readonly string[]): boolean => {
    const dist = winners.get(key);
    if (!dist) return false;
    let set = extrasAsked.get(key);
    const fresh = !set;
    if (!set) {
      set = new Set();
      extrasAsked.set(key, set);
    }
    let grew = false;
    for (const extra of extras.map(normalizeExtra)) {
      if (!set.has(extra)) {
        set.add(extra);
        grew = true;
      }
    }
    if (fresh || grew) distQueue.push(key);
    if (fresh) {
      for (const file of filesFor(dist).selected) {
        const name = moduleNameOf(toPosix(file), toPosix(dist.dump.site)).name;
        if (name !== '' && !moduleFile.has(name)) {
          moduleFile.set(name, file);
          moduleOwner.set(name, key);
        }
      }
      for (const top of declaredModules(dist.dump)) visit(top, key);
    }
    return true;
  };
  /** `a.b.c` is imported from `fromKey`'s code: `a`, `a.b` and `a.b.c` run, and their distribution is reached. */
  const visit = (dotted: string, fromKey: string): void => {
    const segments = dotted.split('.');
    const top = segments[0]!;
    if (!isModuleName(top) || stdlib.has(top)) return;
    for (const owner of ownersOf(top)) {
      if (owner !== fromKey && ask(owner, [])) addEdge(fromKey, owner);
    }
    for (let length = 1; length <= segments.length; length += 1) {
      const name = segments.slice(0, length).join('.');
      if (!visited.has(name)) {
        visited.add(name);
        moduleQueue.push(name);
      }
    }
  };
  const runModule = (name: string): void => {
    const file = moduleFile.get(name);
    const owner = moduleOwner.get(name);
    if (!file || !owner) return; // a compiled extension, or a name that is not a module
    const isPackage = path.basename(file) === '__init__.py';
    for (const statement of importsOf(file)) {
      let base = statement.module;
      if (statement.level > 0) {
        const segments = name.split('.');
        const packageSegments = isPackage ? segments : segments.slice(0, -1);
        const up = statement.level - 1;
        if (up > packageSegments.length) continue;
        base = [...packageSegments.slice(0, packageSegments.length - up), ...(statement.module ? statement.module.split('.') : [])].join('.');
      }
      if (base === '') continue;
      visit(base, owner);
      for (const imported of statement.names) {
        if (imported !== '*' && moduleFile.has(`${base}.${imported}`)) visit(`${base}.${imported}`, owner);
      }
    }
  };
  const runDistribution = (key: string): void => {
    const dist = winners.get(key)!;
    const asked = extrasAsked.get(key)!;
    for (const requirement of dist.dump.requires) {
      const applies = requirement.when === 'always' || requirement.when.some((extra) => asked.has(normalizeExtra(extra)));
      if (!applies) continue;
      const target = normalizeName(requirement.name);
      if (target !== key && ask(target, requirement.extras)) addEdge(key, target);
    }
  };

  // The project's own modules shadow installed ones (the script's folder is first on sys.path).
  const local = (module: string): boolean =>
    [dir, path.join(dir, 'src')].some((base) => isFile(path.join(base, `${module}.py`)) || isFile(path.join(base, module, '__init__.py')));
  const unresolved: string[] = [];
  for (const imported of [...new Set(importedModules)].sort()) {
    const top = imported.split('.')[0]!;
    if (!isModuleName(top) || stdlib.has(top) || local(top)) continue;
    if (ownersOf(top).length === 0) {
      if (!unresolved.includes(top)) unresolved.push(top);
      continue;
    }
    visit(imported, PROJECT);
  }
  let moduleHead = 0;
  let distHead = 0;
  while (moduleHead < moduleQueue.length || distHead < distQueue.length) {
    if (moduleHead < moduleQueue.length) runModule(moduleQueue[moduleHead++]!);
    else runDistribution(distQueue[distHead++]!);
  }

  if (unresolved.length > 0) {
    const ownModules = projectModuleNames(dir);
    const missing = unresolved.filter((module) => !ownModules.has(module));
    if (missing.length > 0) {
      problems.push({
        file: display(dump.executable),
        reason: `no distribution of this interpreter provides ${missing.map((m) => `'${m}'`).join(', ')} (not installed there? pass --python PATH)`,
        severity: 'note',
      });
    }
  }

  const reached = [...extrasAsked.keys()];
  const analyzed = options.allDeps ? [...winners.keys()] : reached;
  options.onProgress?.(`python: ${reached.length} of ${winners.size} distributions reached from the project's imports${options.allDeps ? ' (all analyzed)' : ''}`);

  const neighbours = (id: string): string[] => [...(edges.get(id) ?? [])].sort();
  const paths = shortestPaths([projectId], neighbours);

  const projectRef: PackageRef = { id: projectId, name: path.basename(dir), root: toPosix(dir), deps: {}, inProject: true };
  const packages: ResolvedPackage[] = [{ ecosystem: 'pip', ref: projectRef, displayName: path.basename(dir), files: [], paths: [[projectId]] }];
  let filesPresent = 0;
  let filesSelected = 0;
  const dependencies: ResolvedPackage[] = [];
  for (const key of analyzed) {
    const dist = winners.get(key)!;
    const files = filesFor(dist);
    filesPresent += files.present;
    filesSelected += files.selected.length;
    const ref: PackageRef = {
      id: dist.id,
      name: importNameOf(dist, moduleOwners),
      version: dist.dump.version,
      root: toPosix(dist.dump.site),
      deps: {},
      inProject: false,
    };
    dependencies.push({ ecosystem: 'pip', ref, displayName: dist.dump.name, files: files.selected, paths: paths.get(dist.id) ?? [] });
  }
  dependencies.sort((a, b) => (a.ref.id < b.ref.id ? -1 : a.ref.id > b.ref.id ? 1 : 0));
  packages.push(...dependencies);
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  return { ecosystem: 'pip', packages, problems, stats: { filesPresent, filesSelected } };
}

/**
 * Top-level module → normalized names of the (winning) distributions providing it: from
 * `packages_distributions()` when the interpreter has it, else from `top_level.txt`, else from the
 * first path segment of the files a RECORD lists.
 */
function ownersByModule(dump: EnvironmentDump, winners: ReadonlyMap<string, Distribution>): Map<string, string[]> {
  const owners = new Map<string, Set<string>>();
  const add = (module: string, key: string): void => {
    if (!isModuleName(module) || !winners.has(key)) return;
    const set = owners.get(module) ?? new Set<string>();
    set.add(key);
    owners.set(module, set);
  };
  if (dump.packagesDistributions) {
    for (const [module, names] of Object.entries(dump.packagesDistributions)) for (const name of names) add(module, normalizeName(name));
  }
  for (const dist of winners.values()) {
    if (dump.packagesDistributions) break;
    for (const module of declaredModules(dist.dump)) add(module, dist.key);
  }
  return new Map([...owners].map(([module, set]) => [module, [...set].sort()]));
}

/** `top_level.txt`, else the first segment of each `.py` file below the site directory. */
function declaredModules(dist: DumpDistribution): string[] {
  if (dist.topLevel && dist.topLevel.length > 0) return dist.topLevel.filter(isModuleName);
  const found = new Set<string>();
  for (const file of dist.record?.py ?? []) {
    if (!isInside(dist.site, file)) continue;
    const first = path.relative(dist.site, file).split(path.sep)[0]!;
    const module = first.replace(/\.py$/, '');
    if (isModuleName(module)) found.add(module);
  }
  return [...found].sort();
}

/** The name code imports the distribution by: a public top-level module (`yaml` rather than `_yaml`). */
function importNameOf(dist: Distribution, owners: ReadonlyMap<string, readonly string[]>): string {
  let modules = declaredModules(dist.dump);
  if (modules.length === 0) modules = [...owners].filter(([, keys]) => keys.includes(dist.key)).map(([module]) => module);
  const sorted = [...modules].sort();
  return sorted.find((module) => !module.startsWith('_')) ?? sorted[0] ?? dist.key.replace(/-/g, '_');
}

/**
 * The `.py` files to analyze: those of the RECORD that exist, lie inside the site directory and are not
 * empty; for a
 * distribution without a file list (Debian's `.egg-info`), every `.py` below `<site>/<top_level>/`
 * or `<site>/<top_level>.py`.
 */
function distributionFiles(
  dist: DumpDistribution,
  owners: ReadonlyMap<string, readonly string[]>,
  display: (file: string) => string,
  problems: Skipped[],
): DistributionFiles {
  if (dist.record) {
    const existing = dist.record.py.filter(isFile);
    const missing = dist.record.py.length - existing.length;
    if (missing > 0) {
      const list = dist.metadataPath?.endsWith('.egg-info') ? 'installed-files.txt' : 'RECORD';
      const where = dist.metadataPath ? display(path.join(dist.metadataPath, list)) : display(dist.site);
      problems.push({
        file: where,
        reason: `${list} lists ${missing} file${missing === 1 ? '' : 's'} that ${missing === 1 ? 'is' : 'are'} missing (${dist.name} ${dist.version}); analyzing the rest`,
        severity: 'warning',
      });
    }
    const selected = existing.filter((file) => isInside(dist.site, file) && hasContent(file)).sort();
    return { present: existing.length, selected };
  }
  let modules = dist.topLevel?.filter((line) => line.split('/').every(isModuleName)) ?? [];
  if (modules.length === 0) {
    const key = normalizeName(dist.name);
    modules = [...owners].filter(([, keys]) => keys.includes(key)).map(([module]) => module);
  }
  if (modules.length === 0) modules = [normalizeName(dist.name).replace(/-/g, '_')];
  const selected = new Set<string>();
  for (const module of modules) {
    const base = path.join(dist.site, ...module.split('/'));
    for (const file of pythonFilesUnder(base)) selected.add(file);
    if (isFile(`${base}.py`)) selected.add(`${base}.py`);
  }
  const files = [...selected].sort();
  return { present: files.length, selected: files.filter(hasContent) };
}

/** Empty files (the usual `__init__.py`) hold no code: not worth a "skipped: empty file" line each. */
function hasContent(file: string): boolean {
  try {
    return statSync(file).size > 0;
  } catch {
    return false;
  }
}

/** The module-level imports of one source file (none when it is unreadable or huge). */
function importsOf(file: string): ImportStatement[] {
  try {
    if (statSync(file).size > MAX_IMPORT_SCAN_BYTES) return [];
    return moduleLevelImports(readFileSync(file, 'utf8'));
  } catch {
    return []; // unreadable: the extraction step reports it
  }
}
