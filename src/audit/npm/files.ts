import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { firstLine } from './manifest.ts';

/** Sources the audit analyzes in an npm package. `.d.ts` (and `.d.mts`/`.d.cts`) are declarations only. */
const SOURCE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts']);
const DECLARATION = /\.d\.[cm]?ts$/i;

export function isSourceFile(name: string): boolean {
  return SOURCE_EXTENSIONS.has(path.extname(name).toLowerCase()) && !DECLARATION.test(name);
}

export interface PackageFiles {
  /** Every file under the package folder, nested `node_modules` excluded. */
  present: number;
  /** The sources to analyze (absolute, sorted). */
  selected: string[];
}

/** Why a symlink cannot be followed, in a few words. */
export function symlinkReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'broken symlink';
  return `unreadable symlink (${code ?? firstLine(error)})`;
}

/**
 * Lists a package folder: nested `node_modules` are other packages and are left out; symlinks are
 * followed, each directory at most once (loops terminate); a broken symlink or an unreadable
 * directory is reported through `problem` and skipped.
 */
export function listPackageFiles(root: string, problem: (file: string, reason: string) => void): PackageFiles {
  const selected: string[] = [];
  let present = 0;
  const visited = new Set<string>();
  const walk = (dir: string, real: string): void => {
    if (visited.has(real)) return;
    visited.add(real);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      problem(dir, `unreadable directory (${(error as NodeJS.ErrnoException).code ?? firstLine(error)})`);
      return;
    }
    names.sort();
    for (const name of names) {
      const child = path.join(dir, name);
      let stats;
      try {
        stats = lstatSync(child);
      } catch {
        continue;
      }
      let isLink = false;
      if (stats.isSymbolicLink()) {
        isLink = true;
        try {
          stats = statSync(child);
        } catch (error) {
          problem(child, symlinkReason(error));
          continue;
        }
      }
      if (stats.isDirectory()) {
        if (name === 'node_modules') continue;
        let childReal = path.join(real, name);
        if (isLink) {
          try {
            childReal = realpathSync(child);
          } catch (error) {
            problem(child, symlinkReason(error));
            continue;
          }
          if (visited.has(childReal)) {
            problem(child, 'symlink to a directory already listed (a loop), not followed');
            continue;
          }
        }
        walk(child, childReal);
      } else if (stats.isFile()) {
        present += 1;
        if (isSourceFile(name)) selected.push(child);
      }
    }
  };
  let rootReal = root;
  try {
    rootReal = realpathSync(root);
  } catch {
    // The caller checked the folder; keep the path as given.
  }
  walk(root, rootReal);
  selected.sort();
  return { present, selected };
}
