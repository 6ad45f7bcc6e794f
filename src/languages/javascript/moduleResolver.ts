import { posix } from 'node:path';
import type { LinkFile, PackageRef } from '../types.ts';

/** Tried in this order after the specifier as written (TypeScript sources first: they are the source of truth). */
const sourceExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** TypeScript's ESM convention: `import './util.js'` names the file that compiles to it. */
const compiledToSource: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/**
 * A package's entry files, relative to its root: the one its manifest names (`exports`/`main`, when
 * the resolver knew it), then the usual layouts.
 */
function packageEntryPaths(pkg: PackageRef): string[] {
  const declared = pkg.entry ? [posix.relative(pkg.root, pkg.entry)] : [];
  return [...declared, 'index.js', 'lib/main.js', 'main.js', 'dist/index.js', 'lib/index.js', 'index.mjs', 'index.cjs', 'index.ts', 'src/index.ts'];
}

/** Node-style resolution of import specifiers within the set of files being linked. */
export class ModuleResolver {
  private readonly filesByPath = new Map<string, LinkFile>();
  private readonly packagesByName = new Map<string, PackageRef[]>();
  private readonly cache = new Map<string, LinkFile | undefined>();

  constructor(files: readonly LinkFile[]) {
    const packageIds = new Set<string>();
    for (const file of files) {
      this.filesByPath.set(file.path, file);
      if (packageIds.has(file.pkg.id)) continue;
      packageIds.add(file.pkg.id);
      const list = this.packagesByName.get(file.pkg.name) ?? [];
      list.push(file.pkg);
      this.packagesByName.set(file.pkg.name, list);
    }
    for (const list of this.packagesByName.values()) list.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  }

  /** The file `specifier` denotes when imported from `from`; undefined for built-ins and missing files. */
  resolve(from: LinkFile, specifier: string): LinkFile | undefined {
    const directory = posix.dirname(from.path);
    const cacheKey = isPathSpecifier(specifier) ? `${directory}\u0000${specifier}` : `${from.pkg.id}\u0000${directory}\u0000${specifier}`;
    if (this.cache.has(cacheKey)) return this.cache.get(cacheKey);
    const resolved = isPathSpecifier(specifier)
      ? this.fileOrDirectory(posix.resolve(directory, specifier))
      : this.bare(from, directory, specifier);
    this.cache.set(cacheKey, resolved);
    return resolved;
  }

  private bare(from: LinkFile, directory: string, specifier: string): LinkFile | undefined {
    const segments = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const name = segments.slice(0, nameLength).join('/');
    const subpath = segments.slice(nameLength).join('/');
    const pkg = this.packageFor(from, directory, name);
    if (!pkg) return undefined;
    if (subpath) return this.fileOrDirectory(posix.join(pkg.root, subpath));
    for (const entry of packageEntryPaths(pkg)) {
      const file = this.filesByPath.get(posix.join(pkg.root, entry));
      if (file) return file;
    }
    return undefined;
  }

  /** The declared dependency, else the nearest `node_modules` copy, else any package of that name. */
  private packageFor(from: LinkFile, directory: string, name: string): PackageRef | undefined {
    const candidates = this.packagesByName.get(name);
    if (!candidates || candidates.length === 0) return undefined;
    const declared = from.pkg.deps[name];
    if (declared !== undefined) {
      const pkg = candidates.find((candidate) => candidate.id === declared);
      if (pkg) return pkg;
    }
    for (let dir = directory; ; dir = posix.dirname(dir)) {
      const root = posix.join(dir, 'node_modules', name);
      const pkg = candidates.find((candidate) => candidate.root === root);
      if (pkg) return pkg;
      if (dir === posix.dirname(dir)) break;
    }
    return candidates.find((candidate) => candidate.id === from.pkg.id) ?? candidates[0];
  }

  private fileOrDirectory(base: string): LinkFile | undefined {
    const exact = this.filesByPath.get(base);
    if (exact) return exact;
    for (const extension of sourceExtensions) {
      const file = this.filesByPath.get(base + extension);
      if (file) return file;
    }
    const extension = posix.extname(base);
    for (const replacement of compiledToSource[extension] ?? []) {
      const file = this.filesByPath.get(base.slice(0, -extension.length) + replacement);
      if (file) return file;
    }
    for (const indexExtension of sourceExtensions) {
      const file = this.filesByPath.get(posix.join(base, `index${indexExtension}`));
      if (file) return file;
    }
    return undefined;
  }
}

export function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier === '.' || specifier === '..';
}
