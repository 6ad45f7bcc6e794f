import path from 'node:path';

/** Where a file sits in Python's module namespace. */
export interface ModuleName {
  /** Dotted name: `pkg.util`; a package's `__init__.py` is the package itself (`pkg`). */
  name: string;
  isPackage: boolean;
}

/** `root/pkg/util.py` → `pkg.util`; `root/pkg/__init__.py` → `pkg` (root: the import root on sys.path). */
export function moduleNameOf(filePath: string, root: string): ModuleName {
  const relative = path.posix.relative(root, filePath);
  const inside = relative !== '' && !relative.startsWith('..') && !path.posix.isAbsolute(relative);
  const segments = (inside ? relative : path.posix.basename(filePath)).replace(/\.py$/, '').split('/');
  const isPackage = segments[segments.length - 1] === '__init__';
  if (isPackage) segments.pop();
  return { name: segments.join('.'), isPackage };
}

/**
 * The module a relative import names: from `pkg.sub.mod`, `.` is `pkg.sub` and `..x` is `pkg.x`.
 * Undefined when the dots climb above the import root.
 */
export function resolveRelative(from: ModuleName, dots: string, rest: readonly string[]): string[] | undefined {
  const segments = from.name === '' ? [] : from.name.split('.');
  const base = from.isPackage ? segments : segments.slice(0, -1);
  const up = dots.length - 1;
  if (up > base.length) return undefined;
  return [...base.slice(0, base.length - up), ...rest];
}
