import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dependencyMap, firstLine } from './manifest.ts';

/** One entry of a v2/v3 lockfile's `packages` map. */
export interface LockEntry {
  /** Set when the package's name differs from its folder (`npm:` aliases, link targets). */
  name?: string;
  version?: string;
  /** Strictly part of the development tree (`dev: true`; `devOptional` is needed in production when present). */
  dev: boolean;
  optional: boolean;
  /** A symlink to `resolved` (workspaces, `file:` directories, `npm link`). */
  link: boolean;
  resolved?: string;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalPeers: Set<string>;
}

export interface Lockfile {
  /** File name (`package-lock.json` or `npm-shrinkwrap.json`). */
  file: string;
  /** Keys as written: `""`, `node_modules/a`, `node_modules/a/node_modules/b`, `packages/x`. */
  entries: Map<string, LockEntry>;
}

export type LockRead =
  | { status: 'none' }
  /** A lockfile without a `packages` map (lockfileVersion 1): the tree is walked instead. */
  | { status: 'v1'; file: string }
  | { status: 'ok'; lock: Lockfile }
  | { status: 'malformed'; file: string; reason: string };

/** npm's precedence: a published shrinkwrap wins over the package lock. */
const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function toEntry(key: string, value: unknown): LockEntry | string {
  const where = key === '' ? 'the root entry ""' : `entry "${key}"`;
  if (!isObject(value)) return `${where} is not an object`;
  for (const field of ['name', 'version', 'resolved'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') return `${where}: "${field}" is not a string`;
  }
  for (const field of ['dev', 'optional', 'devOptional', 'link'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'boolean') return `${where}: "${field}" is not a boolean`;
  }
  const maps: Record<string, Record<string, string>> = {};
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'] as const) {
    const map = dependencyMap(value[field]);
    if (map === undefined) return `${where}: "${field}" is not an object`;
    maps[field] = map;
  }
  if (value.link === true && typeof value.resolved !== 'string') return `${where}: a link without "resolved"`;
  const optionalPeers = new Set<string>();
  if (isObject(value.peerDependenciesMeta)) {
    for (const [name, meta] of Object.entries(value.peerDependenciesMeta)) {
      if (isObject(meta) && meta.optional === true) optionalPeers.add(name);
    }
  }
  return {
    ...(typeof value.name === 'string' ? { name: value.name } : {}),
    ...(typeof value.version === 'string' ? { version: value.version } : {}),
    dev: value.dev === true,
    optional: value.optional === true || value.devOptional === true,
    link: value.link === true,
    ...(typeof value.resolved === 'string' ? { resolved: value.resolved } : {}),
    dependencies: maps.dependencies!,
    optionalDependencies: maps.optionalDependencies!,
    peerDependencies: maps.peerDependencies!,
    devDependencies: maps.devDependencies!,
    optionalPeers,
  };
}

/** Parses and checks a lockfile's text. */
export function parseLockfile(file: string, text: string): LockRead {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { status: 'malformed', file, reason: `not valid JSON (${firstLine(error)})` };
  }
  if (!isObject(json)) return { status: 'malformed', file, reason: 'not a JSON object' };
  if (json.packages === undefined) {
    const version = json.lockfileVersion;
    if (version === undefined || version === 1) return { status: 'v1', file };
    return { status: 'malformed', file, reason: `lockfileVersion ${JSON.stringify(version)} without a "packages" map` };
  }
  if (!isObject(json.packages)) return { status: 'malformed', file, reason: '"packages" is not an object' };
  const entries = new Map<string, LockEntry>();
  for (const key of Object.keys(json.packages).sort()) {
    if (path.posix.isAbsolute(key) || key.includes('\\') || key.split('/').includes('.')) {
      return { status: 'malformed', file, reason: `entry "${key}" is not a relative folder` };
    }
    const entry = toEntry(key, json.packages[key]);
    if (typeof entry === 'string') return { status: 'malformed', file, reason: entry };
    entries.set(key, entry);
  }
  return { status: 'ok', lock: { file, entries } };
}

/** Reads the project's lockfile, if any. Never throws. */
export function readLockfile(dir: string): LockRead {
  for (const file of LOCKFILE_NAMES) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      return { status: 'malformed', file, reason: `unreadable (${code ?? firstLine(error)})` };
    }
    return parseLockfile(file, text);
  }
  return { status: 'none' };
}
