import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Event } from '../../src/facts/types.ts';
import { javascriptAdapter } from '../../src/languages/javascript/extract.ts';
import { javascriptLinker } from '../../src/languages/javascript/link.ts';
import { eventRef, type CallTargets, type LinkFile, type PackageRef } from '../../src/languages/types.ts';

const catalog = loadCatalog('javascript');
const app: PackageRef = { id: 'npm:app@1.0.0:.', name: 'app', root: '/repo', deps: {}, inProject: true };

function npmPackage(name: string, root: string, deps: Record<string, string> = {}): PackageRef {
  return { id: `npm:${name}@1.0.0:${root}`, name, root, deps, inProject: false };
}

/** A file at `path` (relative to its package root); its id is the path from /repo. */
function file(path: string, source: string, pkg: PackageRef = app): LinkFile {
  const absolute = posix.join(pkg.root, path);
  const facts = javascriptAdapter.extract(source, catalog, { extension: posix.extname(path) });
  return { id: posix.relative('/repo', absolute), path: absolute, facts, pkg };
}

/** Targets of the `nth` (0-based) event of `kind` in function `fnKey` of `target`. */
function targetsOf(targets: CallTargets, target: LinkFile, fnKey: string, nth = 0, kind: Event['kind'] = 'call'): string[] | undefined {
  const fn = target.facts.functions.find((candidate) => candidate.key === fnKey);
  if (!fn) throw new Error(`no function ${fnKey} in ${target.id}`);
  const indexes = fn.events.flatMap((event, index) => (event.kind === kind ? [index] : []));
  return targets.get(eventRef(target.id, fnKey, indexes[nth]!));
}

describe('JavaScript linker: ESM', () => {
  it('resolves named and namespace imports, with TypeScript .js specifiers naming .ts files', () => {
    const main = file('src/main.ts', "import { apply } from './env.js';\nimport * as util from './util/index.js';\napply();\nutil.reset();");
    const env = file('src/env.ts', 'export function apply() { process.env.A = "1"; }');
    const util = file('src/util/index.ts', 'export const reset = () => { delete process.env.A; };');
    const targets = javascriptLinker.link([main, env, util]);
    expect(targetsOf(targets, main, '<module>', 0)).toEqual(['src/env.ts#apply']);
    expect(targetsOf(targets, main, '<module>', 1)).toEqual(['src/util/index.ts#reset']);
  });

  it('finds files without extension and directory index files', () => {
    const main = file('main.mjs', "import { a } from './lib';\nimport { b } from './b';\na(); b();");
    const a = file('lib/index.js', 'export function a() {}');
    const b = file('b.mjs', 'export function b() {}');
    const targets = javascriptLinker.link([main, a, b]);
    expect(targetsOf(targets, main, '<module>', 0)).toEqual(['lib/index.js#a']);
    expect(targetsOf(targets, main, '<module>', 1)).toEqual(['b.mjs#b']);
  });

  it('follows renamed, default and star re-exports', () => {
    const main = file('main.js', "import { resetProfile, applyProfile } from './profile/index.js';\nimport run from './run.js';\nresetProfile(); applyProfile(); run();");
    const index = file('profile/index.js', "export { clearProfile as resetProfile } from './apply.js';\nexport * from './more.js';");
    const apply = file('profile/apply.js', 'export function clearProfile() {}');
    const more = file('profile/more.js', 'export function applyProfile() {}');
    const run = file('run.js', 'function go() {}\nexport default go;');
    const targets = javascriptLinker.link([main, index, apply, more, run]);
    expect(targetsOf(targets, main, '<module>', 0)).toEqual(['profile/apply.js#clearProfile']);
    expect(targetsOf(targets, main, '<module>', 1)).toEqual(['profile/more.js#applyProfile']);
    expect(targetsOf(targets, main, '<module>', 2)).toEqual(['run.js#go']);
  });

  it('survives re-export cycles', () => {
    const main = file('main.js', "import { missing } from './a.js';\nmissing();");
    const a = file('a.js', "export * from './b.js';");
    const b = file('b.js', "export * from './a.js';");
    expect(targetsOf(javascriptLinker.link([main, a, b]), main, '<module>')).toBeUndefined();
  });
});

describe('JavaScript linker: CommonJS', () => {
  it('resolves module.exports objects, functions and exports.name', () => {
    const app = file('app.cjs', `const tracing = require('./tracing.cjs');
const setLocale = require('./locale.cjs');
const { enable } = require('./flags.cjs');
tracing.configure('on'); setLocale('de'); enable('X');`);
    const tracing = file('tracing.cjs', 'const Tracing = { configure(level) {} };\nmodule.exports = Tracing;');
    const locale = file('locale.cjs', 'module.exports = function setLocale(locale) {};');
    const flags = file('flags.cjs', 'function writeFlag() {}\nexports.enable = writeFlag;');
    const targets = javascriptLinker.link([app, tracing, locale, flags]);
    expect(targetsOf(targets, app, '<module>', 0)).toEqual(['tracing.cjs#Tracing.configure']);
    expect(targetsOf(targets, app, '<module>', 1)).toEqual(['locale.cjs#setLocale']);
    expect(targetsOf(targets, app, '<module>', 2)).toEqual(['flags.cjs#writeFlag']);
  });

  it('reaches a CommonJS export through an ESM default import', () => {
    const main = file('main.mjs', "import dotenv from './dotenv.cjs';\ndotenv.config();");
    const dotenv = file('dotenv.cjs', 'function config() {}\nmodule.exports = { config };');
    expect(targetsOf(javascriptLinker.link([main, dotenv]), main, '<module>')).toEqual(['dotenv.cjs#config']);
  });
});

describe('JavaScript linker: packages', () => {
  const mainFile = "const dotenv = require('dotenv');\nconst { parse } = require('dotenv/lib/parse');\ndotenv.config();\nparse();";

  it('resolves a bare specifier to the nearest node_modules copy and its entry file', () => {
    const near = npmPackage('dotenv', '/repo/web/node_modules/dotenv');
    const far = npmPackage('dotenv', '/repo/node_modules/dotenv');
    const main = file('web/server.js', mainFile);
    const nearMain = file('lib/main.js', 'function config() {}\nmodule.exports = { config };', near);
    const nearParse = file('lib/parse.js', 'exports.parse = function () {};', near);
    const farMain = file('index.js', 'exports.config = function () {};', far);
    const targets = javascriptLinker.link([main, nearMain, nearParse, farMain]);
    expect(targetsOf(targets, main, '<module>', 0)).toEqual(['web/node_modules/dotenv/lib/main.js#config']);
    expect(targetsOf(targets, main, '<module>', 1)).toEqual(['web/node_modules/dotenv/lib/parse.js#parse']);
  });

  it('prefers the package a file declares as its dependency', () => {
    const pinned = npmPackage('dotenv', '/vendor/dotenv-16');
    const other = npmPackage('dotenv', '/repo/node_modules/dotenv');
    const consumer: PackageRef = { ...app, deps: { dotenv: pinned.id } };
    const main = file('server.js', mainFile, consumer);
    const pinnedMain = file('index.js', 'exports.config = function () {};', pinned);
    const otherMain = file('index.js', 'exports.config = function () {};', other);
    const targets = javascriptLinker.link([main, pinnedMain, otherMain]);
    expect(targetsOf(targets, main, '<module>', 0)).toEqual(['../vendor/dotenv-16/index.js#config']);
  });

  it('leaves built-in modules unresolved', () => {
    const main = file('main.js', "const fs = require('fs');\nimport('node:path');\nfs.existsSync('x');\nconsole.log('x');");
    expect(javascriptLinker.link([main]).size).toBe(0);
  });
});

describe('JavaScript linker: methods and callbacks', () => {
  it('resolves this.m() to the same class before other classes', () => {
    const a = file('a.js', 'class A { run() { this.save(); } save() {} }\nclass B { save() {} }');
    expect(targetsOf(javascriptLinker.link([a]), a, 'A.run')).toEqual(['a.js#A.save']);
  });

  it('resolves obj.m() by method name only while at most eight methods of that name are declared', () => {
    const caller = file('caller.js', 'function go(server) { server.start(); }\nclass Local { start() {} }');
    const few = file('others.js', Array.from({ length: 3 }, (_, i) => `class C${i} { start() {} }`).join('\n'));
    expect(targetsOf(javascriptLinker.link([caller, few]), caller, 'go')).toEqual(['caller.js#Local.start', 'others.js#C0.start', 'others.js#C1.start', 'others.js#C2.start']);
    const many = file('others.js', Array.from({ length: 10 }, (_, i) => `class C${i} { start() {} }`).join('\n'));
    expect(targetsOf(javascriptLinker.link([caller, many]), caller, 'go')).toBeUndefined();
  });

  it('resolves deferred callbacks imported from another file', () => {
    const server = file('server.js', "import { onRequest } from './handlers.js';\nimport http from 'node:http';\nhttp.createServer(onRequest);");
    const handlers = file('handlers.js', 'export function onRequest(req, res) {}');
    const targets = javascriptLinker.link([server, handlers]);
    expect(targetsOf(targets, server, '<module>', 0, 'defer')).toEqual(['handlers.js#onRequest']);
  });

  it("resolves a shared-environment Worker's script to that module's top-level code", () => {
    const main = file('main.mjs', "import { Worker, SHARE_ENV } from 'node:worker_threads';\nnew Worker(new URL('./worker.mjs', import.meta.url), { env: SHARE_ENV });");
    const worker = file('worker.mjs', 'process.env.READY = "1";');
    expect(targetsOf(javascriptLinker.link([main, worker]), main, '<module>', 0, 'spawn')).toEqual(['worker.mjs#<module>']);
  });
});
