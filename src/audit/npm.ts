import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PackageRef } from '../languages/types.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { toPosix } from '../util/paths.ts';
import { listPackageFiles } from './npm/files.ts';
import { readLockfile, type Lockfile } from './npm/lockfile.ts';
import { readManifest, resolveEntry, type Manifest } from './npm/manifest.ts';
import { NpmTree, type Dependency, type TreeNode } from './npm/tree.ts';
import { shortestPaths } from './paths.ts';
import { ResolverError, type Resolution, type ResolvedPackage, type ResolverOptions } from './types.ts';

/** One resolved `require(name)` edge of the installed tree. */
interface Edge {
  name: string;
  kind: Dependency['kind'];
  target: TreeNode;
}

/** How often (in packages) a long resolution reports progress. */
const PROGRESS_EVERY = 250;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function packageId(node: TreeNode): string {
  return `npm:${node.packageName}@${node.version ?? '0.0.0'}:${node.location}`;
}

/**
 * Resolves an npm project: the v2/v3 lockfile's `packages` map when there is one, else the installed
 * `node_modules` walked the way Node resolves `require`. Only what the project's dependencies reach is
 * kept (development dependencies only with `includeDev`); each package's sources are its
 * `.js/.cjs/.mjs/.ts/.cts/.mts` files (declarations and nested `node_modules` excluded), and its
 * entry is what `require(name)` loads. Bad input (a malformed lockfile or package.json, broken
 * symlinks, missing packages) becomes `problems`; only an empty folder throws.
 */
export function resolveNpm(options: ResolverOptions): Resolution {
  const dir = path.resolve(options.dir);
  const problems = new Map<string, Skipped>();
  let tree: NpmTree | undefined;
  const problem = (file: string, reason: string): void => {
    const display = tree ? tree.display(file) : toPosix(path.relative(dir, file) || '.');
    const key = `${display}\u0000${reason}`;
    if (!problems.has(key)) problems.set(key, { file: display, reason });
  };

  const manifestRead = readManifest(dir);
  let rootManifest: Manifest | undefined;
  if (manifestRead.status === 'ok') rootManifest = manifestRead.manifest;
  else if (manifestRead.status === 'malformed') problem(path.join(dir, 'package.json'), manifestRead.reason);

  const lockRead = readLockfile(dir);
  let lock: Lockfile | undefined;
  if (lockRead.status === 'ok') lock = lockRead.lock;
  else if (lockRead.status === 'malformed') problem(path.join(dir, lockRead.file), `malformed lockfile: ${lockRead.reason}; walking node_modules instead`);
  if (manifestRead.status === 'missing' && lockRead.status === 'none') {
    throw new ResolverError(`no package.json in ${toPosix(dir)}: nothing to resolve for npm`);
  }

  tree = new NpmTree(dir, lock, rootManifest, problem);
  const root = tree.root;
  const workspaces = tree.workspaces();
  const hasNodeModules = existsSync(path.join(dir, 'node_modules'));
  let missingInstall = false;

  /** Breadth-first over the installed tree from the project; dev edges (the root's) only when asked. */
  const reach = (withDev: boolean): Map<TreeNode, Edge[]> => {
    const edges = new Map<TreeNode, Edge[]>();
    const queue: TreeNode[] = [root];
    edges.set(root, []);
    for (let head = 0; head < queue.length; head += 1) {
      const node = queue[head]!;
      const out: Edge[] = [];
      const seen = new Set<string>();
      const add = (edge: Edge): void => {
        if (seen.has(edge.name)) return;
        seen.add(edge.name);
        out.push(edge);
        if (!edges.has(edge.target)) {
          edges.set(edge.target, []);
          queue.push(edge.target);
          if (queue.length % PROGRESS_EVERY === 0) options.onProgress?.(`npm: ${queue.length} packages resolved`);
        }
      };
      if (node === root) for (const workspace of workspaces) add({ name: workspace.importName, kind: 'workspace', target: workspace });
      for (const dependency of tree!.dependencies(node)) {
        if (dependency.kind === 'dev' && !withDev) continue;
        if (seen.has(dependency.name)) continue;
        const located = tree!.locate(node, dependency.name);
        if (located.status === 'missing') {
          if (dependency.optional || located.optional) continue;
          if (!hasNodeModules) {
            missingInstall = true;
            continue;
          }
          const what = located.where ? `is in ${lock?.file ?? 'the lockfile'} but not installed` : 'is not installed';
          problem(path.join(node.dir, 'package.json'), `dependency "${dependency.name}" ${what} (run npm install)`);
          continue;
        }
        // A package the lockfile marks as development-only is not part of the production tree.
        if (!withDev && located.node.lock?.dev && !located.node.inProject) continue;
        add({ name: dependency.name, kind: dependency.kind, target: located.node });
      }
      out.sort((a, b) => byString(a.name, b.name));
      edges.set(node, out);
    }
    return edges;
  };

  const production = reach(false);
  const graph = options.includeDev ? reach(true) : production;
  if (missingInstall) {
    problem(path.join(dir, 'node_modules'), existsSync(path.join(dir, '.pnp.cjs')) || existsSync(path.join(dir, '.pnp.js'))
      ? 'missing: Yarn Plug\'n\'Play installs are not supported (use nodeLinker: node-modules)'
      : 'missing: run npm install (or npm ci) to audit the npm dependencies');
  }

  const nodes = [...graph.keys()];
  const ids = new Map(nodes.map((node) => [node, packageId(node)]));
  const rootId = ids.get(root)!;
  const byId = new Map(nodes.map((node) => [ids.get(node)!, node]));
  const paths = shortestPaths([rootId], (id) => (graph.get(byId.get(id)!) ?? []).map((edge) => ids.get(edge.target)!));

  const ordered = nodes.slice().sort((a, b) => {
    if (a === root || b === root) return a === root ? -1 : 1;
    return Number(b.inProject) - Number(a.inProject) || byString(ids.get(a)!, ids.get(b)!);
  });
  const packages: ResolvedPackage[] = [];
  let filesPresent = 0;
  let filesSelected = 0;
  let listed = 0;
  const toList = ordered.filter((node) => !node.inProject).length;
  for (const node of ordered) {
    const id = ids.get(node)!;
    const deps: Record<string, string> = {};
    for (const edge of graph.get(node) ?? []) deps[edge.name] = ids.get(edge.target)!;
    const entry = resolveEntry(node.dir, node.manifest);
    const ref: PackageRef = {
      id,
      name: node.importName,
      ...(node.version !== undefined ? { version: node.version } : {}),
      root: toPosix(node.dir),
      deps,
      inProject: node.inProject,
      ...(entry !== undefined ? { entry: toPosix(entry) } : {}),
    };
    let files: string[] = [];
    if (!node.inProject) {
      const listing = listPackageFiles(node.dir, problem);
      files = listing.selected;
      filesPresent += listing.present;
      filesSelected += files.length;
      listed += 1;
      if (listed % PROGRESS_EVERY === 0) options.onProgress?.(`npm: listed the files of ${listed}/${toList} packages`);
    }
    const dev = options.includeDev && !node.inProject && (!production.has(node) || node.lock?.dev === true);
    packages.push({
      ecosystem: 'npm',
      ref,
      displayName: node.packageName,
      files,
      paths: paths.get(id) ?? [[rootId]],
      ...(dev ? { dev: true } : {}),
    });
  }

  const sortedProblems = [...problems.values()].sort((a, b) => byString(a.file, b.file) || byString(a.reason, b.reason));
  return { ecosystem: 'npm', packages, problems: sortedProblems, stats: { filesPresent, filesSelected } };
}
