import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { toPosix } from '../../util/paths.ts';
import { symlinkReason } from './files.ts';
import type { LockEntry, Lockfile } from './lockfile.ts';
import { emptyManifest, readManifest, type Manifest } from './manifest.ts';

export type DependencyKind = 'prod' | 'optional' | 'peer' | 'dev' | 'workspace';

/** A package folder of the installed tree. */
export interface TreeNode {
  /** Absolute folder with symlinks resolved (expressed under the project path as given when inside it). */
  dir: string;
  /** Folder relative to the project, POSIX; `.` for the project itself. */
  location: string;
  /** The name code requires it by (its folder name under `node_modules`; the manifest name for project packages). */
  importName: string;
  /** Name from its package.json (else the lockfile, else the folder). */
  packageName: string;
  version?: string;
  manifest: Manifest;
  lock?: LockEntry;
  /** Inside the project and outside every `node_modules`: the project's own code (root, workspaces, `file:` folders). */
  inProject: boolean;
}

export interface Dependency {
  name: string;
  kind: DependencyKind;
  /** Missing is fine (optional dependencies, peers). */
  optional: boolean;
}

export type Located =
  | { status: 'found'; node: TreeNode }
  /** `optional`: nothing to report (an optional package, or a problem already reported). */
  | { status: 'missing'; optional: boolean; where?: string };

export type Problem = (file: string, reason: string) => void;

/** npm package names, old mixed-case ones included: never a path that could leave `node_modules`. */
const VALID_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/i;

type Inspected = { status: 'dir'; real: string } | { status: 'missing' } | { status: 'broken'; reason: string };

const isStrictAncestor = (ancestor: string, of: string): boolean =>
  of !== ancestor && (ancestor === path.parse(ancestor).root ? of.startsWith(ancestor) : of.startsWith(ancestor + path.sep));

/**
 * The installed tree of an npm project, resolved the way Node resolves `require(name)`: from the
 * requiring package's real folder, `node_modules/name` in it and then in each parent folder (never
 * above the project folder, so that unrelated `node_modules` higher up are not picked up). With a
 * v2/v3 lockfile, the folders are the lockfile's `packages` keys; without one, the disk is walked.
 */
export class NpmTree {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly projectReal: string;
  private readonly rootManifestOk: boolean;
  readonly root: TreeNode;

  constructor(
    private readonly dir: string,
    private readonly lock: Lockfile | undefined,
    rootManifest: Manifest | undefined,
    private readonly problem: Problem,
  ) {
    this.rootManifestOk = rootManifest !== undefined;
    rootManifest ??= emptyManifest();
    let real = dir;
    try {
      real = realpathSync(dir);
    } catch {
      // Keep the path as given.
    }
    this.projectReal = real;
    const rootLock = lock?.entries.get('');
    this.root = {
      dir,
      location: '.',
      importName: rootManifest.name ?? rootLock?.name ?? path.basename(dir),
      packageName: rootManifest.name ?? rootLock?.name ?? path.basename(dir),
      ...(rootManifest.version ?? rootLock?.version ? { version: (rootManifest.version ?? rootLock?.version)! } : {}),
      manifest: rootManifest,
      ...(rootLock ? { lock: rootLock } : {}),
      inProject: true,
    };
    this.nodes.set(dir, this.root);
  }

  get usesLockfile(): boolean {
    return this.lock !== undefined;
  }

  /** Display path: relative to the project when inside it, else absolute; POSIX. */
  display(file: string): string {
    const relative = path.relative(this.dir, file);
    if (relative === '') return '.';
    if (relative.startsWith('..') || path.isAbsolute(relative)) return toPosix(file);
    return toPosix(relative);
  }

  /** A real path re-expressed under the project path as the user gave it. */
  private canonical(real: string): string {
    if (real === this.projectReal) return this.dir;
    if (real.startsWith(this.projectReal + path.sep)) return path.join(this.dir, real.slice(this.projectReal.length + 1));
    return real;
  }

  private inspect(folder: string): Inspected {
    let stats;
    try {
      stats = lstatSync(folder);
    } catch {
      return { status: 'missing' };
    }
    if (stats.isSymbolicLink()) {
      try {
        const real = realpathSync(folder);
        if (!statSync(real).isDirectory()) return { status: 'missing' };
        return { status: 'dir', real: this.canonical(real) };
      } catch (error) {
        return { status: 'broken', reason: symlinkReason(error) };
      }
    }
    if (!stats.isDirectory()) return { status: 'missing' };
    let real = folder;
    try {
      real = this.canonical(realpathSync(folder));
    } catch {
      // A folder that exists but whose path cannot be resolved: keep it.
    }
    return { status: 'dir', real };
  }

  /** Folders `require(name)` tries from `from`, nearest first, bounded by the project folder. */
  private candidates(from: string, name: string): string[] {
    const out: string[] = [];
    for (let ancestor = from; ; ancestor = path.dirname(ancestor)) {
      if (isStrictAncestor(ancestor, this.dir)) break;
      if (path.basename(ancestor) !== 'node_modules') out.push(path.join(ancestor, 'node_modules', ...name.split('/')));
      if (ancestor === path.dirname(ancestor)) break;
    }
    return out;
  }

  private lockKey(folder: string): string {
    return toPosix(path.relative(this.dir, folder));
  }

  private nodeAt(real: string, importName: string, lock: LockEntry | undefined): TreeNode {
    const known = this.nodes.get(real);
    if (known) return known;
    const location = this.display(real);
    const relative = path.relative(this.dir, real);
    const inProject = !relative.startsWith('..') && !path.isAbsolute(relative) && !relative.split(path.sep).includes('node_modules');
    const read = readManifest(real);
    let manifest = emptyManifest();
    if (read.status === 'ok') manifest = read.manifest;
    else if (read.status === 'malformed') this.problem(path.join(real, 'package.json'), read.reason);
    else this.problem(real, 'no package.json: version and dependencies unknown');
    const packageName = manifest.name ?? lock?.name ?? importName;
    const version = manifest.version ?? lock?.version;
    const node: TreeNode = {
      dir: real,
      location,
      importName: inProject ? packageName : importName,
      packageName,
      ...(version !== undefined ? { version } : {}),
      manifest,
      ...(lock ? { lock } : {}),
      inProject,
    };
    this.nodes.set(real, node);
    return node;
  }

  /** The project's workspace folders (simple globs: `*` within a segment, `**` for any depth). */
  workspaces(): TreeNode[] {
    const out = new Map<string, TreeNode>();
    for (const pattern of this.root.manifest.workspaces) {
      for (const folder of expandGlob(this.dir, pattern)) {
        if (!existsSync(path.join(folder, 'package.json'))) continue;
        const inspected = this.inspect(folder);
        if (inspected.status !== 'dir' || inspected.real === this.dir) continue;
        const lock = this.lock?.entries.get(this.lockKey(inspected.real));
        const node = this.nodeAt(inspected.real, path.basename(folder), lock);
        out.set(node.dir, node);
      }
    }
    return [...out.values()].sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  }

  /** What a node declares, by name (an optional dependency wins over a regular one, as in npm). */
  dependencies(node: TreeNode): Dependency[] {
    const isRoot = node === this.root;
    // The root declares in package.json (the lockfile's copy when package.json is unusable); the
    // others as the lockfile recorded them, else as installed.
    const source = isRoot ? (this.rootManifestOk || !node.lock ? node.manifest : node.lock) : (node.lock ?? node.manifest);
    const out = new Map<string, Dependency>();
    const names = [source.peerDependencies, source.dependencies, source.optionalDependencies, ...(isRoot ? [source.devDependencies] : [])].flatMap((map) => Object.keys(map));
    for (const name of new Set(names)) {
      if (!VALID_NAME.test(name)) this.problem(path.join(node.dir, 'package.json'), `invalid dependency name ${JSON.stringify(name)}, ignored`);
    }
    for (const name of Object.keys(source.peerDependencies)) out.set(name, { name, kind: 'peer', optional: true });
    for (const name of Object.keys(source.dependencies)) out.set(name, { name, kind: 'prod', optional: false });
    for (const name of Object.keys(source.optionalDependencies)) out.set(name, { name, kind: 'optional', optional: true });
    if (isRoot) {
      for (const name of Object.keys(source.devDependencies)) if (!out.has(name)) out.set(name, { name, kind: 'dev', optional: false });
    }
    return [...out.values()].filter((dependency) => VALID_NAME.test(dependency.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The copy of `name` that `require(name)` loads from `from`'s folder. */
  locate(from: TreeNode, name: string): Located {
    const candidates = this.candidates(from.dir, name);
    if (this.lock) {
      for (const candidate of candidates) {
        const entry = this.lock.entries.get(this.lockKey(candidate));
        if (!entry) continue;
        const inspected = this.inspect(candidate);
        if (inspected.status === 'broken') {
          this.problem(candidate, inspected.reason);
          return { status: 'missing', optional: true };
        }
        if (inspected.status === 'missing') return { status: 'missing', optional: entry.optional, where: candidate };
        let lock = entry;
        if (entry.link) {
          const target = path.resolve(this.dir, entry.resolved!);
          lock = this.lock.entries.get(this.lockKey(target)) ?? { ...entry, link: false };
        }
        return { status: 'found', node: this.nodeAt(inspected.real, name, lock) };
      }
    }
    // No lockfile, or a stale one that does not list this dependency: the disk decides, as for Node.
    let broken = false;
    for (const candidate of candidates) {
      const inspected = this.inspect(candidate);
      if (inspected.status === 'missing') continue;
      if (inspected.status === 'broken') {
        this.problem(candidate, inspected.reason);
        broken = true;
        continue;
      }
      const lock = this.lock?.entries.get(this.lockKey(inspected.real));
      return { status: 'found', node: this.nodeAt(inspected.real, name, lock) };
    }
    // A broken symlink was already reported: one line, not a second "not installed" one.
    return { status: 'missing', optional: broken };
  }
}

/** Folders under `dir` matching a workspace pattern; never inside `node_modules`. */
export function expandGlob(dir: string, pattern: string): string[] {
  const segments = pattern.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..')) return [];
  const toRegExp = (segment: string): RegExp =>
    new RegExp(`^${segment.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  const subfolders = (folder: string): string[] => {
    try {
      return readdirSync(folder, { withFileTypes: true })
        .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
        .map((entry) => entry.name)
        .sort();
    } catch {
      return [];
    }
  };
  const out: string[] = [];
  const visit = (folder: string, index: number, depth: number): void => {
    if (depth > 8) return;
    if (index === segments.length) {
      out.push(folder);
      return;
    }
    const segment = segments[index]!;
    if (segment === '**') {
      visit(folder, index + 1, depth);
      for (const name of subfolders(folder)) visit(path.join(folder, name), index, depth + 1);
      return;
    }
    if (!segment.includes('*')) {
      visit(path.join(folder, segment), index + 1, depth + 1);
      return;
    }
    const regexp = toRegExp(segment);
    for (const name of subfolders(folder)) if (regexp.test(name)) visit(path.join(folder, name), index + 1, depth + 1);
  };
  visit(dir, 0, 0);
  return [...new Set(out)].sort();
}
