import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every `.py` file below `dir` (sorted, `__pycache__` skipped, symlink cycles cut). */
export function pythonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const visited = new Set<string>();
  const walk = (current: string): void => {
    let real: string;
    try {
      real = realpathSync(current);
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let names: string[];
    try {
      names = readdirSync(current).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name === '__pycache__') continue;
      const child = path.join(current, name);
      let stat;
      try {
        stat = statSync(child);
      } catch {
        continue; // broken symlink
      }
      if (stat.isDirectory()) walk(child);
      else if (stat.isFile() && name.endsWith('.py')) out.push(child);
    }
  };
  walk(dir);
  return out;
}

export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** `file` is `dir` itself or below it (lexically). */
export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

const SKIPPED = new Set(['node_modules', 'target', '__pycache__', '.venv', 'venv', 'site-packages', 'dist-packages', 'build', 'dist']);

/**
 * Module names the project defines anywhere in its tree (`x.py` files and folders holding `.py`
 * files), bounded in depth and size: used only to keep a project's own imports out of the "no
 * distribution provides it" note.
 */
export function projectModuleNames(dir: string, maxEntries = 20_000, maxDepth = 8): Set<string> {
  const names = new Set<string>();
  let budget = maxEntries;
  const walk = (current: string, depth: number): void => {
    if (depth > maxDepth || budget <= 0) return;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      budget -= 1;
      if (budget <= 0) return;
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) {
        if (SKIPPED.has(entry.name)) continue;
        names.add(entry.name);
        walk(path.join(current, entry.name), depth + 1);
      } else if (entry.name.endsWith('.py') || entry.name.endsWith('.pyi')) {
        names.add(entry.name.replace(/\.pyi?$/, ''));
      }
    }
  };
  walk(dir, 0);
  return names;
}
