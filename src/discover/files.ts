import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Language } from '../facts/types.ts';
import { languageForPath } from '../languages/extensions.ts';
import type { Skipped } from '../pipeline/outcome.ts';
import { toPosix } from '../util/paths.ts';

/** Directories that hold other people's code or build output; scanned only when a path argument names them. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'target', '.git', '.hg', '.svn', '__pycache__', '.tox', '.mypy_cache', '.venv', 'venv']);

export interface DiscoveredFile {
  /** Absolute path. */
  absPath: string;
  /** POSIX path relative to the scan root: the file's id in reports. */
  id: string;
  language: Language;
}

export interface Discovery {
  files: DiscoveredFile[];
  skipped: Skipped[];
}

interface IgnoreLayer {
  /** Absolute directory the .gitignore lives in. */
  dir: string;
  rules: Ignore;
}

function isVirtualenv(dir: string): boolean {
  try {
    return statSync(path.join(dir, 'pyvenv.cfg'), { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

function loadGitignore(dir: string): IgnoreLayer | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  return { dir, rules: ignore().add(text) };
}

function ignoredByLayers(layers: readonly IgnoreLayer[], absPath: string, isDirectory: boolean): boolean {
  for (const layer of layers) {
    const relative = toPosix(path.relative(layer.dir, absPath));
    if (relative === '' || relative.startsWith('..')) continue;
    if (layer.rules.ignores(isDirectory ? `${relative}/` : relative)) return true;
  }
  return false;
}

/**
 * Walks the given paths and returns the source files envrace understands, in a stable order.
 * Honours .gitignore files, skips dependency/build/VCS directories and virtualenvs unless a path
 * argument names them, follows symlinks but detects loops. Every file left out for a reason other
 * than "not a source file" or "ignored" is reported in `skipped`.
 */
export function discoverFiles(root: string, inputs: readonly string[]): Discovery {
  const files: DiscoveredFile[] = [];
  const skipped: Skipped[] = [];
  const seenFiles = new Set<string>();
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  const idOf = (absPath: string): string => {
    // The common case without path.relative's normalizing: a file below the root.
    if (absPath.startsWith(rootPrefix) && !absPath.includes(`${path.sep}.`)) return toPosix(absPath.slice(rootPrefix.length));
    const relative = toPosix(path.relative(root, absPath));
    return relative === '' ? toPosix(path.basename(absPath)) : relative;
  };

  /** `knownReal` and `language`: what the walk already knows of the file (its real path in a resolved directory, its language). */
  const addFile = (absPath: string, explicit: boolean, knownReal?: string, language = languageForPath(absPath)): void => {
    if (!language) {
      if (explicit) skipped.push({ file: idOf(absPath), reason: 'not a C, Rust, Python or JavaScript/TypeScript source file' });
      return;
    }
    let real: string;
    try {
      real = knownReal ?? realpathSync(absPath);
    } catch (error) {
      skipped.push({ file: idOf(absPath), reason: describeFsError(error) });
      return;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push({ absPath, id: idOf(absPath), language });
  };

  const walk = (dir: string, layers: readonly IgnoreLayer[], ancestors: ReadonlySet<string>): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (error) {
      skipped.push({ file: idOf(dir), reason: describeFsError(error) });
      return;
    }
    if (ancestors.has(real)) {
      skipped.push({ file: idOf(dir), reason: 'symlink loop (the directory links back to one of its parents)' });
      return;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ file: idOf(dir), reason: describeFsError(error) });
      return;
    }
    const nextAncestors = new Set(ancestors).add(real);
    const layer = entries.some((entry) => entry.name === '.gitignore') ? loadGitignore(dir) : undefined;
    const nextLayers = layer ? [...layers, layer] : layers;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dirPrefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    const realPrefix = real.endsWith(path.sep) ? real : real + path.sep;
    for (const entry of entries) {
      const child = dirPrefix + entry.name;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(child);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          if (languageForPath(child) || isLoopError(error)) skipped.push({ file: idOf(child), reason: describeFsError(error, true) });
          continue;
        }
      }
      if (isDirectory) {
        if (SKIPPED_DIRECTORIES.has(entry.name) || isVirtualenv(child)) continue;
        if (nextLayers.length > 0 && ignoredByLayers(nextLayers, child, true)) continue;
        walk(child, nextLayers, nextAncestors);
      } else if (isFile) {
        const language = languageForPath(entry.name);
        if (!language) continue;
        if (nextLayers.length > 0 && ignoredByLayers(nextLayers, child, false)) continue;
        addFile(child, false, entry.isSymbolicLink() ? undefined : realPrefix + entry.name, language);
      } else if (languageForPath(child)) {
        skipped.push({ file: idOf(child), reason: 'not a regular file (FIFO, socket or device)' });
      }
    }
  };

  for (const input of inputs) {
    const absolute = path.resolve(input);
    const stat = lstatSync(absolute, { throwIfNoEntry: false });
    if (!stat) throw new MissingPathError(input);
    let target: ReturnType<typeof statSync>;
    try {
      target = statSync(absolute);
    } catch (error) {
      skipped.push({ file: idOf(absolute), reason: describeFsError(error, stat.isSymbolicLink()) });
      continue;
    }
    if (target.isDirectory()) walk(absolute, parentGitignores(root, absolute), new Set());
    else if (target.isFile()) addFile(absolute, true);
    else skipped.push({ file: idOf(absolute), reason: 'not a regular file (FIFO, socket or device)' });
  }
  files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { files, skipped };
}

/** .gitignore files between the scan root and a directory argument below it also apply. */
function parentGitignores(root: string, dir: string): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  let current = path.dirname(dir);
  const chain: string[] = [];
  while (current.startsWith(root) && current !== dir) {
    chain.unshift(current);
    if (current === root) break;
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const directory of chain) {
    const layer = loadGitignore(directory);
    if (layer) layers.push(layer);
  }
  return layers;
}

export class MissingPathError extends Error {
  constructor(readonly input: string) {
    super(`${input}: no such file or directory`);
  }
}

function isLoopError(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ELOOP';
}

export function describeFsError(error: unknown, viaSymlink = false): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ELOOP':
      return 'symlink loop';
    case 'ENOENT':
      return viaSymlink ? 'broken symlink (its target does not exist)' : 'file disappeared during the scan';
    case 'EACCES':
    case 'EPERM':
      return 'unreadable (permission denied)';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `unreadable (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}
