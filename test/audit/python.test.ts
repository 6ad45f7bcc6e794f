import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFromDump, resolvePython } from '../../src/audit/python.ts';
import { findInterpreter, type DumpDistribution, type EnvironmentDump } from '../../src/audit/python/inspect.ts';
import { normalizeName } from '../../src/audit/python/names.ts';
import { moduleLevelImports } from '../../src/audit/python/sourceImports.ts';
import { ResolverError, type Resolution, type ResolverOptions } from '../../src/audit/types.ts';

const TREE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'trees', 'pip');
const PROJECT = path.join(TREE, 'project');
const SITE_A = path.join(TREE, 'site-a');
const SITE_B = path.join(TREE, 'site-b');

const scratch = mkdtempSync(path.join(os.tmpdir(), 'envrace-pip-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hasPython3 = spawnSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 8)']).status === 0;
if (!hasPython3) console.warn('SKIPPED pip resolver tests against a real interpreter: python3 (3.8+) is not on PATH; install it (apt-get install python3)');

/** Where `packaging` (or pip's vendored copy) lives for python3, to let a `-S` interpreter evaluate markers. */
const markerEngineDir = ((): string | undefined => {
  if (!hasPython3) return undefined;
  const probe = spawnSync(
    'python3',
    ['-c', 'import os\ntry:\n    import packaging as m\nexcept ImportError:\n    import pip as m\nprint(os.path.dirname(os.path.dirname(m.__file__)))'],
    { encoding: 'utf8' },
  );
  return probe.status === 0 ? probe.stdout.trim() : undefined;
})();
if (hasPython3 && !markerEngineDir) console.warn('SKIPPED marker-evaluation test: python3 has neither `packaging` nor `pip`; install python3-packaging or python3-pip');

let wrappers = 0;
/** An executable that runs python3 without its own site-packages, seeing only these folders on sys.path. */
function fakeInterpreter(sitePath: readonly string[]): string {
  wrappers += 1;
  const file = path.join(scratch, `python-${wrappers}`);
  const quoted = sitePath.map((dir) => dir.replace(/'/g, `'\\''`)).join(':');
  writeFileSync(file, `#!/bin/sh\nPYTHONPATH='${quoted}' exec python3 -S "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

function options(overrides: Partial<ResolverOptions> = {}): ResolverOptions {
  return { dir: PROJECT, includeDev: false, allDeps: false, cargoArgs: [], ...overrides };
}

/** The imports the lead extracts from test/audit/trees/pip/project/app.py (top-level names, plus a dotted one). */
const APP_IMPORTS = ['alpha', 'beta.sub', 'dup', 'inner_tool', 'local_helper', 'not_installed_anywhere', 'os', 'thing'];

const ids = (resolution: Resolution): string[] => resolution.packages.map((pkg) => pkg.ref.id);
const pkgOf = (resolution: Resolution, id: string) => {
  const found = resolution.packages.find((pkg) => pkg.ref.id === id);
  if (!found) throw new Error(`no package ${id} in ${ids(resolution).join(', ')}`);
  return found;
};
const relative = (files: readonly string[]): string[] => files.map((file) => path.relative(TREE, file).split(path.sep).join('/'));

describe('module-level imports of a Python source', () => {
  it('reads plain, dotted, aliased and relative imports, with their names', () => {
    const source = [
      'import os, sys as system',
      'import a.b.c as abc',
      'from .core import run, stop as halt',
      'from .. import sibling',
      'from pkg.sub import (',
      '    one,  # first',
      '    two as deux,',
      ')',
      'from x import \\',
      '    y',
      'import p; import q',
      'from star import *',
    ].join('\n');
    expect(moduleLevelImports(source)).toEqual([
      { level: 0, module: 'os', names: [] },
      { level: 0, module: 'sys', names: [] },
      { level: 0, module: 'a.b.c', names: [] },
      { level: 1, module: 'core', names: ['run', 'stop'] },
      { level: 2, module: '', names: ['sibling'] },
      { level: 0, module: 'pkg.sub', names: ['one', 'two'] },
      { level: 0, module: 'x', names: ['y'] },
      { level: 0, module: 'p', names: [] },
      { level: 0, module: 'q', names: [] },
      { level: 0, module: 'star', names: ['*'] },
    ]);
  });

  it('leaves out indented (optional, lazy) imports and lines inside triple-quoted strings', () => {
    const source = [
      '"""Usage:',
      'import not_a_real_import',
      '"""',
      'try:',
      '    import simplejson as json',
      'except ImportError:',
      '    import json',
      'def f():',
      '    import lazy',
      "x = '''",
      'from nowhere import thing',
      "'''",
      'import real',
    ].join('\n');
    expect(moduleLevelImports(source)).toEqual([{ level: 0, module: 'real', names: [] }]);
  });
});

describe('distribution names', () => {
  it('normalizes per PEP 503', () => {
    expect(normalizeName('Py_Thing')).toBe('py-thing');
    expect(normalizeName('zope.interface')).toBe('zope-interface');
    expect(normalizeName('charset__Normalizer')).toBe('charset-normalizer');
  });
});

describe('choosing the interpreter', () => {
  const project = path.join(scratch, 'interp-project');
  const venv = (dir: string): string => {
    mkdirSync(path.join(dir, 'bin'), { recursive: true });
    writeFileSync(path.join(dir, 'bin', 'python'), '#!/bin/sh\n');
    return path.join(dir, 'bin', 'python');
  };
  mkdirSync(project, { recursive: true });

  it('prefers --python, then $VIRTUAL_ENV, then .venv, then venv, then python3 on PATH', () => {
    expect(findInterpreter(project, undefined, {})).toEqual({ command: 'python3', tried: ['.venv/bin/python', 'venv/bin/python', 'python3 on PATH'] });
    const plain = venv(path.join(project, 'venv'));
    expect(findInterpreter(project, undefined, {}).command).toBe(plain);
    const dotted = venv(path.join(project, '.venv'));
    expect(findInterpreter(project, undefined, {}).command).toBe(dotted);
    const active = venv(path.join(scratch, 'active-venv'));
    expect(findInterpreter(project, undefined, { VIRTUAL_ENV: path.join(scratch, 'active-venv') }).command).toBe(active);
    // A stale $VIRTUAL_ENV (its folder removed) falls through to the project's own venv.
    expect(findInterpreter(project, undefined, { VIRTUAL_ENV: path.join(scratch, 'gone') }).command).toBe(dotted);
    expect(findInterpreter(project, plain, { VIRTUAL_ENV: path.join(scratch, 'active-venv') }).command).toBe(plain);
    // --python may name a virtual environment's folder.
    expect(findInterpreter(project, path.join(scratch, 'active-venv'), {}).command).toBe(active);
  });

  it('refuses a --python path that does not exist, naming the option', () => {
    expect(() => findInterpreter(project, path.join(scratch, 'no', 'python'), {})).toThrow(ResolverError);
    expect(() => findInterpreter(project, path.join(scratch, 'no', 'python'), {})).toThrow(/--python .*no such interpreter/);
  });

  it('says what was tried when no interpreter can be run', () => {
    const run = (): Resolution => resolvePython(options({ python: 'envrace-no-such-python3' }), []);
    expect(run).toThrow(ResolverError);
    expect(run).toThrow(/no Python interpreter found \(tried --python envrace-no-such-python3\).*--python PATH/);
  });

  it('reports an interpreter that fails or prints something else than the listing, in one line', () => {
    const failing = path.join(scratch, 'failing-python');
    writeFileSync(failing, '#!/bin/sh\necho "SyntaxError: invalid syntax" >&2\nexit 1\n');
    chmodSync(failing, 0o755);
    expect(() => resolvePython(options({ python: failing }), [])).toThrow(/failed to list its distributions \(exit 1\): SyntaxError: invalid syntax/);
    const chatty = path.join(scratch, 'chatty-python');
    writeFileSync(chatty, '#!/bin/sh\necho "Python 2.7.18"\n');
    chmodSync(chatty, 0o755);
    expect(() => resolvePython(options({ python: chatty }), [])).toThrow(/not JSON/);
    try {
      resolvePython(options({ python: chatty }), []);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe.skipIf(!hasPython3)('resolving a hand-made site-packages with the real interpreter', () => {
  // `-S`: no site module, so no `packaging` and no pip: markers other than extras are kept.
  const python = fakeInterpreter([SITE_A, SITE_B]);
  const fresh = (overrides: Partial<ResolverOptions> = {}): Resolution => resolvePython(options({ python, ...overrides }), APP_IMPORTS);
  const memo = new Map<string, Resolution>();
  /** One interpreter run per option set (each spawns python3). */
  const resolution = (overrides: Partial<ResolverOptions> = {}): Resolution => {
    const key = JSON.stringify(overrides);
    if (!memo.has(key)) memo.set(key, fresh(overrides));
    return memo.get(key)!;
  };

  it('returns the project first, then only the distributions its imports reach, sorted', () => {
    expect(ids(resolution())).toEqual([
      'pip:project',
      'pip:Py_Thing@3.0', // `import thing`: top_level.txt maps the module to its distribution
      'pip:alpha@1.0',
      'pip:beta@2.0', // imported directly (`from beta.sub import mod`) and by alpha/__init__.py
      'pip:delta@1.0', // `python_version < "3"` cannot be evaluated without packaging: kept
      'pip:dup@1.0', // installed twice: site-a is first on sys.path
      'pip:fastlib@1.0', // alpha requires gamma[fast]; gamma's extra "fast" requires fastlib
      'pip:gamma@0.5',
    ]);
    const project = resolution().packages[0]!;
    expect(project.ref).toEqual({ id: 'pip:project', name: 'project', root: PROJECT, deps: {}, inProject: true });
    expect(project.files).toEqual([]);
  });

  it('leaves out an extra nobody asks for, and a module only an unimported submodule needs', () => {
    const found = ids(resolution());
    expect(found).not.toContain('pip:epsilon@1.0'); // alpha's extra "extra-one"
    expect(found).not.toContain('pip:zeta@1.0'); // imported by alpha/contrib.py only, which nothing imports
    expect(found).not.toContain('pip:unused@1.0');
    expect(found).not.toContain('pip:dup@2.0');
  });

  it('gives each distribution its import name, its site directory as root and its shortest paths', () => {
    const result = resolution();
    const thing = pkgOf(result, 'pip:Py_Thing@3.0');
    expect(thing.displayName).toBe('Py_Thing');
    expect(thing.ecosystem).toBe('pip');
    expect(thing.ref).toEqual({ id: 'pip:Py_Thing@3.0', name: 'thing', version: '3.0', root: SITE_A, deps: {}, inProject: false });
    expect(pkgOf(result, 'pip:fastlib@1.0').paths).toEqual([['pip:project', 'pip:alpha@1.0', 'pip:gamma@0.5', 'pip:fastlib@1.0']]);
    expect(pkgOf(result, 'pip:beta@2.0').paths).toEqual([['pip:project', 'pip:beta@2.0']]);
    expect(pkgOf(result, 'pip:dup@1.0').ref.root).toBe(SITE_A);
  });

  it('selects RECORD files inside the site directory, and the whole top-level package of an .egg-info without a file list', () => {
    const result = resolution();
    // alpha/gone.py is missing; outside/alpha_script.py is present but not importable from the site.
    expect(relative(pkgOf(result, 'pip:alpha@1.0').files)).toEqual(['site-a/alpha/__init__.py', 'site-a/alpha/contrib.py', 'site-a/alpha/core.py']);
    // beta/sub/__init__.py is empty (no code): left out; tests are kept.
    expect(relative(pkgOf(result, 'pip:beta@2.0').files)).toEqual(['site-a/beta/__init__.py', 'site-a/beta/sub/mod.py', 'site-a/beta/tests/test_beta.py']);
    expect(relative(pkgOf(result, 'pip:gamma@0.5').files)).toEqual(['site-a/gamma.py']);
    expect(relative(pkgOf(result, 'pip:dup@1.0').files)).toEqual(['site-a/dup.py']);
    // Present: alpha 4 (with the script outside the site), beta 4 (with the empty one), one each for the five others.
    expect(result.stats).toEqual({ filesPresent: 13, filesSelected: 11 });
  });

  it('reports a RECORD listing missing files, metadata without a name and an import nothing provides, and goes on', () => {
    const problems = resolution().problems;
    const record = path.join(SITE_A, 'alpha-1.0.dist-info', 'RECORD');
    expect(problems).toContainEqual({ file: record, reason: 'RECORD lists 1 file that is missing (alpha 1.0); analyzing the rest', severity: 'warning' });
    expect(problems).toContainEqual({ file: path.join(SITE_B, 'broken-0.1.dist-info'), reason: 'distribution metadata without a Name: ignored', severity: 'note' });
    const missing = problems.filter((problem) => problem.reason.startsWith('no distribution of this interpreter provides'));
    // `inner_tool` is the project's own (tools/inner_tool.py), `local_helper` too, `os` is standard library.
    expect(missing).toHaveLength(1);
    expect(missing[0]!.reason).toContain("'not_installed_anywhere'");
    expect(missing[0]!.reason).not.toContain('inner_tool');
    for (const problem of problems) expect(problem.reason).not.toContain('\n');
  });

  it('analyzes every distribution of the environment with allDeps, with no path for those the project does not reach', () => {
    const result = resolution({ allDeps: true });
    expect(ids(result)).toEqual([
      'pip:project',
      'pip:Py_Thing@3.0',
      'pip:alpha@1.0',
      'pip:beta@2.0',
      'pip:delta@1.0',
      'pip:dup@1.0',
      'pip:epsilon@1.0',
      'pip:fastlib@1.0',
      'pip:gamma@0.5',
      'pip:unused@1.0',
      'pip:zeta@1.0',
    ]);
    expect(pkgOf(result, 'pip:unused@1.0').paths).toEqual([]);
    expect(pkgOf(result, 'pip:unused@1.0').files).toHaveLength(1);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(fresh())).toBe(JSON.stringify(resolution()));
  });

  it.skipIf(!markerEngineDir)('evaluates markers for this interpreter when packaging is importable', () => {
    const withEngine = fakeInterpreter([SITE_A, SITE_B, markerEngineDir!]);
    const found = ids(resolvePython(options({ python: withEngine }), APP_IMPORTS));
    expect(found).not.toContain('pip:delta@1.0');
    expect(found).toContain('pip:gamma@0.5'); // python_version >= "3"
    expect(found).toContain('pip:fastlib@1.0');
  });
});

describe('resolving from a listing', () => {
  const dist = (name: string, version: string, extra: Partial<DumpDistribution> = {}): DumpDistribution => ({
    name,
    version,
    pathIndex: 0,
    site: path.join(scratch, 'no-site'),
    metadataPath: null,
    requires: [],
    topLevel: [normalizeName(name).replace(/-/g, '_')],
    record: { count: 0, py: [] },
    ...extra,
  });
  const dump = (distributions: DumpDistribution[], extra: Partial<EnvironmentDump> = {}): EnvironmentDump => ({
    executable: '/usr/bin/python3',
    version: '3.11.2',
    prefix: '/usr',
    searchPath: [],
    markerEngine: 'packaging',
    stdlib: ['os', 'sys', 'typing'],
    distributions,
    packagesDistributions: null,
    problems: [],
    ...extra,
  });
  const resolve = (listing: EnvironmentDump, imports: string[], overrides: Partial<ResolverOptions> = {}): Resolution =>
    resolveFromDump(options({ dir: path.join(scratch, 'listing-app'), ...overrides }), imports, listing);

  it('follows extras asked by a later requirer, processing a distribution again', () => {
    const listing = dump([
      dist('a', '1', { requires: [{ name: 'b', extras: [], when: 'always' }] }),
      dist('c', '1', { requires: [{ name: 'B', extras: ['Speed_Ups'], when: 'always' }] }),
      dist('b', '1', { requires: [{ name: 'd', extras: [], when: ['speed-ups'] }, { name: 'e', extras: [], when: ['other'] }] }),
      dist('d', '1'),
      dist('e', '1'),
    ]);
    expect(ids(resolve(listing, ['a']))).toEqual(['pip:listing-app', 'pip:a@1', 'pip:b@1']);
    const both = resolve(listing, ['a', 'c']);
    expect(ids(both)).toEqual(['pip:listing-app', 'pip:a@1', 'pip:b@1', 'pip:c@1', 'pip:d@1']);
    // Paths are drawn on the merged graph: b's extras count whoever asked for them.
    expect(pkgOf(both, 'pip:d@1').paths).toEqual([
      ['pip:listing-app', 'pip:a@1', 'pip:b@1', 'pip:d@1'],
      ['pip:listing-app', 'pip:c@1', 'pip:b@1', 'pip:d@1'],
    ]);
    expect(pkgOf(both, 'pip:b@1').paths).toEqual([
      ['pip:listing-app', 'pip:a@1', 'pip:b@1'],
      ['pip:listing-app', 'pip:c@1', 'pip:b@1'],
    ]);
  });

  it('maps modules with packages_distributions, keeps the first of duplicate distributions, ignores the standard library', () => {
    const listing = dump(
      [
        dist('PyYAML', '6.0.3', { pathIndex: 2, topLevel: ['_yaml', 'yaml'] }),
        dist('PyYAML', '6.0', { pathIndex: 5, topLevel: ['_yaml', 'yaml'] }),
        dist('typing', '3.7.4'), // a backport that the standard library shadows
      ],
      { packagesDistributions: { yaml: ['PyYAML', 'PyYAML'], _yaml: ['PyYAML'], typing: ['typing'] } },
    );
    // Listed out of sys.path order: the smaller pathIndex still wins.
    listing.distributions.reverse();
    const result = resolve(listing, ['typing', 'yaml', 'os']);
    expect(ids(result)).toEqual(['pip:listing-app', 'pip:PyYAML@6.0.3']);
    expect(pkgOf(result, 'pip:PyYAML@6.0.3').ref.name).toBe('yaml');
    expect(result.problems).toEqual([]);
  });

  it('falls back to the normalized distribution name when nothing maps the module', () => {
    const listing = dump([dist('Some-Lib', '2', { topLevel: null })]);
    expect(ids(resolve(listing, ['some_lib']))).toEqual(['pip:listing-app', 'pip:Some-Lib@2']);
  });

  it('passes the interpreter’s own problems on, relative to the project when inside it', () => {
    const dir = path.join(scratch, 'listing-app');
    const listing = dump([], { problems: [{ file: path.join(dir, '.venv', 'lib', 'x.dist-info'), reason: 'distribution metadata without a Name: ignored' }] });
    expect(resolve(listing, []).problems).toEqual([{ file: '.venv/lib/x.dist-info', reason: 'distribution metadata without a Name: ignored', severity: 'note' }]);
  });
});
