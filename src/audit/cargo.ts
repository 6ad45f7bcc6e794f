import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { PackageRef } from '../languages/types.ts';
import { toPosix } from '../util/paths.ts';
import { shortestPaths } from './paths.ts';
import { ResolverError, type Resolution, type ResolvedPackage, type ResolverOptions } from './types.ts';

/** The parts of `cargo metadata --format-version 1` that the audit reads. */
interface CargoMetadata {
  packages: Array<{
    id: string;
    name: string;
    version: string;
    manifest_path: string;
    targets: Array<{ kind: string[]; name: string; src_path: string }>;
  }>;
  workspace_members: string[];
  resolve: {
    nodes: Array<{
      id: string;
      deps: Array<{ name: string; pkg: string; dep_kinds: Array<{ kind: string | null }> }>;
    }>;
  } | null;
}

const LIBRARY_KINDS = new Set(['lib', 'rlib', 'dylib', 'cdylib', 'staticlib']);

interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
  missing: boolean;
}

/** Runs a tool without blocking the thread: the audit parses the project's files meanwhile. */
function runTool(command: string, args: readonly string[], cwd: string): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      resolve({ status: error ? (typeof code === 'number' ? code : null) : 0, stdout: stdout ?? '', stderr: stderr ?? '', missing: code === 'ENOENT' });
    });
  });
}

/** The host's target triple, so that platform-specific dependencies match what this machine would build. */
async function hostTriple(cwd: string): Promise<string | undefined> {
  const rustc = await runTool('rustc', ['-vV'], cwd);
  return /^host:\s*(\S+)/m.exec(rustc.stdout)?.[1];
}

function rustFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(current, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith('.rs')) out.push(child);
    }
  };
  walk(dir);
  return out;
}

/**
 * Resolves a Cargo project with the real `cargo metadata`. Each package's sources are its library
 * target's folder (registry crates, git checkouts, path dependencies, vendored and directory sources
 * such as Debian's /usr/share/cargo/registry alike). Proc-macro crates run at compile time and are
 * left out; so are build and dev dependencies unless asked for.
 */
export async function resolveCargo(options: ResolverOptions): Promise<Resolution> {
  const args = ['metadata', '--format-version', '1'];
  if (!options.cargoArgs.some((arg) => arg === '--filter-platform' || arg.startsWith('--filter-platform='))) {
    const host = await hostTriple(options.dir);
    if (host) args.push('--filter-platform', host);
  }
  args.push(...options.cargoArgs);
  options.onProgress?.('running cargo metadata');
  const run = await runTool('cargo', args, options.dir);
  if (run.missing) throw new ResolverError('cargo not found on PATH: install Rust (rustup, or apt-get install cargo) to audit Cargo dependencies');
  if (run.status !== 0) {
    const message = run.stderr.trim().split('\n').filter((line) => line.trim() !== '').slice(-6).join(' | ');
    throw new ResolverError(`cargo metadata failed (exit ${run.status}): ${message}`);
  }
  let metadata: CargoMetadata;
  try {
    metadata = JSON.parse(run.stdout) as CargoMetadata;
  } catch (error) {
    throw new ResolverError(`cargo metadata printed something that is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }

  const byId = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]));
  const nodes = new Map((metadata.resolve?.nodes ?? []).map((node) => [node.id, node]));
  const wantedKind = (kind: string | null): boolean => kind === null || (options.includeDev && (kind === 'dev' || kind === 'build'));
  const isProcMacro = (id: string): boolean => byId.get(id)?.targets.some((target) => target.kind.includes('proc-macro')) ?? false;
  const edges = new Map<string, string[]>();
  for (const node of nodes.values()) {
    // A proc-macro crate and everything below it run inside the compiler, never in the program.
    if (isProcMacro(node.id)) continue;
    edges.set(
      node.id,
      node.deps.filter((dep) => dep.dep_kinds.length === 0 || dep.dep_kinds.some((k) => wantedKind(k.kind))).map((dep) => dep.pkg),
    );
  }
  const roots = metadata.workspace_members.filter((id) => byId.has(id));
  const reach = shortestPaths(roots, (id) => edges.get(id) ?? []);

  const packages: ResolvedPackage[] = [];
  let filesPresent = 0;
  let filesSelected = 0;
  for (const id of [...reach.keys()]) {
    const pkg = byId.get(id)!;
    const inProject = roots.includes(id);
    const library = pkg.targets.find((target) => target.kind.some((kind) => LIBRARY_KINDS.has(kind)));
    if (!inProject && (isProcMacro(id) || !library)) continue;
    const root = path.dirname(pkg.manifest_path);
    const deps: Record<string, string> = {};
    for (const dep of nodes.get(id)?.deps ?? []) deps[dep.name] = dep.pkg;
    const crateName = (library?.name ?? pkg.name).replace(/-/g, '_');
    const ref: PackageRef = { id, name: crateName, version: pkg.version, root: toPosix(root), deps, inProject };
    let files: string[] = [];
    if (!inProject) {
      const present = rustFilesUnder(root);
      files = rustFilesUnder(path.dirname(library!.src_path));
      filesPresent += present.length;
      filesSelected += files.length;
    }
    packages.push({ ecosystem: 'cargo', ref, displayName: pkg.name, files, paths: reach.get(id)! });
  }
  packages.sort((a, b) => Number(b.ref.inProject) - Number(a.ref.inProject) || (a.ref.id < b.ref.id ? -1 : 1));
  return { ecosystem: 'cargo', packages, problems: [], stats: { filesPresent, filesSelected } };
}
