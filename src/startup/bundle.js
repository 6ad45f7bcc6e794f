// The CLI's fast start: src/ bundled by esbuild into the cache once, then run without tsx.
// Plain JavaScript (typed by bundle.d.ts): it runs before anything can load TypeScript.
// Installing envrace still builds nothing (pre-commit runs `npm install` + `npm pack`); the first
// run after a source change builds the bundle, every later run loads it (about 0.2 s instead of 0.6 s).
// The bundle is one CommonJS script compiled through node:vm with V8's code cache, which ES modules
// cannot use on Node 20: V8 then neither parses it nor compiles the functions an earlier run compiled
// (a pre-commit run: 25 ms to load instead of 45, and 50 ms less compiling while it works).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { envraceCacheDir } from '../util/cacheDir.js';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const HOUR_MS = 3_600_000;
/**
 * A code cache this small beside its script is thin (made by a run like `--version`, a fifth of a scan's):
 * a later run that compiled more replaces it. A full one is kept without serializing it again (6 ms a run).
 */
const THIN_CODE_CACHE = 0.4;
const CODE_CACHE_GROWTH = 1.05;
/**
 * Small pure-JavaScript dependencies every run loads: inside the bundle they cost nothing to resolve
 * and share its code cache (loaded on their own, 80 ms together).
 */
const BUNDLED_DEPENDENCIES = new Set(['commander', 'picomatch', 'ignore', 'smol-toml']);

/**
 * What the bundle is built from, cheaply: path, size and mtime of every file under `<root>/src`, the
 * text of package.json (version, dependency ranges), the lockfiles' stat (the installed tree the
 * bundle's imports point into) and the esbuild version. A hex string.
 */
export function bundleKey(root, esbuildVersion) {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\0`);
  const stat = (file) => {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file}\0${size}\0${mtimeMs}\0`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else stat(file);
    }
  };
  walk(path.join(root, 'src'));
  hash.update(readFileSync(path.join(root, 'package.json')));
  for (const lockfile of ['package-lock.json', 'node_modules/.package-lock.json']) {
    if (existsSync(path.join(root, lockfile))) stat(path.join(root, lockfile));
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The CLI module (`{ main }`) from the bundle in `<cache>/bundle/`, built first if the sources changed;
 * undefined when that is not possible (no esbuild, a read-only cache, a failed build): the caller then
 * runs the sources through tsx. After `main`, the code cache is written when it is missing, rejected
 * (another Node version) or short of what this run compiled.
 */
export async function loadBundledCli() {
  try {
    const require = createRequire(import.meta.url);
    const esbuildVersion = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
    const bundles = path.join(envraceCacheDir(), 'bundle');
    // The tag of this copy of envrace: a newer bundle of the same copy replaces the older ones.
    const copyTag = createHash('sha256').update(packageRoot).digest('hex').slice(0, 8);
    const name = `${copyTag}-${bundleKey(packageRoot, esbuildVersion)}`;
    const dir = path.join(bundles, name);
    if (existsSync(path.join(dir, 'cli.cjs'))) {
      markUsed(dir);
    } else {
      await build(dir);
      prune(bundles, copyTag, name);
    }
    const { exports, saveCodeCache } = runScript(path.join(dir, 'cli.cjs'));
    return {
      ...exports,
      async main(argv) {
        try {
          return await exports.main(argv);
        } finally {
          saveCodeCache();
        }
      },
    };
  } catch {
    return undefined;
  }
}

/** Runs a CommonJS file as Node would, but compiled with its V8 code cache (`<file>.v8-cache`) when one fits. */
function runScript(file) {
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // None yet.
  }
  const source = readFileSync(file, 'utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  // An import() in the bundle (of an ES-module-only package) resolves as in a CommonJS file (Node 20.12+ has this loader).
  const dynamicImports = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const script = new vm.Script(wrapped, { filename: file, cachedData, ...(dynamicImports ? { importModuleDynamically: dynamicImports } : {}) });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  const saveCodeCache = () => {
    try {
      const usable = cachedData !== undefined && !script.cachedDataRejected;
      if (usable && cachedData.length >= source.length * THIN_CODE_CACHE) return;
      const data = script.createCachedData();
      if (usable && data.length <= cachedData.length * CODE_CACHE_GROWTH) return;
      const temporary = `${cacheFile}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      writeFileSync(temporary, data);
      renameSync(temporary, cacheFile);
    } catch {
      // A read-only cache: the next run compiles again.
    }
  };
  return { exports: module.exports, saveCodeCache };
}

/** Writes the bundle into a temporary folder, then renames it into place: concurrent first runs each build, one wins. */
async function build(dir) {
  const esbuild = await import('esbuild');
  const src = path.join(packageRoot, 'src');
  const temporary = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await esbuild.build({
      entryPoints: { cli: 'envrace:cli', extractWorker: path.join(src, 'parallel/extractWorker.ts') },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outdir: temporary,
      outExtension: { '.js': '.cjs' },
      logLevel: 'silent',
      plugins: [
        {
          name: 'envrace',
          setup(bundler) {
            // The entry: the CLI, with workers started from the bundled worker instead of tsx's.
            bundler.onResolve({ filter: /^envrace:cli$/ }, () => ({ path: 'cli', namespace: 'envrace' }));
            bundler.onLoad({ filter: /.*/, namespace: 'envrace' }, () => ({
              resolveDir: src,
              loader: 'js',
              contents: [
                "import { setWorkerEntry } from './parallel/pool.ts';",
                "setWorkerEntry(require('node:path').join(__dirname, 'extractWorker.cjs'));",
                "export * from './cli.ts';",
              ].join('\n'),
            }));
            // Other dependencies stay outside the bundle (native addons, typescript, ajv...). The bundle lives
            // in the cache, where a bare name would not resolve: require them by the path they resolve to here.
            bundler.onResolve({ filter: /^[^./]/ }, (args) => {
              if (isBuiltin(args.path)) return { path: args.path, external: true };
              if (path.isAbsolute(args.path) || BUNDLED_DEPENDENCIES.has(args.path)) return undefined;
              return { path: createRequire(import.meta.url).resolve(args.path), external: true };
            });
            // Sources find their data files (rules/, repro/, package.json) relative to import.meta.url:
            // each keeps the URL of its own source file (replaced in the syntax tree, not in strings or comments).
            bundler.onLoad({ filter: /\.[jt]s$/ }, async (args) => {
              const { code } = await esbuild.transform(readFileSync(args.path, 'utf8'), {
                loader: args.path.endsWith('.ts') ? 'ts' : 'js',
                sourcefile: args.path,
                define: { 'import.meta.url': JSON.stringify(pathToFileURL(args.path).href) },
              });
              return { contents: code, loader: 'js' };
            });
          },
        },
      ],
    });
    try {
      renameSync(temporary, dir);
    } catch (error) {
      if (!existsSync(path.join(dir, 'cli.cjs'))) throw error;
    }
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** A bundle's mtime says when it last started a run, so that pruning leaves bundles in use alone. */
function markUsed(dir) {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // A read-only cache: the bundle still works.
  }
}

/** Removes this copy's older bundles (and leftover temporary folders) unused for an hour, any other copy's unused for 30 days. */
function prune(bundles, copyTag, keep) {
  const now = Date.now();
  for (const name of readdirSync(bundles)) {
    if (name === keep) continue;
    const file = path.join(bundles, name);
    try {
      if (now - statSync(file).mtimeMs > (name.startsWith(`${copyTag}-`) ? HOUR_MS : 30 * 24 * HOUR_MS)) rmSync(file, { recursive: true, force: true });
    } catch {
      // Removed by a concurrent run.
    }
  }
}
