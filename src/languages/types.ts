import type { Catalog } from '../catalog/types.ts';
import type { FileFacts, Language } from '../facts/types.ts';
import type { DeclaredNames } from '../link/declaredNames.ts';

/** One language: parse a file and emit facts. Must be pure: same (source, catalog) → same facts. */
export interface LanguageAdapter {
  language: Language;
  /** Lower-case file extensions with the dot: `.rs`. */
  extensions: readonly string[];
  /**
   * `extension` (e.g. `.tsx`) selects a dialect where the language has several (JSX vs TypeScript);
   * it is part of the fact cache key together with the content and the catalog.
   */
  extract(source: string, catalog: Catalog, options: ExtractOptions): FileFacts;
}

export interface ExtractOptions {
  extension: string;
}

/** A package the linker can resolve imports within and across. */
export interface PackageRef {
  /** Unique id: `envrace-example@0.1.0` or the directory for a plain scan. */
  id: string;
  /** Name as other code imports it: Rust crate name with `-` → `_`, Python top-level module, npm name. */
  name: string;
  version?: string;
  /**
   * Absolute POSIX directory: the crate's folder (holding Cargo.toml), the Python import root
   * (a directory on `sys.path`: the scan root or a site-packages), the npm package folder.
   */
  root: string;
  /** Names this package's code uses for its dependencies → their package ids (Rust renames included). */
  deps: Record<string, string>;
  /** The scanned project itself (as opposed to a dependency). */
  inProject: boolean;
  /**
   * npm: absolute POSIX path of the file a bare `require('name')`/`import 'name'` loads (from
   * `exports`/`main`, else `index.js`). Absent when unknown.
   */
  entry?: string;
}

export interface LinkFile {
  /** Display id, unique in the run: a POSIX path relative to the scan root for project files. */
  id: string;
  /** Absolute POSIX path, for module resolution. */
  path: string;
  facts: FileFacts;
  pkg: PackageRef;
}

/** `${fileId}#${functionKey}`: one function in the whole program. */
export type FunctionId = string;

export const functionId = (fileId: string, key: string): FunctionId => `${fileId}#${key}`;

/** `${fileId}#${functionKey}#${eventIndex}`: one event. */
export const eventRef = (fileId: string, key: string, eventIndex: number): string =>
  `${fileId}#${key}#${eventIndex}`;

/**
 * For every call, spawn (with a `callee` body) and defer event that the linker could resolve: the
 * functions it may reach. Unresolved events are simply absent. Conservative: a method call resolved
 * by name may list several candidates.
 */
export type CallTargets = Map<string, FunctionId[]>;

export interface Linker {
  language: Language;
  /**
   * `declared`: method declarations counted on the text of every file, for linking by method name
   * (without it, each parsed method counts once).
   */
  link(files: readonly LinkFile[], declared?: DeclaredNames): CallTargets;
}
