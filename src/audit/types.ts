import type { PackageRef } from '../languages/types.ts';
import type { Skipped } from '../pipeline/outcome.ts';

export type Ecosystem = 'cargo' | 'pip' | 'npm';

/** One package of a resolved dependency tree, with the sources to analyze. */
export interface ResolvedPackage {
  ecosystem: Ecosystem;
  /** For linking: id, import name, version, root folder, names its code uses for its dependencies. */
  ref: PackageRef;
  /** Name as the ecosystem spells it (`openssl-probe`, `requests`, `@scope/pkg`). */
  displayName: string;
  /** Absolute paths of the source files to analyze (empty for the project itself: `audit` discovers those). */
  files: string[];
  /**
   * Shortest dependency paths from the project to this package, each a list of package ids starting
   * with the root package's id (at most a few, shortest first).
   */
  paths: string[][];
  /** Declared as a development-only dependency (npm `dev`, Cargo dev-dependencies): skipped unless asked for. */
  dev?: boolean;
}

export interface Resolution {
  ecosystem: Ecosystem;
  /** The project's own package(s) first (`ref.inProject`), then dependencies. */
  packages: ResolvedPackage[];
  /** Problems that did not stop the resolution: a missing tool, a malformed lockfile, a RECORD listing missing files. */
  problems: Skipped[];
  /** Files present in the dependency folders versus files selected for analysis, for the audit summary. */
  stats: { filesPresent: number; filesSelected: number };
}

export interface ResolverOptions {
  /** Project directory (absolute). */
  dir: string;
  /** Include dev dependencies (npm `--include-dev`). */
  includeDev: boolean;
  /** Analyze every distribution of the Python environment, not only those the project reaches. */
  allDeps: boolean;
  /** Python interpreter to ask (`--python`). */
  python?: string;
  /** Extra arguments for `cargo metadata` (`--offline`, `--locked`, `--features x`, `--filter-platform T`). */
  cargoArgs: string[];
  /** Progress callback for long resolutions. */
  onProgress?: (message: string) => void;
}

/** Thrown when an ecosystem cannot be resolved at all (no `cargo` on PATH, `cargo metadata` failed): the message is shown as is. */
export class ResolverError extends Error {}
