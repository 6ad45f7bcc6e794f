import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Language } from '../facts/types.ts';
import type { PackageRef } from '../languages/types.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { toPosix } from '../util/paths.ts';

interface CargoManifest {
  package?: { name?: string; version?: string };
  dependencies?: Record<string, unknown>;
  'dev-dependencies'?: Record<string, unknown>;
  'build-dependencies'?: Record<string, unknown>;
}

/**
 * Assigns every scanned file to the package it belongs to, for the linkers: a Cargo crate (nearest
 * Cargo.toml with a [package]), a Python import root (the directory above the outermost folder with
 * an __init__.py), an npm package (nearest package.json), or the scan root.
 */
export class PackageResolver {
  private readonly byDir = new Map<string, PackageRef | null>();
  private readonly packages = new Map<string, PackageRef>();
  /** A directory's Python import root: every file of a directory has the same one. */
  private readonly pythonRootByDir = new Map<string, PackageRef>();
  readonly problems: Skipped[] = [];

  constructor(private readonly scanRoot: string) {}

  packageFor(absFile: string, language: Language): PackageRef {
    switch (language) {
      case 'rust':
        return this.nearest(absFile, (dir) => this.cargoPackage(dir)) ?? this.rootPackage('rust');
      case 'javascript':
        return this.nearest(absFile, (dir) => this.npmPackage(dir)) ?? this.rootPackage('javascript');
      case 'python':
        return this.pythonImportRoot(absFile);
      case 'c':
        return this.rootPackage('c');
    }
  }

  /** After all files are assigned: map Cargo path dependencies to the crates found in the scan. */
  linkCargoPathDependencies(): void {
    const byRoot = new Map([...this.packages.values()].map((pkg) => [pkg.root, pkg]));
    for (const pkg of this.packages.values()) {
      if (!pkg.id.startsWith('cargo:')) continue;
      const manifest = this.readCargo(pkg.root);
      if (!manifest) continue;
      for (const table of [manifest.dependencies, manifest['build-dependencies'], manifest['dev-dependencies']]) {
        for (const [usedName, spec] of Object.entries(table ?? {})) {
          if (typeof spec !== 'object' || spec === null) continue;
          const depPath = (spec as { path?: unknown }).path;
          if (typeof depPath !== 'string') continue;
          const target = byRoot.get(toPosix(path.resolve(pkg.root, depPath)));
          if (target) pkg.deps[usedName.replace(/-/g, '_')] = target.id;
        }
      }
    }
  }

  private nearest(absFile: string, probe: (dir: string) => PackageRef | null): PackageRef | undefined {
    let dir = path.dirname(absFile);
    const visited: string[] = [];
    for (;;) {
      const cached = this.byDir.get(dir);
      if (cached !== undefined) {
        for (const v of visited) this.byDir.set(v, cached);
        return cached ?? undefined;
      }
      visited.push(dir);
      const found = probe(dir);
      if (found) {
        for (const v of visited) this.byDir.set(v, found);
        return found;
      }
      const parent = path.dirname(dir);
      if (parent === dir || !isInsideOrAt(dir, this.scanRoot)) {
        for (const v of visited) this.byDir.set(v, null);
        return undefined;
      }
      dir = parent;
    }
  }

  private readCargo(dir: string): CargoManifest | undefined {
    const manifestPath = path.join(dir, 'Cargo.toml');
    if (!existsSync(manifestPath)) return undefined;
    try {
      return parseToml(readFileSync(manifestPath, 'utf8')) as CargoManifest;
    } catch (error) {
      this.problems.push({ file: this.display(manifestPath), reason: `malformed Cargo.toml (${firstLine(error)}); its crate is linked by file layout only` });
      return {};
    }
  }

  private cargoPackage(dir: string): PackageRef | null {
    const manifest = this.readCargo(dir);
    if (!manifest?.package?.name) return null;
    const name = manifest.package.name;
    const version = typeof manifest.package.version === 'string' ? manifest.package.version : undefined;
    return this.intern({
      id: `cargo:${name}@${version ?? '0.0.0'}:${this.display(dir)}`,
      name: name.replace(/-/g, '_'),
      version,
      root: toPosix(dir),
      deps: {},
      inProject: true,
    });
  }

  private npmPackage(dir: string): PackageRef | null {
    const manifestPath = path.join(dir, 'package.json');
    if (!existsSync(manifestPath)) return null;
    let manifest: { name?: unknown; version?: unknown } = {};
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
    } catch (error) {
      this.problems.push({ file: this.display(manifestPath), reason: `malformed package.json (${firstLine(error)})` });
    }
    const name = typeof manifest.name === 'string' ? manifest.name : path.basename(dir);
    return this.intern({
      id: `npm:${name}@${typeof manifest.version === 'string' ? manifest.version : '0.0.0'}:${this.display(dir)}`,
      name,
      version: typeof manifest.version === 'string' ? manifest.version : undefined,
      root: toPosix(dir),
      deps: {},
      inProject: true,
    });
  }

  private pythonImportRoot(absFile: string): PackageRef {
    const fileDir = path.dirname(absFile);
    const known = this.pythonRootByDir.get(fileDir);
    if (known) return known;
    let dir = fileDir;
    while (existsSync(path.join(dir, '__init__.py'))) {
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    const pkg = this.intern({ id: `python:${this.display(dir)}`, name: path.basename(dir), root: toPosix(dir), deps: {}, inProject: true });
    this.pythonRootByDir.set(fileDir, pkg);
    return pkg;
  }

  private rootPackage(language: Language): PackageRef {
    const known = this.packages.get(`${language}:.`);
    if (known) return known;
    return this.intern({ id: `${language}:.`, name: path.basename(this.scanRoot), root: toPosix(this.scanRoot), deps: {}, inProject: true });
  }

  private intern(pkg: PackageRef): PackageRef {
    const existing = this.packages.get(pkg.id);
    if (existing) return existing;
    this.packages.set(pkg.id, pkg);
    return pkg;
  }

  private display(p: string): string {
    const relative = toPosix(path.relative(this.scanRoot, p));
    return relative === '' ? '.' : relative;
  }
}

function isInsideOrAt(dir: string, root: string): boolean {
  const relative = path.relative(root, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
