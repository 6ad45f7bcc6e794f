import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveNpm } from '../../src/audit/npm.ts';
import { readManifest, resolveEntry } from '../../src/audit/npm/manifest.ts';
import { ResolverError, type Resolution, type ResolverOptions } from '../../src/audit/types.ts';
import { toPosix } from '../../src/util/paths.ts';
import { runCli } from '../support/cli.ts';
import { temporaryTrees } from '../support/tree.ts';

/**
 * The npm resolver on small hand-made trees (test/audit/trees/npm). The repository ignores
 * `node_modules` folders, so the trees spell them `_node_modules` and each test works on a copy where
 * they are renamed; symlinks (workspaces, broken links, loops) are made here.
 */
const TREES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'trees', 'npm');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'envrace-npm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
function copyTree(name: string, into?: string): string {
  copies += 1;
  const target = path.join(into ?? path.join(scratch, String(copies)), name);
  const copy = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const dest = path.join(to, entry.name === '_node_modules' ? 'node_modules' : entry.name);
      if (entry.isDirectory()) copy(path.join(from, entry.name), dest);
      else cpSync(path.join(from, entry.name), dest);
    }
  };
  copy(path.join(TREES, name), target);
  return target;
}

function resolve(dir: string, extra: Partial<ResolverOptions> = {}): Resolution {
  return resolveNpm({ dir, includeDev: false, allDeps: false, cargoArgs: [], ...extra });
}

const ids = (resolution: Resolution): string[] => resolution.packages.map((pkg) => pkg.ref.id);
const pkg = (resolution: Resolution, id: string) => {
  const found = resolution.packages.find((p) => p.ref.id === id);
  if (!found) throw new Error(`no package ${id} in ${ids(resolution).join(', ')}`);
  return found;
};
const relativeFiles = (root: string, files: string[]): string[] => files.map((file) => toPosix(path.relative(root, file)));
/** What does not depend on where the copy lives: ids, names, deps, entries, files, paths, dev flags. */
function shape(resolution: Resolution, dir: string) {
  return resolution.packages.map((p) => ({
    id: p.ref.id,
    name: p.ref.name,
    displayName: p.displayName,
    version: p.ref.version,
    root: toPosix(path.relative(dir, p.ref.root)),
    deps: p.ref.deps,
    entry: p.ref.entry === undefined ? undefined : toPosix(path.relative(dir, p.ref.entry)),
    inProject: p.ref.inProject,
    files: relativeFiles(dir, p.files),
    paths: p.paths,
    dev: p.dev,
  }));
}

const ROOT = 'npm:lock-app@1.0.0:.';
const A = 'npm:a@1.0.0:node_modules/a';
const B1 = 'npm:b@1.0.0:node_modules/b';
const B2 = 'npm:b@2.0.0:node_modules/a/node_modules/b';
const C = 'npm:c@1.0.0:node_modules/c';
const D = 'npm:@scope/d@1.2.0:node_modules/@scope/d';
const DEVTOOL = 'npm:devtool@1.0.0:node_modules/devtool';

describe('npm resolver: package-lock.json v3', () => {
  const dir = copyTree('lock-app');
  const resolution = resolve(dir);

  it('keeps what the production dependencies reach, the project first, then by id', () => {
    expect(resolution.ecosystem).toBe('npm');
    expect(ids(resolution)).toEqual([ROOT, D, A, B1, B2, C]);
    expect(resolution.problems).toEqual([]);
  });

  it('describes the project itself without files, with its own entry', () => {
    const root = resolution.packages[0]!;
    expect(root.ref).toMatchObject({ name: 'lock-app', version: '1.0.0', inProject: true, root: toPosix(dir), entry: toPosix(path.join(dir, 'app.js')) });
    expect(root.ref.deps).toEqual({ a: A, b: B1 });
    expect(root.files).toEqual([]);
    expect(root.paths).toEqual([[ROOT]]);
  });

  it('maps each dependency name to the copy Node loads from that package (nested copies win)', () => {
    expect(pkg(resolution, A).ref.deps).toEqual({ b: B2, c: C });
    expect(pkg(resolution, B1).ref.deps).toEqual({ '@scope/d': D });
    expect(pkg(resolution, C).ref.deps).toEqual({ '@scope/d': D });
    expect(pkg(resolution, B2).ref.deps).toEqual({});
    expect(pkg(resolution, B2).ref.name).toBe('b');
    expect(pkg(resolution, D).ref.name).toBe('@scope/d');
    expect(pkg(resolution, D).displayName).toBe('@scope/d');
  });

  it('resolves entry points: index.js, main as a folder, main without extension, exports conditions', () => {
    const entry = (id: string): string | undefined => {
      const e = pkg(resolution, id).ref.entry;
      return e === undefined ? undefined : toPosix(path.relative(dir, e));
    };
    expect(entry(A)).toBe('node_modules/a/index.js');
    expect(entry(B2)).toBe('node_modules/a/node_modules/b/lib/index.js');
    expect(entry(B1)).toBe('node_modules/b/main.js');
    expect(entry(C)).toBe('node_modules/c/cjs/c.cjs');
    expect(entry(D)).toBe('node_modules/@scope/d/node.cjs');
  });

  it('selects the sources: no .d.ts, no source maps, no nested node_modules; minified bundles kept', () => {
    const a = pkg(resolution, A);
    expect(relativeFiles(a.ref.root, a.files)).toEqual(['dist/bundle.min.js', 'index.js', 'lib/x.cjs', 'lib/y.mjs', 'src/z.ts']);
    for (const p of resolution.packages) for (const file of p.files) expect(path.isAbsolute(file)).toBe(true);
  });

  it('gives the shortest dependency paths from the project', () => {
    expect(pkg(resolution, B2).paths).toEqual([[ROOT, A, B2]]);
    expect(pkg(resolution, D).paths).toEqual([[ROOT, B1, D]]);
    expect(pkg(resolution, C).paths).toEqual([[ROOT, A, C]]);
  });

  it('counts the files present in the reached packages against those selected', () => {
    // a: 10 files (b's nested copy excluded); b@2: 2; b@1: 2; c: 5; @scope/d: 4.
    expect(resolution.stats).toEqual({ filesPresent: 23, filesSelected: 13 });
  });

  it('adds development dependencies, marked, only with includeDev', () => {
    expect(ids(resolution)).not.toContain(DEVTOOL);
    const withDev = resolve(dir, { includeDev: true });
    expect(ids(withDev)).toEqual([ROOT, D, A, B1, B2, C, DEVTOOL]);
    expect(pkg(withDev, DEVTOOL).dev).toBe(true);
    expect(pkg(withDev, C).dev).toBeUndefined();
    expect(withDev.packages[0]!.ref.deps).toEqual({ a: A, b: B1, devtool: DEVTOOL });
    expect(pkg(withDev, DEVTOOL).ref.entry).toBe(toPosix(path.join(dir, 'node_modules/devtool/tool.js')));
  });

  it('is deterministic', () => {
    expect(resolve(dir)).toEqual(resolution);
  });
});

describe('npm resolver: walking node_modules', () => {
  const locked = copyTree('lock-app');
  const walked = copyTree('lock-app');
  rmSync(path.join(walked, 'package-lock.json'));

  it('finds the same tree as the lockfile, by Node\'s resolution', () => {
    const a = resolve(locked);
    const b = resolve(walked);
    expect(b.problems).toEqual([]);
    expect(shape(b, walked)).toEqual(shape(a, locked));
    expect(b.stats).toEqual(a.stats);
  });

  it('marks packages reachable only through devDependencies as dev', () => {
    const withDev = resolve(walked, { includeDev: true });
    expect(shape(withDev, walked)).toEqual(shape(resolve(locked, { includeDev: true }), locked));
    expect(pkg(withDev, DEVTOOL).dev).toBe(true);
  });

  it('walks for a v1 lockfile (no packages map) without a problem', () => {
    const v1 = copyTree('lock-app');
    writeFileSync(path.join(v1, 'package-lock.json'), JSON.stringify({ name: 'lock-app', lockfileVersion: 1, dependencies: { a: { version: '1.0.0' } } }));
    const result = resolve(v1);
    expect(result.problems).toEqual([]);
    expect(shape(result, v1)).toEqual(shape(resolve(walked), walked));
  });
});

describe('npm resolver: entry points', () => {
  /** A package folder with these files (path → content) and this package.json; its entry, relative. */
  const entryOf = (manifest: Record<string, unknown>, files: string[]): string | undefined => {
    const folder = mkdtempSync(path.join(scratch, 'entry-'));
    writeFileSync(path.join(folder, 'package.json'), JSON.stringify(manifest));
    for (const file of files) {
      mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
      writeFileSync(path.join(folder, file), '');
    }
    const read = readManifest(folder);
    if (read.status !== 'ok') throw new Error(read.status);
    const entry = resolveEntry(folder, read.manifest);
    return entry === undefined ? undefined : toPosix(path.relative(folder, entry));
  };

  it.each([
    ['a string exports', { exports: './lib/a.js', main: 'main.js' }, ['lib/a.js', 'main.js'], 'lib/a.js'],
    ['"." with node before require', { exports: { '.': { require: './r.cjs', node: './n.js' } } }, ['r.cjs', 'n.js'], 'n.js'],
    ['import when there is no require', { exports: { '.': { import: './m.mjs', default: './d.js' } } }, ['m.mjs', 'd.js'], 'm.mjs'],
    ['nested conditions', { exports: { '.': { node: { module: './x.js', require: './nr.cjs' }, default: './d.js' } } }, ['x.js', 'nr.cjs', 'd.js'], 'nr.cjs'],
    ['an array of fallbacks', { exports: [{ worker: './w.js' }, './fallback.js'] }, ['w.js', 'fallback.js'], 'fallback.js'],
    ['an exports target that is missing, then main', { exports: { '.': './gone.js' }, main: 'lib/main' }, ['lib/main.js'], 'lib/main.js'],
    ['an exports target outside the package', { exports: { '.': './../escape.js' }, main: 'in.js' }, ['in.js'], 'in.js'],
    ['subpaths only', { exports: { './feature': './feature.js' }, main: 'in.js' }, ['feature.js', 'in.js'], 'in.js'],
    ['main naming a folder', { main: './dist' }, ['dist/index.js'], 'dist/index.js'],
    ['main that is missing, then index.js', { main: 'build/out.js' }, ['index.js'], 'index.js'],
    ['nothing at all', {}, ['lib/other.js'], undefined],
  ])('resolves %s', (_what, manifest, files, expected) => {
    expect(entryOf(manifest, files)).toBe(expected);
  });
});

describe('npm resolver: bad input', () => {
  it('reports a lockfile that is not JSON in one line, then walks node_modules', () => {
    const dir = copyTree('lock-app');
    writeFileSync(path.join(dir, 'package-lock.json'), '{ "lockfileVersion": 3, "packages": { ');
    const result = resolve(dir);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.file).toBe('package-lock.json');
    expect(result.problems[0]!.reason).toMatch(/^malformed lockfile: not valid JSON .*; walking node_modules instead$/);
    expect(ids(result)).toEqual([ROOT, D, A, B1, B2, C]);
  });

  it.each([
    ['a packages map that is an array', { lockfileVersion: 3, packages: [] }, /"packages" is not an object/],
    ['an entry that is not an object', { lockfileVersion: 3, packages: { '': {}, 'node_modules/a': 'yes' } }, /entry "node_modules\/a" is not an object/],
    ['dependencies of the wrong type', { lockfileVersion: 2, packages: { 'node_modules/a': { dependencies: ['b'] } } }, /"dependencies" is not an object/],
    ['a v3 lockfile without packages', { lockfileVersion: 3 }, /without a "packages" map/],
    ['an absolute key', { lockfileVersion: 3, packages: { '/etc/node_modules/a': {} } }, /is not a relative folder/],
  ])('reports a lockfile with %s and walks instead', (_what, content, reason) => {
    const dir = copyTree('lock-app');
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(content));
    const result = resolve(dir);
    expect(result.problems.map((p) => p.file)).toEqual(['package-lock.json']);
    expect(result.problems[0]!.reason).toMatch(reason);
    expect(ids(result)).toEqual([ROOT, D, A, B1, B2, C]);
  });

  it('reports broken symlinks and symlink loops one line each, and goes on', () => {
    const dir = copyTree('lock-app');
    rmSync(path.join(dir, 'package-lock.json'));
    const nm = path.join(dir, 'node_modules');
    symlinkSync('../nowhere', path.join(nm, 'broken'));
    symlinkSync('selfloop', path.join(nm, 'selfloop'));
    symlinkSync('.', path.join(nm, 'a', 'again'));
    symlinkSync('missing.js', path.join(nm, 'a', 'dangling.js'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'lock-app', version: '1.0.0', dependencies: { a: '1', b: '1', broken: '1', selfloop: '1' } }));
    const result = resolve(dir);
    expect(result.problems).toEqual([
      { file: 'node_modules/a/again', reason: 'symlink to a directory already listed (a loop), not followed' },
      { file: 'node_modules/a/dangling.js', reason: 'broken symlink' },
      { file: 'node_modules/broken', reason: 'broken symlink' },
      { file: 'node_modules/selfloop', reason: 'symlink loop' },
    ]);
    expect(ids(result)).toEqual([ROOT, D, A, B1, B2, C]);
  });

  it('reports the same broken symlink with a lockfile that lists it', () => {
    const dir = copyTree('lock-app');
    symlinkSync('../nowhere', path.join(dir, 'node_modules', 'broken'));
    const lockPath = path.join(dir, 'package-lock.json');
    writeFileSync(lockPath, JSON.stringify({
      lockfileVersion: 3,
      packages: { '': { name: 'lock-app', dependencies: { a: '1', broken: '1' } }, 'node_modules/a': { version: '1.0.0' }, 'node_modules/broken': { version: '1.0.0' } },
    }));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'lock-app', version: '1.0.0', dependencies: { a: '1', broken: '1' } }));
    const result = resolve(dir);
    expect(result.problems).toEqual([{ file: 'node_modules/broken', reason: 'broken symlink' }]);
    // The lockfile is the tree: its entry for a declares no dependencies.
    expect(ids(result)).toEqual([ROOT, A]);
    expect(pkg(result, A).ref.deps).toEqual({});
  });

  it('reports dependencies that are not installed, and an install that never ran, once', () => {
    const dir = copyTree('lock-app');
    rmSync(path.join(dir, 'package-lock.json'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'lock-app', version: '1.0.0', dependencies: { a: '1', gone: '1' } }));
    const result = resolve(dir);
    expect(result.problems).toEqual([{ file: 'package.json', reason: 'dependency "gone" is not installed (run npm install)' }]);

    rmSync(path.join(dir, 'node_modules'), { recursive: true });
    const bare = resolve(dir);
    expect(bare.problems).toEqual([{ file: 'node_modules', reason: 'missing: run npm install (or npm ci) to audit the npm dependencies' }]);
    expect(ids(bare)).toEqual(['npm:lock-app@1.0.0:.']);
  });

  it('reports a lockfile entry that is not installed, unless it is optional', () => {
    const dir = copyTree('lock-app');
    rmSync(path.join(dir, 'node_modules', 'c'), { recursive: true });
    const result = resolve(dir);
    expect(result.problems).toEqual([{ file: 'node_modules/a/package.json', reason: 'dependency "c" is in package-lock.json but not installed (run npm install)' }]);
    expect(ids(result)).toEqual([ROOT, D, A, B1, B2]);
  });

  it('reports malformed package.json files and goes on', () => {
    const dir = copyTree('lock-app');
    writeFileSync(path.join(dir, 'node_modules', 'b', 'package.json'), '{ "name": "b", ');
    writeFileSync(path.join(dir, 'package.json'), '{ "dependencies": [] }');
    const result = resolve(dir);
    expect(result.problems.map((p) => p.file)).toEqual(['node_modules/b/package.json', 'package.json']);
    expect(result.problems[0]!.reason).toMatch(/^malformed package\.json \(.+\)$/);
    expect(result.problems[1]!.reason).toBe('malformed package.json ("dependencies" is not an object)');
    // The lockfile's root entry stands in for the unusable package.json; b keeps its lockfile version
    // but has no known entry (its "main" was in the unreadable manifest, and it has no index.js).
    expect(ids(result)).toEqual([ROOT, D, A, B1, B2, C]);
    expect(pkg(result, B1).ref.entry).toBeUndefined();
    expect(pkg(result, B1).ref.deps).toEqual({ '@scope/d': D });
  });

  it('ignores dependency names that are paths', () => {
    const dir = copyTree('lock-app');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'lock-app', version: '1.0.0', dependencies: { a: '1', '../../escape': '1', '.hidden': '1' } }));
    const result = resolve(dir);
    expect(result.problems).toEqual([
      { file: 'package.json', reason: 'invalid dependency name "../../escape", ignored' },
      { file: 'package.json', reason: 'invalid dependency name ".hidden", ignored' },
    ]);
    expect(result.packages[0]!.ref.deps).toEqual({ a: A });
  });

  it('throws a ResolverError for a folder with neither package.json nor lockfile', () => {
    const dir = mkdtempSync(path.join(scratch, 'empty-'));
    expect(() => resolve(dir)).toThrow(ResolverError);
    expect(() => resolve(dir)).toThrow(/no package\.json/);
  });
});

describe('npm resolver: workspaces and links', () => {
  it('treats workspace packages as the project, linked from node_modules', () => {
    const dir = copyTree('ws-app');
    mkdirSync(path.join(dir, 'node_modules', '@ws'), { recursive: true });
    symlinkSync('../../packages/web', path.join(dir, 'node_modules', '@ws', 'web'));
    const result = resolve(dir);
    const ROOT_WS = 'npm:ws-app@0.1.0:.';
    const WEB = 'npm:@ws/web@0.2.0:packages/web';
    const LIB = 'npm:lib@1.0.0:node_modules/lib';
    expect(result.problems).toEqual([]);
    expect(ids(result)).toEqual([ROOT_WS, WEB, LIB]);
    expect(pkg(result, WEB).ref).toMatchObject({ name: '@ws/web', inProject: true, deps: { lib: LIB }, entry: toPosix(path.join(dir, 'packages/web/server.js')) });
    expect(pkg(result, WEB).files).toEqual([]);
    expect(result.packages[0]!.ref.deps).toEqual({ '@ws/web': WEB });
    expect(pkg(result, LIB).paths).toEqual([[ROOT_WS, WEB, LIB]]);
    expect(result.stats).toEqual({ filesPresent: 2, filesSelected: 1 });

    rmSync(path.join(dir, 'package-lock.json'));
    const walked = resolve(dir);
    expect(shape(walked, dir)).toEqual(shape(result, dir));
  });

  it('follows a file: link to a folder outside the project, which is a dependency', () => {
    const parent = mkdtempSync(path.join(scratch, 'link-'));
    const dir = path.join(parent, 'app');
    const ext = path.join(parent, 'ext');
    mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    mkdirSync(path.join(ext, 'node_modules', 'inner'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { ext: 'file:../ext' } }));
    writeFileSync(path.join(ext, 'package.json'), JSON.stringify({ name: 'ext', version: '3.0.0', dependencies: { inner: '1' } }));
    writeFileSync(path.join(ext, 'index.js'), "require('inner');\n");
    writeFileSync(path.join(ext, 'node_modules', 'inner', 'package.json'), JSON.stringify({ name: 'inner', version: '1.0.0' }));
    writeFileSync(path.join(ext, 'node_modules', 'inner', 'index.js'), 'module.exports = 1;\n');
    symlinkSync('../../ext', path.join(dir, 'node_modules', 'ext'));
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { ext: 'file:../ext' } },
        '../ext': { name: 'ext', version: '3.0.0', dependencies: { inner: '1' } },
        '../ext/node_modules/inner': { version: '1.0.0' },
        'node_modules/ext': { resolved: '../ext', link: true },
      },
    };
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock));
    const result = resolve(dir);
    const EXT = `npm:ext@3.0.0:${toPosix(ext)}`;
    const INNER = `npm:inner@1.0.0:${toPosix(path.join(ext, 'node_modules', 'inner'))}`;
    expect(result.problems).toEqual([]);
    expect(ids(result)).toEqual(['npm:app@1.0.0:.', EXT, INNER]);
    expect(pkg(result, EXT).ref).toMatchObject({ inProject: false, deps: { inner: INNER }, entry: toPosix(path.join(ext, 'index.js')) });
    expect(pkg(result, EXT).files).toEqual([path.join(ext, 'index.js')]);
    rmSync(path.join(dir, 'package-lock.json'));
    expect(shape(resolve(dir), dir)).toEqual(shape(result, dir));
  });
});

describe('npm resolver: an enormous tree', () => {
  it('resolves thousands of packages quickly and reports progress', () => {
    const dir = mkdtempSync(path.join(scratch, 'big-'));
    const count = 1000;
    const dependencies: Record<string, string> = {};
    const packages: Record<string, unknown> = {};
    for (let i = 0; i < count; i += 1) {
      const name = `p${i}`;
      const deps = i + 1 < count ? { [`p${i + 1}`]: '1.0.0' } : {};
      if (i % 100 === 0) dependencies[name] = '1.0.0';
      const folder = path.join(dir, 'node_modules', name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', dependencies: deps }));
      writeFileSync(path.join(folder, 'index.js'), `module.exports = ${i};\n`);
      packages[`node_modules/${name}`] = { version: '1.0.0', dependencies: deps };
    }
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'big', version: '1.0.0', dependencies }));
    packages[''] = { name: 'big', version: '1.0.0', dependencies };
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages }));
    const progress: string[] = [];
    const started = performance.now();
    const result = resolve(dir, { onProgress: (message) => progress.push(message) });
    const elapsed = performance.now() - started;
    expect(result.packages).toHaveLength(count + 1);
    expect(result.stats).toEqual({ filesPresent: 2 * count, filesSelected: count });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatch(/^npm: listed the files of 1000\/1000 packages$/);
    // The deepest package is reached through the nearest root dependency.
    expect(result.packages.find((p) => p.ref.name === 'p999')!.paths[0]!.length).toBe(101);
    expect(elapsed).toBeLessThan(10_000);
  });
});

const writeTree = temporaryTrees('envrace-npm-cli-');

describe('envrace audit of an npm project, as a process', () => {
  // The parsing threads start before the project's files are parsed, and parse them: while they do,
  // nothing else (no `cargo metadata`) keeps the process alive, so they must (exit 13 otherwise).
  it('parses the project on the threads started for its dependencies and reports the write', () => {
    const dir = writeTree({
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { lib: '1.0.0' } }),
      'main.js': "const lib = require('lib');\nconst { Worker } = require('worker_threads');\nfunction main() {\n  new Worker('./w.js', { env: require('worker_threads').SHARE_ENV });\n  lib.configure('fast');\n}\nmain();\n",
      'node_modules/lib/package.json': JSON.stringify({ name: 'lib', version: '1.0.0', main: 'index.js' }),
      'node_modules/lib/index.js': 'function configure(mode) {\n  process.env.LIB_MODE = mode;\n}\nmodule.exports = { configure };\n',
    });
    const run = runCli(['audit', dir, '--jobs', '2', '--no-cache', '-f', 'json']);
    expect(run.stderr).not.toMatch(/internal error|unfinished/i);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; file: string; line: number }> };
    expect(report.findings.map((finding) => `${finding.ruleId} ${finding.file}:${finding.line}`)).toEqual(['env-mutation-after-thread-spawn main.js:5']);
  });
});
