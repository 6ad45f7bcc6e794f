import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ResolverError } from '../types.ts';
import { isDirectory, isFile } from './files.ts';
import { INSPECT_SCRIPT } from './script.ts';

/** One requirement of a distribution, its markers already evaluated by the interpreter. */
export interface DumpRequirement {
  name: string;
  /** Extras requested of the required distribution (`requests[socks]` → `['socks']`). */
  extras: string[];
  /** `always`, or the extras of the requiring distribution that switch it on. */
  when: 'always' | string[];
}

export interface DumpDistribution {
  name: string;
  version: string;
  /** Position of the `sys.path` entry it was found in: the smallest wins among same-named distributions. */
  pathIndex: number;
  /** `dist.locate_file('')`: the import root its files are relative to. */
  site: string;
  /** The `.dist-info` / `.egg-info` folder (absent for exotic finders). */
  metadataPath: string | null;
  requires: DumpRequirement[];
  /** Lines of `top_level.txt`, or null without one. */
  topLevel: string[] | null;
  /** From RECORD (or `installed-files.txt`): how many entries, and the absolute `.py` paths. Null without a file list. */
  record: { count: number; py: string[] } | null;
}

/** What INSPECT_SCRIPT prints. */
export interface EnvironmentDump {
  executable: string;
  version: string;
  prefix: string;
  searchPath: string[];
  /** Which `packaging` evaluated the markers (`packaging`, `pip._vendor.packaging`), or null (markers kept unless extras-only). */
  markerEngine: string | null;
  stdlib: string[];
  distributions: DumpDistribution[];
  /** `importlib.metadata.packages_distributions()` (Python 3.10+), else null. */
  packagesDistributions: Record<string, string[]> | null;
  problems: Array<{ file: string; reason: string }>;
}

function venvPython(venv: string): string | undefined {
  return [path.join(venv, 'bin', 'python'), path.join(venv, 'bin', 'python3'), path.join(venv, 'Scripts', 'python.exe')].find(isFile);
}

/**
 * The interpreter whose environment is audited: `--python`, else `$VIRTUAL_ENV`, else `.venv`/`venv`
 * in the project, else `python3` on PATH (returned as the bare command; a missing one is detected
 * when it is run). `tried` lists what was looked at, for the error message.
 */
export function findInterpreter(dir: string, explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): { command: string; tried: string[] } {
  if (explicit !== undefined && explicit !== '') {
    if (!explicit.includes('/') && !explicit.includes(path.sep)) return { command: explicit, tried: [`--python ${explicit}`] };
    const absolute = path.resolve(explicit);
    if (isDirectory(absolute)) {
      // `--python .venv` : a virtual environment's folder.
      const inside = venvPython(absolute);
      if (inside) return { command: inside, tried: [`--python ${explicit}`] };
    }
    if (!isFile(absolute)) throw new ResolverError(`--python ${explicit}: no such interpreter; pass the path of a Python 3 executable (or of a virtual environment)`);
    return { command: absolute, tried: [`--python ${explicit}`] };
  }
  const tried: string[] = [];
  const virtualEnv = env.VIRTUAL_ENV;
  if (virtualEnv) {
    tried.push(`$VIRTUAL_ENV (${virtualEnv})`);
    const found = venvPython(virtualEnv);
    if (found) return { command: found, tried };
  }
  for (const name of ['.venv', 'venv']) {
    tried.push(`${name}/bin/python`);
    const found = venvPython(path.join(dir, name));
    if (found) return { command: found, tried };
  }
  tried.push('python3 on PATH');
  return { command: 'python3', tried };
}

/** Runs INSPECT_SCRIPT with the interpreter; throws ResolverError when it cannot. */
export function inspectEnvironment(command: string, tried: readonly string[], cwd: string): EnvironmentDump {
  const run = spawnSync(command, ['-c', INSPECT_SCRIPT], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
    env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' },
  });
  const code = (run.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES') {
    throw new ResolverError(`no Python interpreter found (tried ${tried.join(', ')}): install python3 or pass --python PATH`);
  }
  if (run.error) throw new ResolverError(`${command} could not be run to list the Python environment: ${run.error.message}`);
  if (run.status !== 0) {
    const lines = (run.stderr ?? '').trim().split('\n').filter((line) => line.trim() !== '');
    throw new ResolverError(`${command} failed to list its distributions (exit ${run.status}): ${lines.slice(-2).join(' | ') || 'no message'}; is it Python 3.8+? (--python PATH)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    throw new ResolverError(`${command} printed something that is not JSON while listing its distributions; is it Python 3.8+? (--python PATH)`);
  }
  const dump = parsed as Partial<EnvironmentDump> & { error?: string };
  if (typeof dump.error === 'string') throw new ResolverError(`${command}: ${dump.error} (--python PATH)`);
  if (!Array.isArray(dump.distributions) || !Array.isArray(dump.stdlib)) throw new ResolverError(`${command} printed an unexpected listing of its distributions`);
  return {
    executable: dump.executable ?? command,
    version: dump.version ?? '',
    prefix: dump.prefix ?? '',
    searchPath: dump.searchPath ?? [],
    markerEngine: dump.markerEngine ?? null,
    stdlib: dump.stdlib,
    distributions: dump.distributions,
    packagesDistributions: dump.packagesDistributions ?? null,
    problems: dump.problems ?? [],
  };
}
