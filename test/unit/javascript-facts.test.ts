import { describe, expect, it } from 'vitest';
import { brief, fn } from '../support/facts.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Event, FileFacts, FunctionFact } from '../../src/facts/types.ts';
import { javascriptAdapter } from '../../src/languages/javascript/extract.ts';

const catalog = loadCatalog('javascript');

function extract(source: string, extension = '.mjs'): FileFacts {
  return javascriptAdapter.extract(source, catalog, { extension });
}

const kinds = (events: readonly Event[]): string[] => events.map((event) => event.kind);

describe('JavaScript catalog', () => {
  it('gives every entry a unique id, names, a sentence and a documentation link', () => {
    const ids = catalog.entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of catalog.entries) {
      expect(entry.names.length, entry.id).toBeGreaterThan(0);
      expect(entry.description, entry.id).toMatch(/\.$/);
      expect(entry.source, entry.id).toMatch(/^https:\/\/(nodejs\.org\/api\/|developer\.mozilla\.org\/|undici\.nodejs\.org\/)/);
    }
  });

  it('covers the threadpool users and synchronous callbacks the design names', () => {
    const named = (kind: string): string[] => catalog.entries.filter((entry) => entry.kind === kind).flatMap((entry) => entry.names);
    expect(named('runtime')).toEqual(
      expect.arrayContaining(['dns.lookup', 'http.request', 'https.get', 'fetch', 'net.Server.listen', 'fs.readFile', 'fs.promises.*', 'fs/promises.*', 'crypto.pbkdf2', 'crypto.scrypt', 'crypto.randomBytes', 'zlib.gzip']),
    );
    expect(named('spawn')).toEqual(['worker_threads.Worker']);
    expect(named('safe')).toEqual(expect.arrayContaining(['worker_threads.Worker', 'child_process.spawn']));
    expect(named('sync-callback')).toEqual(expect.arrayContaining(['Array.prototype.forEach', 'Array.prototype.map', 'Promise']));
    expect(named('exec').sort()).toEqual(
      ['child_process.exec', 'child_process.execFile', 'child_process.execFileSync', 'child_process.execSync', 'child_process.fork', 'child_process.spawn', 'child_process.spawnSync'].sort(),
    );
  });
});

describe('JavaScript facts: functions', () => {
  const facts = extract(`#!/usr/bin/env node
export function start(port) {}
const handler = (req, res) => {};
let later = function named() {};
class Server {
  constructor(options) {}
  listen() {}
  static create() {}
  #secret() {}
  onData = (chunk) => {};
}
const api = { get() {}, nested: { put: () => {} } };
setTimeout(() => {}, 10);
export default function () {}
`);

  it('adds <module> as the entry holding top-level code', () => {
    const module = fn(facts, '<module>');
    expect(module).toMatchObject({ name: '<module>', entry: 'module', exported: false, params: [] });
    expect(module.span).toMatchObject({ line: 0, column: 0 });
    expect(facts.functions[0]!.key).toBe('<module>');
  });

  it('keys declarations, variable-bound functions, class and object members', () => {
    expect(facts.functions.map((f) => f.key)).toEqual([
      '<module>', 'start', 'handler', 'later', 'Server.constructor', 'Server.listen', 'Server.create', 'Server.#secret', 'Server.onData',
      'api.get', 'api.nested.put', '<anonymous@13:12>', 'default',
    ]);
    expect(fn(facts, 'Server.listen')).toMatchObject({ name: 'listen', container: 'Server', qualifiedName: 'Server.listen' });
    expect(fn(facts, 'api.nested.put')).toMatchObject({ name: 'put', container: 'api.nested' });
    expect(fn(facts, 'handler').params).toEqual(['req', 'res']);
    expect(fn(facts, 'Server.onData').params).toEqual(['chunk']);
  });

  it('points nameSpan at the name and span at the whole function', () => {
    const start = fn(facts, 'start');
    expect(start.nameSpan).toEqual({ line: 1, column: 16, endLine: 1, endColumn: 21 });
    expect(start.span).toEqual({ line: 1, column: 7, endLine: 1, endColumn: 30 });
  });

  it('marks ESM exports and records the default export', () => {
    expect(fn(facts, 'start').exported).toBe(true);
    expect(fn(facts, 'default').exported).toBe(true);
    expect(fn(facts, 'handler').exported).toBe(false);
    expect(facts.exports ?? []).toEqual([]);
  });

  it('treats a shebang as a program entry', () => {
    expect(facts.program).toBe(true);
    expect(extract('\uFEFF#!/usr/bin/env node\nf();', '.js')).toMatchObject({ program: true, diagnostics: [] });
    expect(extract('export function f() {}').program).toBeUndefined();
  });

  it('names functions assigned to members and prototypes', () => {
    const facts = extract(`function Client() {}
Client.prototype.connect = function () {};
exports.utils = { reset() {} };
let store;
store = { save() {} };
store.save();`, '.js');
    expect(fn(facts, 'Client.connect')).toMatchObject({ name: 'connect', container: 'Client' });
    expect(fn(facts, 'utils.reset')).toMatchObject({ container: 'utils', exported: true });
    expect(fn(facts, '<module>').events[0]).toMatchObject({ kind: 'call', callee: { name: 'save', local: 'store.save' } });
  });

  it('gives the same facts for the same source', () => {
    const source = 'import x from "./x.js";\nconst h = () => { process.env.A = x(); };\nsetTimeout(h);';
    expect(extract(source)).toEqual(extract(source));
  });

  it('numbers a second function with the same name', () => {
    const twice = extract('function f() {}\n{ function f() {} }');
    expect(twice.functions.map((f) => f.key)).toEqual(['<module>', 'f', 'f@2:3']);
  });
});

describe('JavaScript facts: exports', () => {
  it('records renamed and default ESM exports', () => {
    const facts = extract(`function apply() {}
const helper = () => {};
export { apply as populate, helper };
export default apply;
export { parse } from './parse.js';
export * from './all.js';
export * as ns from './ns.js';`);
    expect(fn(facts, 'apply').exported).toBe(true);
    expect(fn(facts, 'helper').exported).toBe(true);
    expect(facts.exports).toEqual([
      { exported: 'parse', local: 'parse' },
      { exported: 'ns', local: 'ns' },
      { exported: 'populate', local: 'apply' },
      { exported: 'default', local: 'apply' },
    ]);
    expect(facts.imports.map(({ span, ...rest }) => rest)).toEqual([
      { kind: 'reexport', local: 'parse', source: './parse.js', imported: 'parse' },
      { kind: 'reexport', local: '*', source: './all.js', imported: '*' },
      { kind: 'reexport', local: 'ns', source: './ns.js', imported: '*' },
    ]);
  });

  it('understands CommonJS exports objects, names and functions', () => {
    const objectExport = extract(`function populate(processEnv, parsed) {}
function configDotenv() {}
const DotenvModule = { configDotenv, populate, config: configDotenv };
module.exports.populate = DotenvModule.populate;
module.exports = DotenvModule;`, '.js');
    expect(fn(objectExport, 'populate').exported).toBe(true);
    expect(fn(objectExport, 'configDotenv').exported).toBe(true);
    expect(objectExport.exports).toEqual([{ exported: 'config', local: 'configDotenv' }]);

    const functionExport = extract('module.exports = function setLocale(locale) {};', '.cjs');
    expect(fn(functionExport, 'setLocale').exported).toBe(true);
    expect(functionExport.exports).toEqual([{ exported: 'default', local: 'setLocale' }]);

    const named = extract('function writeFlag() {}\nexports.enable = writeFlag;\nexports.disable = function () {};', '.cjs');
    expect(fn(named, 'writeFlag').exported).toBe(true);
    expect(fn(named, 'disable').exported).toBe(true);
    expect(named.exports).toEqual([{ exported: 'enable', local: 'writeFlag' }]);
  });

  it('exports the public methods of an exported class', () => {
    const facts = extract('export class Store { set() {} #hidden() {} }', '.ts');
    expect(fn(facts, 'Store.set').exported).toBe(true);
    expect(fn(facts, 'Store.#hidden').exported).toBe(false);
  });
});

describe('JavaScript facts: environment writes', () => {
  it('recognises every spelling of a write to process.env', () => {
    const facts = extract(`import { env as imported } from 'node:process';
import proc from 'process';
const alias = process.env;
const { env: destructured } = process;
function f(key, value) {
  process.env.A = '1';
  process.env['B'] = '2';
  process.env[key] = value;
  process.env.PATH += ':/bin';
  process.env.C ||= 'c';
  process.env.D ??= 'd';
  delete process.env.E;
  Object.assign(process.env, { F: '1' });
  Object.defineProperty(process.env, 'G', { value: '1' });
  Reflect.deleteProperty(process.env, 'H');
  process.env = {};
  alias.I = '1';
  destructured.J = '1';
  imported.K = '1';
  proc.env.L = '1';
  globalThis.process.env.M = '1';
  process.loadEnvFile('.env');
}`);
    expect(brief(fn(facts, 'f').events)).toEqual([
      { line: 6, kind: 'env.write', api: 'node.process.env.assign', variable: 'A' },
      { line: 7, kind: 'env.write', api: 'node.process.env.assign', variable: 'B' },
      { line: 8, kind: 'env.write', api: 'node.process.env.assign' },
      { line: 9, kind: 'env.write', api: 'node.process.env.assign', variable: 'PATH' },
      { line: 10, kind: 'env.write', api: 'node.process.env.assign', variable: 'C' },
      { line: 11, kind: 'env.write', api: 'node.process.env.assign', variable: 'D' },
      { line: 12, kind: 'env.write', api: 'node.process.env.delete', variable: 'E' },
      { line: 13, kind: 'env.write', api: 'node.object.assign.env' },
      { line: 14, kind: 'env.write', api: 'node.object.defineProperty.env', variable: 'G' },
      { line: 15, kind: 'env.write', api: 'node.reflect.deleteProperty.env', variable: 'H' },
      { line: 16, kind: 'env.write', api: 'node.process.env.replace' },
      { line: 17, kind: 'env.write', api: 'node.process.env.assign', variable: 'I' },
      { line: 18, kind: 'env.write', api: 'node.process.env.assign', variable: 'J' },
      { line: 19, kind: 'env.write', api: 'node.process.env.assign', variable: 'K' },
      { line: 20, kind: 'env.write', api: 'node.process.env.assign', variable: 'L' },
      { line: 21, kind: 'env.write', api: 'node.process.env.assign', variable: 'M' },
      { line: 22, kind: 'env.write', api: 'node.process.loadEnvFile' },
    ]);
  });

  it('spans the write from where it starts, in UTF-16 columns', () => {
    const facts = extract('function f() {\n  const x = 1; process.env.A = "😀" + x;\n}');
    expect(fn(facts, 'f').events[0]!.span).toEqual({ line: 1, column: 15, endLine: 1, endColumn: 39 });
  });

  it('follows an alias assigned in any branch (dotenv)', () => {
    const facts = extract(`function configDotenv(options) {
  let processEnv = process.env;
  if (options && options.processEnv != null) {
    processEnv = options.processEnv;
  }
  processEnv.DOTENV = '1';
}`, '.js');
    expect(brief(fn(facts, 'configDotenv').events)).toEqual([{ line: 6, kind: 'env.write', api: 'node.process.env.assign', variable: 'DOTENV' }]);
  });

  it('turns writes through a parameter into parameter writes, also inside inlined callbacks', () => {
    const facts = extract(`function populate(processEnv, parsed) {
  Object.keys(parsed).forEach((key) => {
    processEnv[key] = parsed[key];
  });
  delete processEnv.OLD;
  Object.assign(processEnv, parsed);
}`, '.js');
    expect(brief(fn(facts, 'populate').events)).toEqual([
      { line: 2, kind: 'call', callee: { name: 'keys', path: ['Object', 'keys'] }, args: [{ param: 1 }] },
      { line: 3, kind: 'env.write', api: 'node.process.env.assign', param: 0, loops: ['loop1'] },
      { line: 5, kind: 'env.write', api: 'node.process.env.delete', param: 0 },
      { line: 6, kind: 'env.write', api: 'node.object.assign.env', param: 0 },
    ]);
  });

  it('treats a parameter defaulting to process.env as the environment', () => {
    const facts = extract('function setAll(values, env = process.env) { env.X = values.x; }');
    expect(brief(fn(facts, 'setAll').events)).toEqual([{ line: 1, kind: 'env.write', api: 'node.process.env.assign', variable: 'X' }]);
  });

  it('reports reads, not writes, for rvalues, destructuring and spreads', () => {
    const facts = extract(`function f() {
  const home = process.env.HOME;
  const { USER, SHELL = 'sh' } = process.env;
  const copy = { ...process.env, A: '1' };
}`);
    expect(brief(fn(facts, 'f').events)).toEqual([
      { line: 2, kind: 'env.read', api: 'node.process.env.read', variable: 'HOME' },
      { line: 3, kind: 'env.read', api: 'node.process.env.read', variable: 'USER' },
      { line: 3, kind: 'env.read', api: 'node.process.env.read', variable: 'SHELL' },
      { line: 4, kind: 'env.read', api: 'node.process.env.read' },
    ]);
  });

  it('does not treat properties of other objects as the environment', () => {
    const facts = extract('function f(o) { const env = {}; env.A = 1; o.env.B = 2; Object.assign({}, process.env); }');
    expect(kinds(fn(facts, 'f').events)).toEqual(['call']);
    expect(fn(facts, 'f').events[0]).toMatchObject({ kind: 'call', callee: { name: 'assign', path: ['Object', 'assign'] }, args: [null, { env: true }] });
  });
});

describe('JavaScript facts: threads and the event loop', () => {
  it('turns threadpool users into body-less, never-joined spawns', () => {
    const facts = extract(`import dns from 'node:dns';
import { readFile } from 'fs/promises';
import { promises as fsp } from 'fs';
const crypto = require('crypto');
const https = require('https');
async function f(server) {
  dns.lookup('example.com', () => {});
  await readFile('a');
  await fsp.stat('b');
  crypto.randomBytes(16);
  crypto.randomBytes(16, () => {});
  https.get('https://example.com');
  await fetch('https://example.com');
  server.listen(8080);
  server.listen(8080, '127.0.0.1');
  server.listen({ host: 'localhost', port: 1 });
}`);
    const spawns = fn(facts, 'f').events.filter((event) => event.kind === 'spawn');
    expect(brief(spawns)).toEqual([
      { line: 7, kind: 'spawn', api: 'node.dns.lookup', handles: [] },
      { line: 8, kind: 'spawn', api: 'node.fs.promises', handles: [] },
      { line: 9, kind: 'spawn', api: 'node.fs.promises', handles: [] },
      { line: 11, kind: 'spawn', api: 'node.crypto.randomBytes', handles: [] },
      { line: 12, kind: 'spawn', api: 'node.https.get', handles: [] },
      { line: 13, kind: 'spawn', api: 'node.fetch', handles: [] },
      { line: 15, kind: 'spawn', api: 'node.net.Server.listen', handles: [] },
      { line: 16, kind: 'spawn', api: 'node.net.Server.listen', handles: [] },
    ]);
  });

  it('counts a Worker only with SHARE_ENV, with its script as the body and the variable as handle', () => {
    const facts = extract(`import { Worker, SHARE_ENV } from 'node:worker_threads';
async function f() {
  const shared = new Worker(new URL('./job.mjs', import.meta.url), { env: SHARE_ENV });
  const copy = new Worker('./job.mjs');
  const self = new Worker(__filename, { env: SHARE_ENV });
  copy.terminate();
  await shared.terminate();
}`);
    expect(brief(fn(facts, 'f').events.filter((event) => event.kind !== 'call'))).toEqual([
      { line: 3, kind: 'spawn', api: 'node.worker_threads.Worker.shareEnv', body: { callee: { name: '<module>', path: ['./job.mjs', '<module>'] } }, handles: ['shared'] },
      { line: 5, kind: 'spawn', api: 'node.worker_threads.Worker.shareEnv', body: { local: '<module>' }, handles: ['self'] },
      { line: 7, kind: 'join', api: 'node.worker_threads.Worker.terminate', handles: ['shared'] },
    ]);
  });

  it('defers callbacks of asynchronous calls into their own functions', () => {
    const facts = extract(`import { onRequest } from './handlers.js';
function onClose() {}
const server = http.createServer((req, res) => {});
server.on('close', onClose);
server.on('request', onRequest);
setTimeout(function tick() {}, 10);
class Stream { open(emitter) { emitter.on('data', this.handle.bind(this)); } handle() {} }`);
    expect(brief(fn(facts, '<module>').events)).toEqual([
      { line: 3, kind: 'call', callee: { name: 'createServer', path: ['http', 'createServer'] }, assignedTo: 'server' },
      { line: 3, kind: 'defer', body: { local: '<anonymous@3:34>' } },
      { line: 4, kind: 'call', callee: { name: 'on', path: ['server', 'on'], receiver: 'server' } },
      { line: 4, kind: 'defer', body: { local: 'onClose' } },
      { line: 5, kind: 'call', callee: { name: 'on', path: ['server', 'on'], receiver: 'server' } },
      { line: 5, kind: 'defer', body: { callee: { name: 'onRequest', path: ['./handlers.js', 'onRequest'] } } },
      { line: 6, kind: 'call', callee: { name: 'setTimeout', path: ['setTimeout'] } },
      { line: 6, kind: 'defer', body: { local: 'tick' } },
    ]);
    expect(brief(fn(facts, 'Stream.open').events)).toEqual([
      { line: 7, kind: 'call', callee: { name: 'on', path: ['emitter', 'on'], receiver: 'emitter' } },
      { line: 7, kind: 'defer', body: { local: 'Stream.handle' } },
    ]);
    expect(fn(facts, '<anonymous@3:34>').params).toEqual(['req', 'res']);
  });

  it('inlines synchronous callbacks, in a loop when they repeat', () => {
    const facts = extract(`function f(items) {
  items.forEach((item) => { process.env.ITEM = item; });
  items.map(check);
  new Promise((resolve) => { process.env.P = '1'; resolve(); });
  (() => { process.env.IIFE = '1'; })();
  (function (env) { env.PASSED = '1'; })(process.env);
}
function check() {}`);
    expect(brief(fn(facts, 'f').events)).toEqual([
      { line: 2, kind: 'env.write', api: 'node.process.env.assign', variable: 'ITEM', loops: ['loop1'] },
      { line: 3, kind: 'call', callee: { name: 'check', path: ['check'], local: 'check' }, loops: ['loop2'] },
      { line: 4, kind: 'env.write', api: 'node.process.env.assign', variable: 'P' },
      { line: 4, kind: 'call', callee: { name: 'resolve', path: ['resolve'] } },
      { line: 5, kind: 'env.write', api: 'node.process.env.assign', variable: 'IIFE' },
      { line: 6, kind: 'env.write', api: 'node.process.env.assign', variable: 'PASSED' },
    ]);
    expect(facts.functions.map((f) => f.key)).toEqual(['<module>', 'f', 'check']);
  });

  it('defers functions nested in option objects and JSX attributes', () => {
    const route = extract("app.route({ url: '/', handler: async () => { process.env.R = '1'; } });");
    expect(kinds(fn(route, '<module>').events)).toEqual(['call', 'defer']);
    expect(brief(fn(route, 'handler').events)).toEqual([{ line: 1, kind: 'env.write', api: 'node.process.env.assign', variable: 'R' }]);

    const jsx = extract('function App() { return <button onClick={() => { process.env.T = "1"; }}>x</button>; }', '.jsx');
    expect(brief(fn(jsx, 'App').events)).toEqual([{ line: 1, kind: 'defer', body: { local: '<anonymous@1:42>' } }]);
  });

  it('emits exec events and no write for a child environment', () => {
    const facts = extract(`import { spawn, execSync } from 'node:child_process';
const cp = require('child_process');
spawn('ls', [], { env: { ...process.env, A: '1' } });
execSync('ls');
cp.fork('./child.js');`);
    expect(brief(fn(facts, '<module>').events)).toEqual([
      { line: 3, kind: 'exec', api: 'node.child_process.spawn' },
      { line: 3, kind: 'env.read', api: 'node.process.env.read' },
      { line: 4, kind: 'exec', api: 'node.child_process.execSync' },
      { line: 5, kind: 'exec', api: 'node.child_process.fork' },
    ]);
  });
});

describe('JavaScript facts: calls', () => {
  it('expands callees through imports and requires', () => {
    const facts = extract(`import * as util from './util.js';
import { apply as applyEnv } from './apply.js';
import load from './load.js';
const dotenv = require('dotenv');
const { populate } = require('./lib/main');
class Store { run() { this.save(); } save() {} }
const obj = { m() {} };
function f(conn) {
  util.apply(process.env, conn);
  applyEnv();
  load();
  load.sync();
  dotenv.config();
  populate(process.env, {});
  require('./direct').go();
  obj.m();
  conn.query();
  const h = start();
}`);
    expect(brief(fn(facts, 'f').events).map((event) => ({ callee: event['callee'], args: event['args'], assignedTo: event['assignedTo'] }))).toEqual([
      { callee: { name: 'apply', path: ['./util.js', 'apply'] }, args: [{ env: true }, { param: 0 }], assignedTo: undefined },
      { callee: { name: 'apply', path: ['./apply.js', 'apply'] }, args: undefined, assignedTo: undefined },
      { callee: { name: 'default', path: ['./load.js', 'default'] }, args: undefined, assignedTo: undefined },
      { callee: { name: 'sync', path: ['./load.js', 'default', 'sync'] }, args: undefined, assignedTo: undefined },
      { callee: { name: 'config', path: ['dotenv', 'config'] }, args: undefined, assignedTo: undefined },
      { callee: { name: 'populate', path: ['./lib/main', 'populate'] }, args: [{ env: true }, null], assignedTo: undefined },
      { callee: { name: 'go', path: ['./direct', 'go'] }, args: undefined, assignedTo: undefined },
      { callee: { name: 'm', path: ['obj', 'm'], receiver: 'obj', local: 'obj.m' }, args: undefined, assignedTo: undefined },
      { callee: { name: 'query', path: ['conn', 'query'], receiver: 'conn' }, args: undefined, assignedTo: undefined },
      { callee: { name: 'start', path: ['start'] }, args: undefined, assignedTo: 'h' },
    ]);
    expect(brief(fn(facts, 'Store.run').events)).toEqual([
      { line: 6, kind: 'call', callee: { name: 'save', path: ['this', 'save'], receiver: 'this', local: 'Store.save' } },
    ]);
  });

  it('records one import fact per binding', () => {
    const facts = extract(`import def, { a, b as c } from './m.js';
import * as ns from 'node:fs';
import type { T } from './types.js';
import './side-effect.js';
const lib = require('lib');
const { x, y: z } = require('./cjs');
const only = require('./cjs2').member;`, '.ts');
    expect(facts.imports.map(({ span, ...rest }) => rest)).toEqual([
      { kind: 'import', local: 'def', source: './m.js', imported: 'default' },
      { kind: 'import', local: 'a', source: './m.js', imported: 'a' },
      { kind: 'import', local: 'c', source: './m.js', imported: 'b' },
      { kind: 'import', local: 'ns', source: 'node:fs', imported: '*' },
      { kind: 'import', local: '', source: './side-effect.js', imported: '*' },
      { kind: 'require', local: 'lib', source: 'lib', imported: '*' },
      { kind: 'require', local: 'x', source: './cjs', imported: 'x' },
      { kind: 'require', local: 'z', source: './cjs', imported: 'y' },
      { kind: 'require', local: 'only', source: './cjs2', imported: 'member' },
    ]);
  });
});

describe('JavaScript facts: placement', () => {
  it('marks loops of every kind', () => {
    const facts = extract(`function f(xs) {
  for (let i = 0; i < 1; i++) fetch('a');
  for (const k in xs) fetch('b');
  for (const x of xs) { while (x) { fetch('c'); } }
  do { fetch('d'); } while (xs);
}`);
    expect(fn(facts, 'f').events.map((event) => event.loops)).toEqual([['loop1'], ['loop2'], ['loop3', 'loop4'], ['loop5']]);
  });

  it('marks conditional arms', () => {
    const facts = extract(`function f(a) {
  if (a) fetch('then'); else fetch('else');
  switch (a) { case 1: fetch('one'); break; default: fetch('other'); }
  const r = a ? fetch('yes') : fetch('no');
  a && fetch('and');
  a ?? fetch('nullish');
  try { fetch('try'); } catch (e) { fetch('catch'); } finally { fetch('finally'); }
}`);
    expect(fn(facts, 'f').events.map((event) => event.branches)).toEqual([
      ['if1:0'], ['if1:1'],
      ['switch2:0'], ['switch2:1'],
      ['ternary3:0'], ['ternary3:1'],
      ['and4:1'],
      ['nullish5:1'],
      [], ['try6:1'], [],
    ]);
  });
});

describe('JavaScript facts: dialects and bad input', () => {
  it('parses TypeScript with generics, casts and declarations', () => {
    const facts = extract(`interface Options<T> { value: T }
type Pair = [string, string];
declare function external(): void;
enum Mode { A = 'a' }
export class Store<T extends Record<string, string>> {
  constructor(private readonly values: T) {}
  apply(this: Store<T>, key: keyof T & string): void { process.env[key] = this.values[key]!; }
}
const load = async <T,>(path: string): Promise<T> => (await fetch(path)).json() as Promise<T>;`, '.ts');
    expect(facts.diagnostics).toEqual([]);
    expect(fn(facts, 'Store.apply').params).toEqual(['key']);
    expect(kinds(fn(facts, 'Store.apply').events)).toEqual(['env.write']);
    // Sorted by start: the outer `.json()` call starts before the awaited fetch inside it.
    expect(kinds(fn(facts, 'load').events)).toEqual(['call', 'spawn']);
  });

  it('parses JSX in .tsx and .js, and TypeScript casts in .ts', () => {
    expect(extract('const a = <div onClick={() => {}} />;', '.tsx').diagnostics).toEqual([]);
    expect(extract('const a = <div />;', '.js').diagnostics).toEqual([]);
    expect(extract('const a = <number>b;', '.ts').diagnostics).toEqual([]);
    expect(extract('const a = <number>b;', '.js').diagnostics).toEqual([]);
  });

  it('returns a diagnostic and no facts for a syntax error', () => {
    const facts = extract('function f() {\n  process.env.A = ;\n}', '.js');
    expect(facts.functions).toEqual([]);
    expect(facts.diagnostics).toEqual([{ message: 'syntax error: Expression expected', span: { line: 1, column: 18, endLine: 1, endColumn: 18 } }]);
  });

  it('ignores declaration files', () => {
    expect(extract('export declare function f(): void;', '.d.ts')).toEqual({ language: 'javascript', functions: [], imports: [], diagnostics: [] });
  });

  it('handles a minified one-line bundle', () => {
    const body = Array.from({ length: 2000 }, (_, i) => `function f${i}(a){return a&&a.b?g${i}(a):process.env.V${i}}`).join(';');
    const facts = extract(`${body};process.env.DONE=1;`, '.js');
    expect(facts.functions).toHaveLength(2001);
    expect(fn(facts, 'f1999').events.map((event) => event.kind)).toEqual(['call', 'env.read']);
    expect(brief(fn(facts, '<module>').events)).toEqual([{ line: 1, kind: 'env.write', api: 'node.process.env.assign', variable: 'DONE' }]);
  });
});
