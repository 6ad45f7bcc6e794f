import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The parts of a `package.json` the npm resolver reads, checked for shape. */
export interface Manifest {
  name?: string;
  version?: string;
  main?: string;
  exports?: unknown;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  /** Peer dependencies marked `{ optional: true }` in `peerDependenciesMeta`. */
  optionalPeers: Set<string>;
  /** Workspace folder patterns (`workspaces: [...]` or `workspaces: { packages: [...] }`). */
  workspaces: string[];
}

export type ManifestRead =
  | { status: 'ok'; manifest: Manifest }
  | { status: 'missing' }
  | { status: 'malformed'; reason: string };

export const emptyManifest = (): Manifest => ({
  dependencies: {},
  devDependencies: {},
  optionalDependencies: {},
  peerDependencies: {},
  optionalPeers: new Set(),
  workspaces: [],
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `{ name: range }` map; entries that are not strings are kept with an empty range (npm accepts odd ranges). */
export function dependencyMap(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, range] of Object.entries(value)) out[name] = typeof range === 'string' ? range : '';
  return out;
}

/** Checks the shape of a parsed `package.json`; a field of the wrong type is a one-line reason. */
export function toManifest(json: unknown): { manifest: Manifest } | { reason: string } {
  if (!isObject(json)) return { reason: 'not a JSON object' };
  const manifest = emptyManifest();
  if (json.name !== undefined) {
    if (typeof json.name !== 'string') return { reason: '"name" is not a string' };
    manifest.name = json.name;
  }
  if (json.version !== undefined) {
    if (typeof json.version !== 'string') return { reason: '"version" is not a string' };
    manifest.version = json.version;
  }
  if (typeof json.main === 'string') manifest.main = json.main;
  if (json.exports !== undefined) manifest.exports = json.exports;
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const) {
    const map = dependencyMap(json[field]);
    if (map === undefined) return { reason: `"${field}" is not an object` };
    manifest[field] = map;
  }
  if (isObject(json.peerDependenciesMeta)) {
    for (const [name, meta] of Object.entries(json.peerDependenciesMeta)) {
      if (isObject(meta) && meta.optional === true) manifest.optionalPeers.add(name);
    }
  }
  const workspaces = Array.isArray(json.workspaces)
    ? json.workspaces
    : isObject(json.workspaces) && Array.isArray(json.workspaces.packages)
      ? json.workspaces.packages
      : [];
  manifest.workspaces = workspaces.filter((pattern): pattern is string => typeof pattern === 'string');
  return { manifest };
}

/** Reads `dir/package.json`. Never throws. */
export function readManifest(dir: string): ManifestRead {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'package.json'), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
    return { status: 'malformed', reason: `unreadable package.json (${code ?? String(error)})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { status: 'malformed', reason: `malformed package.json (${firstLine(error)})` };
  }
  const checked = toManifest(json);
  if ('reason' in checked) return { status: 'malformed', reason: `malformed package.json (${checked.reason})` };
  return { status: 'ok', manifest: checked.manifest };
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Node's LOAD_AS_FILE then LOAD_INDEX for a path relative to the package folder. */
function loadAsFileOrDirectory(root: string, relative: string): string | undefined {
  const base = path.resolve(root, relative);
  for (const candidate of [base, `${base}.js`, `${base}.json`, `${base}.node`]) if (isFile(candidate)) return candidate;
  for (const index of ['index.js', 'index.json', 'index.node']) {
    const candidate = path.join(base, index);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

/** Conditions tried for a bare `require(name)`/`import 'name'`, in this order. */
const CONDITIONS = ['node', 'require', 'import', 'default'] as const;

/** An `exports` target: a `./` path, an array of fallbacks, or a (nested) conditions object. */
function exportTarget(root: string, target: unknown, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (typeof target === 'string') {
    if (!target.startsWith('./')) return undefined;
    const file = path.resolve(root, target);
    const inside = path.relative(root, file);
    if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
    return isFile(file) ? file : undefined;
  }
  if (Array.isArray(target)) {
    for (const item of target) {
      const file = exportTarget(root, item, depth + 1);
      if (file) return file;
    }
    return undefined;
  }
  if (isObject(target)) {
    for (const condition of CONDITIONS) {
      if (!(condition in target)) continue;
      const file = exportTarget(root, target[condition], depth + 1);
      if (file) return file;
    }
  }
  return undefined;
}

/** The `"."` entry of an `exports` field, or undefined when it has none. */
function mainExport(exportsField: unknown): unknown {
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) return exportsField;
  if (!isObject(exportsField)) return undefined;
  const keys = Object.keys(exportsField);
  if (keys.some((key) => key.startsWith('.'))) return exportsField['.'];
  return exportsField;
}

/**
 * The file `require(name)` loads from the package folder `root`: `exports` (`"."`, conditions
 * `node`, `require`, `import`, `default`), else `main` (with Node's extensions and `/index.js`), else
 * `index.js`. Absolute path, or undefined when none exists.
 */
export function resolveEntry(root: string, manifest: Manifest): string | undefined {
  if (manifest.exports !== undefined && manifest.exports !== null) {
    const file = exportTarget(root, mainExport(manifest.exports));
    if (file) return file;
  }
  if (manifest.main !== undefined && manifest.main.trim() !== '') {
    const file = loadAsFileOrDirectory(root, manifest.main);
    if (file) return file;
  }
  for (const index of ['index.js', 'index.json', 'index.node']) {
    const candidate = path.join(root, index);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}
