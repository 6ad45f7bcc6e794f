import { describe, expect, it } from 'vitest';
import { brief, fn } from '../support/facts.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { CallEvent, Event, FileFacts, FunctionFact } from '../../src/facts/types.ts';
import { rustAdapter } from '../../src/languages/rust/extract.ts';
import { copyTree } from '../../src/languages/rust/syntax.ts';
import { parseSource } from '../../src/parse/treeSitter.ts';

const catalog = loadCatalog('rust');

function extract(source: string): FileFacts {
  return rustAdapter.extract(source, catalog, { extension: '.rs' });
}

/** Only the events that are not plain calls. */
function apiEvents(facts: FileFacts, key: string): Array<Record<string, unknown>> {
  return brief(fn(facts, key).events.filter((event) => event.kind !== 'call'));
}

function calls(facts: FileFacts, key: string): CallEvent[] {
  return fn(facts, key).events.filter((event): event is CallEvent => event.kind === 'call');
}

describe('Rust catalog', () => {
  it('gives every entry a unique id, names, a sentence and a Rust or man-page documentation link', () => {
    const ids = catalog.entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of catalog.entries) {
      expect(entry.id, entry.id).toMatch(/^rust\./);
      expect(entry.names.length, entry.id).toBeGreaterThan(0);
      expect(entry.description, entry.id).toMatch(/\.$/);
      expect(entry.source, entry.id).toMatch(/^https:\/\/(doc\.rust-lang\.org|docs\.rs|man7\.org)\//);
      if (entry.form === 'method') for (const name of entry.names) expect(name, entry.id).toMatch(/::[A-Z]\w*::\w+$/);
    }
  });

  it('covers the writers, spawners, joins and safe alternatives the design names', () => {
    const named = (kind: string): string[] => catalog.entries.filter((entry) => entry.kind === kind).flatMap((entry) => entry.names);
    expect(named('env.write')).toEqual(
      expect.arrayContaining(['std::env::set_var', 'std::env::remove_var', 'libc::setenv', 'libc::putenv', 'libc::unsetenv', 'libc::clearenv']),
    );
    expect(named('spawn')).toEqual(
      expect.arrayContaining(['std::thread::spawn', 'std::thread::Builder::spawn', 'std::thread::Scope::spawn', 'tokio::spawn', 'tokio::task::spawn_blocking', 'rayon::spawn', 'rayon::join']),
    );
    expect(named('runtime')).toEqual(expect.arrayContaining(['tokio::main', 'actix_web::main', 'tokio::runtime::Runtime::new', 'tokio::runtime::Builder::new_multi_thread']));
    expect(named('safe')).toEqual(expect.arrayContaining(['std::process::Command::env', 'std::process::Command::env_remove', 'std::process::Command::env_clear']));
    expect(named('interposable').sort()).toEqual(['calloc', 'free', 'getenv', 'malloc', 'putenv', 'realloc', 'secure_getenv', 'setenv', 'unsetenv']);
  });
});

describe('Rust facts: functions', () => {
  const facts = extract(`use std::env;
pub fn public_api() {}
pub(crate) fn crate_only() {}
fn private() {}
mod inner {
    pub fn reachable() {}
    pub mod deeper { pub fn leaf() {} }
}
pub mod open { pub fn visible() {} }
struct Probe;
impl Probe {
    pub fn new() -> Self { Probe }
    fn helper(&self, level: u8) {}
}
impl Drop for Probe {
    fn drop(&mut self) {}
}
pub trait Configure {
    fn apply(&self) { env::set_var("A", "1"); }
    fn required(&self);
}
fn outer() {
    inner();
    fn inner() {}
}
#[cfg(unix)]
fn pick() {}
#[cfg(not(unix))]
fn pick() {}
fn main() {}
`);

  it('keys free functions by name, inline-module functions by module path and methods by type', () => {
    expect(facts.functions.map((f) => f.key)).toEqual([
      'public_api',
      'crate_only',
      'private',
      'inner::reachable',
      'inner::deeper::leaf',
      'open::visible',
      'Probe::new',
      'Probe::helper',
      'Probe::drop',
      'Configure::apply',
      'outer',
      'outer::inner',
      'pick',
      'pick#2',
      'main',
    ]);
    expect(fn(facts, 'Probe::helper')).toMatchObject({ name: 'helper', qualifiedName: 'Probe::helper', container: 'Probe', params: ['self', 'level'] });
    expect(fn(facts, 'inner::deeper::leaf')).toMatchObject({ name: 'leaf', qualifiedName: 'inner::deeper::leaf' });
    expect(fn(facts, 'outer::inner').container).toBeUndefined();
  });

  it('exports plain pub items reachable from outside the crate, trait impls and pub traits', () => {
    const exported = facts.functions.filter((f) => f.exported).map((f) => f.key);
    expect(exported).toEqual(['public_api', 'open::visible', 'Probe::new', 'Probe::drop', 'Configure::apply']);
  });

  it('marks only the top-level main as the entry point', () => {
    expect(facts.functions.filter((f) => f.entry).map((f) => [f.key, f.entry])).toEqual([['main', 'main']]);
  });

  it('spans the whole item and names the identifier', () => {
    const probeNew = fn(facts, 'Probe::new');
    expect(probeNew.span).toEqual({ line: 11, column: 4, endLine: 11, endColumn: 34 });
    expect(probeNew.nameSpan).toEqual({ line: 11, column: 11, endLine: 11, endColumn: 14 });
  });

  it('links a call of a nested fn to it, even when the fn is declared after the call', () => {
    expect(calls(facts, 'outer')[0]!.callee).toEqual({ name: 'inner', path: ['inner'], local: 'outer::inner' });
  });
});

describe('Rust facts: attributes', () => {
  it('leaves out test-only code', () => {
    const facts = extract(`fn main() {}
#[test]
fn unit() { std::env::set_var("A", "1"); }
#[tokio::test]
async fn async_unit() {}
#[cfg(test)]
mod tests { fn helper() {} }
#[cfg(all(test, unix))]
fn unix_helper() {}
#[cfg(not(test))]
fn production() {}
`);
    expect(facts.functions.map((f) => f.key)).toEqual(['main', 'production']);
  });

  it('does not copy the insides of test-only items out of the syntax tree', () => {
    const source = '#[cfg(test)]\nmod tests {\n    fn helper() { std::env::set_var("A", "1"); }\n}\n#[cfg(not(test))]\nmod live {\n    fn helper() {}\n}\n';
    const modules = copyTree(parseSource('rust', source), source).namedChildren.filter((node) => node.type === 'mod_item');
    expect(modules.map((node) => node.namedChildren.length)).toEqual([0, 2]);
  });

  it('marks functions that run inside a multi-threaded runtime', () => {
    const facts = extract(`#[tokio::main]
async fn main() {}
#[tokio::main(flavor = "current_thread")]
async fn single() {}
#[tokio::main(worker_threads = 2)]
async fn sized() {}
#[actix_web::main]
async fn web() {}
#[inline]
fn plain() {}
`);
    expect(fn(facts, 'main').runtime).toEqual({ api: 'rust.tokio.main', span: { line: 0, column: 0, endLine: 0, endColumn: 14 } });
    expect(fn(facts, 'single').runtime).toBeUndefined();
    expect(fn(facts, 'sized').runtime?.api).toBe('rust.tokio.main');
    expect(fn(facts, 'web').runtime?.api).toBe('rust.actix_web.main');
    expect(fn(facts, 'plain').runtime).toBeUndefined();
  });

  it('recognizes exported definitions of libc symbols as interposition', () => {
    const facts = extract(`#[no_mangle]
pub extern "C" fn malloc(size: usize) -> *mut u8 { std::ptr::null_mut() }
#[unsafe(no_mangle)]
pub unsafe extern "C" fn getenv(name: *const i8) -> *mut i8 { std::ptr::null_mut() }
#[export_name = "setenv"]
pub extern "C" fn my_setenv() -> i32 { 0 }
pub extern "C" fn free(pointer: *mut u8) {}
#[no_mangle]
pub fn calloc() {}
#[no_mangle]
pub extern "C" fn helper() {}
`);
    expect(facts.functions.filter((f) => f.interposes).map((f) => [f.key, f.interposes])).toEqual([
      ['malloc', { symbol: 'malloc', api: 'rust.interpose.allocator' }],
      ['getenv', { symbol: 'getenv', api: 'rust.interpose.getenv' }],
      ['my_setenv', { symbol: 'setenv', api: 'rust.interpose.setenv' }],
    ]);
  });
});

describe('Rust facts: paths and imports', () => {
  it('matches catalog names through use declarations, renames, nested use trees and absolute paths', () => {
    const facts = extract(`use std::{env, thread::{self, spawn as start}};
use std::env::set_var;
use std::env as environment;
extern crate libc as c;
fn main() {
    env::set_var("A", "1");
    set_var("B", "2");
    environment::remove_var("C");
    ::std::env::set_var("D", "4");
    std::env::set_var::<&str, &str>("E", "5");
    c::unsetenv(std::ptr::null());
    {
        use std::env::remove_var as drop_var;
        drop_var("F");
    }
    let alias = std::env::set_var;
    alias("G", "7");
    start(|| ());
    thread::spawn(|| ());
}
`);
    expect(apiEvents(facts, 'main').map((event) => [event.kind, event.api, event.variable])).toEqual([
      ['env.write', 'rust.std.env.set_var', 'A'],
      ['env.write', 'rust.std.env.set_var', 'B'],
      ['env.write', 'rust.std.env.remove_var', 'C'],
      ['env.write', 'rust.std.env.set_var', 'D'],
      ['env.write', 'rust.std.env.set_var', 'E'],
      ['env.write', 'rust.libc.unsetenv', undefined],
      ['env.write', 'rust.std.env.remove_var', 'F'],
      ['env.write', 'rust.std.env.set_var', 'G'],
      ['spawn', 'rust.std.thread.spawn', undefined],
      ['spawn', 'rust.std.thread.spawn', undefined],
    ]);
  });

  it('records each use leaf, mod declaration and extern crate as an import, and pub use as an export', () => {
    const facts = extract(`use std::{env, thread::{self, spawn as start}};
use rayon::prelude::*;
pub use crate::config::apply;
pub use self::inner::Thing as Public;
extern crate openssl_probe;
mod config;
mod inner { mod nested; }
`);
    expect(facts.imports.map(({ kind, local, source, imported }) => ({ kind, local, source, imported }))).toEqual([
      { kind: 'use', local: 'env', source: 'std', imported: 'env' },
      { kind: 'use', local: 'thread', source: 'std', imported: 'thread' },
      { kind: 'use', local: 'start', source: 'std::thread', imported: 'spawn' },
      { kind: 'use', local: '*', source: 'rayon::prelude', imported: '*' },
      { kind: 'use', local: 'apply', source: 'crate::config', imported: 'apply' },
      { kind: 'use', local: 'Public', source: 'self::inner', imported: 'Thing' },
      { kind: 'use', local: 'openssl_probe', source: 'openssl_probe', imported: 'self' },
      { kind: 'mod', local: 'config', source: 'config', imported: 'config' },
      { kind: 'mod', local: 'nested', source: 'inner::nested', imported: 'nested' },
    ]);
    expect(facts.exports).toEqual([
      { exported: 'apply', local: 'apply' },
      { exported: 'Public', local: 'Public' },
    ]);
  });

  it('expands callee paths for the linker, relative to the file module', () => {
    const facts = extract(`use crate::config::apply;
use std::process::Command;
mod util {
    pub fn run() {
        super::apply();
        self::helper();
        crate::config::reset();
    }
    fn helper() {}
}
impl Probe {
    fn new() -> Self { Self::defaults() }
    fn defaults() -> Self { Probe }
}
fn main() {
    apply();
    util::run();
    openssl_probe::init();
}
`);
    expect(calls(facts, 'util::run').map((call) => call.callee)).toEqual([
      { name: 'apply', path: ['crate', 'config', 'apply'] },
      { name: 'helper', path: ['self', 'util', 'helper'] },
      { name: 'reset', path: ['crate', 'config', 'reset'] },
    ]);
    expect(calls(facts, 'Probe::new')[0]!.callee).toEqual({ name: 'defaults', path: ['Probe', 'defaults'], local: 'Probe::defaults' });
    expect(calls(facts, 'main').map((call) => call.callee.path)).toEqual([['crate', 'config', 'apply'], ['util', 'run'], ['openssl_probe', 'init']]);
  });

  it('treats a C function declared in an extern block as the libc binding', () => {
    const facts = extract(`extern "C" { fn setenv(n: *const i8, v: *const i8, o: i32) -> i32; }
fn main() { unsafe { setenv(c"TZ".as_ptr(), c"UTC".as_ptr(), 1); } }
`);
    expect(apiEvents(facts, 'main')).toEqual([{ line: 2, kind: 'env.write', api: 'rust.libc.setenv', variable: 'TZ' }]);
  });
});

describe('Rust facts: threads', () => {
  it('makes a spawned closure its own function keyed by its 1-based position', () => {
    const facts = extract(`use std::{env, thread};
fn main() {
    let handle = thread::spawn(move || {
        env::set_var("IN_THREAD", "1");
    });
    handle.join().unwrap();
}
`);
    expect(apiEvents(facts, 'main')).toEqual([
      { line: 3, kind: 'spawn', api: 'rust.std.thread.spawn', body: { local: '<closure@3:32>' }, handles: ['handle'] },
      { line: 6, kind: 'join', api: 'rust.std.thread.JoinHandle.join', handles: ['handle'] },
    ]);
    const body = fn(facts, '<closure@3:32>');
    expect(body).toMatchObject({ name: '<closure@3:32>', qualifiedName: 'main::<closure@3:32>', exported: false, params: [] });
    expect(body.events).toEqual([
      { kind: 'env.write', api: 'rust.std.env.set_var', variable: 'IN_THREAD', span: { line: 3, column: 8, endLine: 3, endColumn: 38 }, loops: [], branches: [] },
    ]);
  });

  it('names a function body by reference and finds the handle through pushes, collects and chains', () => {
    const facts = extract(`use std::thread;
fn worker() {}
fn main() {
    let mut handles = Vec::new();
    for _ in 0..2 {
        handles.push(thread::spawn(worker));
    }
    for h in handles { h.join().unwrap(); }
    let pool: Vec<_> = (0..2).map(|_| thread::Builder::new().name("w".into()).spawn(worker).unwrap()).collect();
    pool.into_iter().for_each(|w| { w.join().unwrap(); });
    thread::spawn(worker).join().unwrap();
    thread::spawn(worker);
}
`);
    expect(apiEvents(facts, 'main')).toEqual([
      { line: 6, kind: 'spawn', api: 'rust.std.thread.spawn', body: { callee: { name: 'worker', path: ['worker'], local: 'worker' } }, handles: ['handles'], loops: ['loop1'] },
      { line: 8, kind: 'join', api: 'rust.std.thread.JoinHandle.join', handles: ['h', 'handles'], loops: ['loop2'] },
      { line: 9, kind: 'spawn', api: 'rust.std.thread.Builder.spawn', body: { callee: { name: 'worker', path: ['worker'], local: 'worker' } }, handles: ['<chain@9:39>', 'pool'] },
      { line: 10, kind: 'join', api: 'rust.std.thread.JoinHandle.join', handles: ['w', 'pool'] },
      { line: 11, kind: 'spawn', api: 'rust.std.thread.spawn', body: { callee: { name: 'worker', path: ['worker'], local: 'worker' } }, handles: ['<chain@11:5>'] },
      { line: 11, kind: 'join', api: 'rust.std.thread.JoinHandle.join', handles: ['<chain@11:5>'] },
      { line: 12, kind: 'spawn', api: 'rust.std.thread.spawn', body: { callee: { name: 'worker', path: ['worker'], local: 'worker' } }, handles: [] },
    ]);
  });

  it('follows a handle out of if and match arms into the binding', () => {
    const facts = extract(`use std::thread;
fn work() {}
fn main(fast: bool) {
    let handle = if fast { thread::spawn(work) } else { thread::Builder::new().spawn(work).unwrap() };
    let other = match fast { true => Some(thread::spawn(work)), false => None };
    if thread::spawn(work).is_finished() {}
}
`);
    expect(apiEvents(facts, 'main').map(({ handles, branches }) => [handles, branches ?? []])).toEqual([
      [['handle'], ['if1:0']],
      [['<chain@4:57>', 'handle'], ['if1:1']],
      [['other'], ['match2:0']],
      [['<chain@6:8>'], []],
    ]);
  });

  it('inlines a thread scope and joins its threads where the scope call ends', () => {
    const facts = extract(`use std::{env, thread};
fn main() {
    thread::scope(|s| {
        s.spawn(|| ());
        env::set_var("INSIDE", "1");
    });
    env::set_var("AFTER", "1");
}
`);
    const events = fn(facts, 'main').events.filter((event) => event.kind !== 'call');
    expect(brief(events)).toEqual([
      { line: 4, kind: 'spawn', api: 'rust.std.thread.Scope.spawn', body: { local: '<closure@4:17>' }, handles: ['s'] },
      { line: 5, kind: 'env.write', api: 'rust.std.env.set_var', variable: 'INSIDE' },
      { line: 6, kind: 'join', api: 'rust.std.thread.scope', handles: ['s'] },
      { line: 7, kind: 'env.write', api: 'rust.std.env.set_var', variable: 'AFTER' },
    ]);
    expect(events[2]!.span).toEqual({ line: 5, column: 5, endLine: 5, endColumn: 6 });
  });

  it('models tokio: tasks, blocking tasks, hand-built runtimes, block_on and awaited handles', () => {
    const facts = extract(`use tokio::runtime::{Builder, Runtime};
async fn serve() {}
fn main() {
    let rt = Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async { serve().await });
    let task = rt.spawn(serve());
    rt.spawn_blocking(|| ());
    let other = Runtime::new().unwrap();
    other.block_on(async {
        let h = tokio::spawn(async { 1 });
        h.await.unwrap();
        tokio::task::spawn_blocking(|| ()).await.unwrap();
    });
}
`);
    expect(apiEvents(facts, 'main')).toEqual([
      { line: 4, kind: 'spawn', api: 'rust.tokio.runtime.new', handles: ['<chain@4:14>', 'rt'] },
      { line: 6, kind: 'spawn', api: 'rust.tokio.runtime.spawn', body: { callee: { name: 'serve', path: ['serve'], local: 'serve' } }, handles: ['task', 'rt'] },
      { line: 7, kind: 'spawn', api: 'rust.tokio.runtime.spawn', body: { local: '<closure@7:23>' }, handles: ['rt'] },
      { line: 8, kind: 'spawn', api: 'rust.tokio.runtime.new', handles: ['<chain@8:17>', 'other'] },
      { line: 10, kind: 'spawn', api: 'rust.tokio.spawn', body: { local: '<closure@10:30>' }, handles: ['h'] },
      { line: 11, kind: 'join', api: 'rust.tokio.task.JoinHandle.await', handles: ['h'] },
      { line: 12, kind: 'spawn', api: 'rust.tokio.task.spawn_blocking', body: { local: '<closure@12:37>' }, handles: ['<chain@12:9>'] },
      { line: 12, kind: 'join', api: 'rust.tokio.task.JoinHandle.await', handles: ['<chain@12:9>'] },
    ]);
    // The block_on future runs on this thread: its await of serve() is an ordinary call here.
    expect(calls(facts, 'main').some((call) => call.callee.name === 'serve' && call.span.line === 4)).toBe(true);
  });

  it('joins the task, not its runtime, when a spawn result is awaited in the same expression', () => {
    const facts = extract(`use tokio::runtime::Runtime;
async fn work() {}
fn main(worker: Worker) {
    let rt = Runtime::new().unwrap();
    rt.block_on(async { rt.spawn(work()).await.unwrap(); work().await; });
    worker.handle.take().unwrap().join().unwrap();
}
`);
    expect(apiEvents(facts, 'main')).toEqual([
      { line: 4, kind: 'spawn', api: 'rust.tokio.runtime.new', handles: ['<chain@4:14>', 'rt'] },
      { line: 5, kind: 'spawn', api: 'rust.tokio.runtime.spawn', body: { callee: { name: 'work', path: ['work'], local: 'work' } }, handles: ['<chain@5:25>', 'rt'] },
      { line: 5, kind: 'join', api: 'rust.tokio.task.JoinHandle.await', handles: ['<chain@5:25>'] },
      { line: 6, kind: 'join', api: 'rust.std.thread.JoinHandle.join', handles: ['<chain@6:5>', 'handle'] },
    ]);
  });

  it('models rayon: parallel iterator closures, join closures and pools are thread bodies', () => {
    const facts = extract(`use rayon::prelude::*;
fn main() {
    let v = vec![1, 2];
    v.par_iter().map(|x| x * 2).for_each(|_| ());
    rayon::join(|| (), || ());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    pool.install(|| ());
    v.iter().for_each(|_| ());
}
`);
    expect(apiEvents(facts, 'main')).toEqual([
      { line: 4, kind: 'spawn', api: 'rust.rayon.par_iter', body: { local: '<closure@4:22>' }, handles: ['<chain@4:5>', 'v'] },
      { line: 4, kind: 'spawn', api: 'rust.rayon.par_iter', body: { local: '<closure@4:42>' }, handles: ['<chain@4:5>', 'v'] },
      { line: 4, kind: 'join', api: 'rust.rayon.par_iter.wait', handles: ['<chain@4:5>'] },
      { line: 5, kind: 'spawn', api: 'rust.rayon.join', body: { local: '<closure@5:17>' }, handles: ['<chain@5:5>'] },
      { line: 5, kind: 'spawn', api: 'rust.rayon.join', body: { local: '<closure@5:24>' }, handles: ['<chain@5:5>'] },
      { line: 5, kind: 'join', api: 'rust.rayon.join.wait', handles: ['<chain@5:5>'] },
      { line: 6, kind: 'spawn', api: 'rust.rayon.ThreadPoolBuilder.new', handles: ['<chain@6:16>', 'pool'] },
      { line: 7, kind: 'spawn', api: 'rust.rayon.ThreadPool.install', body: { local: '<closure@7:18>' }, handles: ['pool', '<chain@7:5>'] },
      { line: 7, kind: 'join', api: 'rust.rayon.ThreadPool.install.wait', handles: ['<chain@7:5>'] },
    ]);
  });

  it('does not take par_iter without a rayon import, Path::join for a join, or a known type for a runtime', () => {
    const facts = extract(`use tokio::runtime::Runtime;
fn main(v: Vec<u8>, p: std::path::PathBuf, pool: MyPool) {
    v.par_iter().for_each(|_| ());
    let q = p.join("x");
    pool.spawn(|| ());
}
`);
    expect(apiEvents(facts, 'main')).toEqual([]);
  });
});

describe('Rust facts: programs and readers', () => {
  it('treats Command as exec and its env methods as safe (no write)', () => {
    const facts = extract(`use std::process::Command;
use std::net::ToSocketAddrs;
use std::env;
const KEY: &str = "SSL_CERT_FILE";
fn main() {
    Command::new("x").env("A", "b").env_remove("C").spawn().unwrap();
    let mut cmd = Command::new("y");
    cmd.env_clear();
    let _ = cmd.output();
    let _ = env::var(KEY);
    let _ = ("localhost", 80).to_socket_addrs();
}
`);
    expect(apiEvents(facts, 'main')).toEqual([
      { line: 6, kind: 'exec', api: 'rust.std.process.Command.spawn' },
      { line: 9, kind: 'exec', api: 'rust.std.process.Command.spawn' },
      { line: 10, kind: 'env.read', api: 'rust.std.env.var', variable: 'SSL_CERT_FILE' },
      { line: 11, kind: 'env.read', api: 'rust.std.net.ToSocketAddrs.to_socket_addrs' },
    ]);
  });

  it('counts a function passed by name as called there (Once::call_once(openssl_probe::init...))', () => {
    const facts = extract(`use std::sync::Once;
static ONCE: Once = Once::new();
fn probe() {}
fn main() {
    ONCE.call_once(openssl_probe::init_ssl_cert_env_vars);
    ONCE.call_once(probe);
}
`);
    // A library function is not an API of the catalog: the call is followed into its source.
    expect(apiEvents(facts, 'main')).toEqual([]);
    expect(calls(facts, 'main').map((call) => call.callee)).toEqual([
      { name: 'call_once', path: ['call_once'], receiver: 'ONCE' },
      { name: 'init_ssl_cert_env_vars', path: ['openssl_probe', 'init_ssl_cert_env_vars'] },
      { name: 'call_once', path: ['call_once'], receiver: 'ONCE' },
      { name: 'probe', path: ['probe'], local: 'probe' },
    ]);
  });
});

describe('Rust facts: project catalog entries', () => {
  it('matches a plain name from the project configuration as a function or a method', () => {
    const withExtra = loadCatalog('rust', [
      { id: 'project.set_env_locked', kind: 'env.write', names: ['set_env_locked'], variableArg: 0, description: 'Project helper.', source: 'https://example.com' },
    ]);
    const facts = rustAdapter.extract(
      `fn main(env: EnvGuard) { util::set_env_locked("A", "1"); env.set_env_locked("B", "2"); }\n`,
      withExtra,
      { extension: '.rs' },
    );
    expect(fn(facts, 'main').events.filter((event) => event.kind === 'env.write').map((event) => [event.api, 'variable' in event ? event.variable : undefined])).toEqual([
      ['project.set_env_locked', 'A'],
      ['project.set_env_locked', 'B'],
    ]);
  });
});

describe('Rust facts: control flow', () => {
  it('records enclosing loops and conditional arms', () => {
    const facts = extract(`use std::env;
fn main(flag: bool, items: Vec<u8>) {
    for item in items.iter() {
        if flag {
            env::set_var("A", "1");
        } else if let Some(x) = Some(item) {
            env::set_var("B", "2");
        } else {
            env::set_var("C", "3");
        }
    }
    while flag { loop { env::set_var("D", "4"); } }
    match flag {
        true => env::set_var("E", "5"),
        false => { env::set_var("F", "6"); }
    }
    let ok = flag && { env::set_var("G", "7"); true };
    let Some(x) = Some(1) else { env::set_var("H", "8"); return; };
    helper()?;
}
`);
    expect(apiEvents(facts, 'main').map(({ variable, loops, branches }) => [variable, loops ?? [], branches ?? []])).toEqual([
      ['A', ['loop1'], ['if2:0']],
      ['B', ['loop1'], ['if2:1', 'if3:0']],
      ['C', ['loop1'], ['if2:1', 'if3:1']],
      ['D', ['loop4', 'loop5'], []],
      ['E', [], ['match6:0']],
      ['F', [], ['match6:1']],
      ['G', [], ['and7:1']],
      ['H', [], ['let8:1']],
    ]);
  });
});

describe('Rust facts: local closures and data flow', () => {
  it('extracts a let-bound closure once and links its calls locally (openssl-probe shape)', () => {
    const facts = extract(`use std::env;
pub fn try_init(file: Option<&str>) -> bool {
    let put = |var: &str, value: &str| {
        env::set_var(var, value);
    };
    if let Some(path) = file {
        put("SSL_CERT_FILE", path);
    }
    put2("SSL_CERT_DIR", "/etc/ssl");
    fn put2(var: &str, value: &str) {
        env::set_var(var, value);
    }
    file.is_some()
}
`);
    expect(apiEvents(facts, 'try_init')).toEqual([]);
    expect(calls(facts, 'try_init').map((call) => [call.callee.name, call.callee.local, call.branches])).toEqual([
      ['put', '<closure@3:15>', ['if1:0']],
      ['put2', 'try_init::put2', []],
      ['is_some', undefined, []],
    ]);
    expect(fn(facts, '<closure@3:15>')).toMatchObject({ qualifiedName: 'try_init::put', params: ['var', 'value'] });
    expect(apiEvents(facts, '<closure@3:15>')).toEqual([{ line: 4, kind: 'env.write', api: 'rust.std.env.set_var' }]);
    expect(fn(facts, 'try_init::put2')).toMatchObject({ exported: false, params: ['var', 'value'] });
  });

  it('binds a call result for joins by handle and passes parameters on', () => {
    const facts = extract(`fn start() -> std::thread::JoinHandle<()> { std::thread::spawn(|| ()) }
fn forward(name: &str, value: &str) { apply(value, &name); }
fn main() {
    let worker = start();
    worker.join().unwrap();
}
`);
    expect(calls(facts, 'main')[0]).toMatchObject({ callee: { name: 'start', local: 'start' }, assignedTo: 'worker' });
    expect(calls(facts, 'forward')[0]!.args).toEqual([{ param: 1 }, { param: 0 }]);
    expect(apiEvents(facts, 'start')).toEqual([
      { line: 1, kind: 'spawn', api: 'rust.std.thread.spawn', body: { local: '<closure@1:64>' }, handles: [] },
    ]);
  });
});

describe('Rust facts: macro bodies', () => {
  it('analyzes item macros, vec! elements and format arguments at their real positions', () => {
    const facts = extract(`cfg_rt! {
    use std::env;
    pub fn configure() { env::set_var("A", "1"); }
}
fn main() {
    let handles = vec![std::thread::spawn(|| ())];
    println!("{:?}", std::env::var("B"));
    tokio::select! { _ = a => {} }
}
`);
    expect(apiEvents(facts, 'configure')).toEqual([{ line: 3, kind: 'env.write', api: 'rust.std.env.set_var', variable: 'A' }]);
    expect(fn(facts, 'configure').events[0]!.span).toEqual({ line: 2, column: 25, endLine: 2, endColumn: 47 });
    expect(apiEvents(facts, 'main')).toEqual([
      { line: 6, kind: 'spawn', api: 'rust.std.thread.spawn', body: { local: '<closure@6:43>' }, handles: ['handles'] },
      { line: 7, kind: 'env.read', api: 'rust.std.env.var', variable: 'B' },
    ]);
    expect(facts.imports.map((entry) => entry.local)).toEqual(['env']);
    expect(facts.diagnostics).toEqual([]);
  });
});

describe('Rust facts: positions and robustness', () => {
  it('reports columns in UTF-16 code units after non-ASCII text', () => {
    const facts = extract(`fn main() { let s = "日本😀"; std::env::set_var("A", s); }\n`);
    const write = fn(facts, 'main').events.find((event) => event.kind === 'env.write')!;
    expect(write.span).toEqual({ line: 0, column: 28, endLine: 0, endColumn: 53 });
  });

  it('extracts what parsed from broken code and reports the syntax error', () => {
    const source = `use std::env;
fn broken( {
    env::set_var("A", "1");
}
fn fine() { env::set_var("B", "2"); }
`;
    const facts = extract(source);
    expect(facts.diagnostics.length).toBeGreaterThan(0);
    expect(facts.diagnostics[0]!.message).toMatch(/^syntax error: /);
    expect(apiEvents(facts, 'fine')).toEqual([{ line: 5, kind: 'env.write', api: 'rust.std.env.set_var', variable: 'B' }]);
    expect(() => extract('}}}{{{ fn fn fn ::: <<< "unterminated')).not.toThrow();
    expect(extract('').functions).toEqual([]);
  });

  it('is a pure function of the source', () => {
    const source = `use std::{env, thread};\nfn main() { let h = thread::spawn(|| env::set_var("A", "1")); h.join().unwrap(); }\n`;
    expect(extract(source)).toEqual(extract(source));
  });
});
