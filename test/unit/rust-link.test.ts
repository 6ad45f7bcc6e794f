import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { rustAdapter } from '../../src/languages/rust/extract.ts';
import { rustLinker } from '../../src/languages/rust/link.ts';
import { moduleOfFile } from '../../src/languages/rust/modules.ts';
import { eventRef, type CallTargets, type LinkFile, type PackageRef } from '../../src/languages/types.ts';

const catalog = loadCatalog('rust');

function crate(name: string, deps: Record<string, string> = {}): PackageRef {
  return { id: `cargo:${name}`, name, root: `/ws/${name}`, deps, inProject: true };
}

/** `relative` is the path inside the crate folder (`src/main.rs`); the file id is `<crate>/<relative>`. */
function file(pkg: PackageRef, relative: string, source: string): LinkFile {
  return { id: `${pkg.name}/${relative}`, path: `${pkg.root}/${relative}`, facts: rustAdapter.extract(source, catalog, { extension: '.rs' }), pkg };
}

/** Targets of the `nth` (0-based) call-or-spawn event of `fnKey`, skipping calls that carry no name of ours. */
function targetsOf(targets: CallTargets, target: LinkFile, fnKey: string, nth = 0): string[] | undefined {
  const fn = target.facts.functions.find((candidate) => candidate.key === fnKey);
  if (!fn) throw new Error(`no function ${fnKey} in ${target.id}`);
  const indexes = fn.events.flatMap((event, index) => (event.kind === 'call' || event.kind === 'spawn' ? [index] : []));
  return targets.get(eventRef(target.id, fnKey, indexes[nth]!));
}

describe('Rust module paths', () => {
  it('places files by their path under src/', () => {
    expect(moduleOfFile('/ws/app/src/main.rs', '/ws/app')).toEqual([]);
    expect(moduleOfFile('/ws/app/src/lib.rs', '/ws/app')).toEqual([]);
    expect(moduleOfFile('/ws/app/src/config.rs', '/ws/app')).toEqual(['config']);
    expect(moduleOfFile('/ws/app/src/net/http.rs', '/ws/app')).toEqual(['net', 'http']);
    expect(moduleOfFile('/ws/app/src/net/mod.rs', '/ws/app')).toEqual(['net']);
    expect(moduleOfFile('/ws/app/src/bin/tool.rs', '/ws/app')).toEqual([]);
    expect(moduleOfFile('/ws/app/src/bin/tool/main.rs', '/ws/app')).toEqual([]);
    expect(moduleOfFile('/ws/app/src/bin/tool/cli.rs', '/ws/app')).toEqual(['cli']);
    expect(moduleOfFile('/ws/app/tests/it.rs', '/ws/app/')).toEqual(['tests', 'it']);
  });
});

describe('Rust linker', () => {
  it('resolves crate::, relative and use-imported paths to other files of the crate', () => {
    const app = crate('app');
    const main = file(
      app,
      'src/main.rs',
      `mod config;
mod net;
use crate::config::apply;
fn main() {
    apply();
    config::reset();
    net::http::serve();
    crate::net::http::serve();
}`,
    );
    const config = file(app, 'src/config.rs', 'pub fn apply() {}\npub fn reset() {}');
    const http = file(app, 'src/net/http.rs', 'pub fn serve() { super::util::helper(); self::inner(); }\nfn inner() {}');
    const util = file(app, 'src/net/util.rs', 'pub fn helper() {}');
    const targets = rustLinker.link([main, config, http, util]);
    expect(targetsOf(targets, main, 'main', 0)).toEqual(['app/src/config.rs#apply']);
    expect(targetsOf(targets, main, 'main', 1)).toEqual(['app/src/config.rs#reset']);
    expect(targetsOf(targets, main, 'main', 2)).toEqual(['app/src/net/http.rs#serve']);
    expect(targetsOf(targets, main, 'main', 3)).toEqual(['app/src/net/http.rs#serve']);
    expect(targetsOf(targets, http, 'serve', 0)).toEqual(['app/src/net/util.rs#helper']);
    expect(targetsOf(targets, http, 'serve', 1)).toEqual(['app/src/net/http.rs#inner']);
  });

  it('finds functions of inline modules and names brought in by glob imports', () => {
    const app = crate('app');
    const lib = file(app, 'src/lib.rs', 'pub mod util { pub mod env { pub fn apply() {} } }\nmod config;');
    const config = file(app, 'src/config.rs', 'use crate::util::env::*;\npub fn load() { apply(); crate::util::env::apply(); }');
    const targets = rustLinker.link([lib, config]);
    expect(targetsOf(targets, config, 'load', 0)).toEqual(['app/src/lib.rs#util::env::apply']);
    expect(targetsOf(targets, config, 'load', 1)).toEqual(['app/src/lib.rs#util::env::apply']);
  });

  it('follows dependencies by the name the code uses, through pub use re-exports, to Type::assoc functions', () => {
    const probe = crate('openssl_probe');
    const tls = crate('native_tls', { openssl_probe: probe.id });
    const app = crate('app', { tls: tls.id });
    const probeLib = file(probe, 'src/lib.rs', 'pub fn init_ssl_cert_env_vars() { std::env::set_var("SSL_CERT_FILE", "x"); }\npub fn probe() {}');
    const tlsLib = file(tls, 'src/lib.rs', 'mod imp;\npub use imp::connector::TlsConnector;\npub use imp::connector::*;');
    const tlsImp = file(tls, 'src/imp/connector.rs', 'pub struct TlsConnector;\nimpl TlsConnector { pub fn new() -> Self { openssl_probe::probe(); TlsConnector } }\npub fn builder() {}');
    const appMain = file(app, 'src/main.rs', 'use tls::TlsConnector;\nfn main() { TlsConnector::new(); tls::builder(); tls::TlsConnector::new(); }');
    const targets = rustLinker.link([probeLib, tlsLib, tlsImp, appMain]);
    expect(targetsOf(targets, appMain, 'main', 0)).toEqual(['native_tls/src/imp/connector.rs#TlsConnector::new']);
    expect(targetsOf(targets, appMain, 'main', 1)).toEqual(['native_tls/src/imp/connector.rs#builder']);
    expect(targetsOf(targets, appMain, 'main', 2)).toEqual(['native_tls/src/imp/connector.rs#TlsConnector::new']);
    expect(targetsOf(targets, tlsImp, 'TlsConnector::new', 0)).toEqual(['openssl_probe/src/lib.rs#probe']);
  });

  it('lets a binary name its own library crate', () => {
    const app = crate('envtool');
    const lib = file(app, 'src/lib.rs', 'pub fn configure() {}');
    const bin = file(app, 'src/bin/cli.rs', 'fn main() { envtool::configure(); }');
    const targets = rustLinker.link([lib, bin]);
    expect(targetsOf(targets, bin, 'main')).toEqual(['envtool/src/lib.rs#configure']);
  });

  it('resolves self.method() on the own type, typed receivers on their type, others by method name when few', () => {
    const app = crate('app');
    const service = file(
      app,
      'src/service.rs',
      `pub struct Service;
pub struct Other;
impl Service { pub fn start(&self) { self.configure(); } fn configure(&self) {} }
impl Other { fn configure(&self) {} }
pub fn run(s: Service, any: Box<dyn Configure>) { s.configure(); Other::default().configure(); any.configure(); s.unknown(); }`,
    );
    const targets = rustLinker.link([service]);
    expect(targetsOf(targets, service, 'Service::start')).toEqual(['app/src/service.rs#Service::configure']);
    expect(targetsOf(targets, service, 'run', 0)).toEqual(['app/src/service.rs#Service::configure']);
    expect(targetsOf(targets, service, 'run', 2)).toEqual(['app/src/service.rs#Other::configure']);
    expect(targetsOf(targets, service, 'run', 3)).toEqual(['app/src/service.rs#Other::configure', 'app/src/service.rs#Service::configure']);
    expect(targetsOf(targets, service, 'run', 4)).toBeUndefined();
  });

  it('reads Type::builder() as a TypeBuilder, and does not guess by name for a known type without the method', () => {
    const tls = crate('native_tls');
    const app = crate('app', { native_tls: tls.id });
    const lib = file(
      tls,
      'src/lib.rs',
      `pub struct TlsConnector;
pub struct TlsConnectorBuilder;
pub struct TlsAcceptorBuilder;
impl TlsConnector { pub fn builder() -> TlsConnectorBuilder { TlsConnectorBuilder } }
impl TlsConnectorBuilder { pub fn build(&self) {} }
impl TlsAcceptorBuilder { pub fn build(&self) {} }`,
    );
    const main = file(app, 'src/main.rs', 'use native_tls::TlsConnector;\nfn main(c: TlsConnector) { TlsConnector::builder().build(); c.build(); }');
    const targets = rustLinker.link([lib, main]);
    expect(targetsOf(targets, main, 'main', 1)).toEqual(['native_tls/src/lib.rs#TlsConnectorBuilder::build']);
    expect(targetsOf(targets, main, 'main', 2)).toBeUndefined();
  });

  it('prefers the type defined in the module a path names over same-named types elsewhere', () => {
    const app = crate('app');
    const lib = file(app, 'src/lib.rs', 'pub mod blocking;\npub mod async_impl;\npub use async_impl::Client;\nfn use_it() { Client::new(); blocking::Client::new(); }');
    const blocking = file(app, 'src/blocking.rs', 'pub struct Client;\nimpl Client { pub fn new() -> Client { Client } }');
    const asyncImpl = file(app, 'src/async_impl.rs', 'pub struct Client;\nimpl Client { pub fn new() -> Client { Client } }');
    const targets = rustLinker.link([lib, blocking, asyncImpl]);
    expect(targetsOf(targets, lib, 'use_it', 0)).toEqual(['app/src/async_impl.rs#Client::new']);
    expect(targetsOf(targets, lib, 'use_it', 1)).toEqual(['app/src/blocking.rs#Client::new']);
  });

  it('narrows a method name shared by too many functions to the types the calling file names, or gives up', () => {
    const app = crate('app');
    const types = file(app, 'src/types.rs', Array.from({ length: 9 }, (_, n) => `pub struct T${n};\nimpl T${n} { pub fn get(&self) {} }`).join('\n'));
    const naming = file(app, 'src/naming.rs', 'use crate::types::T3;\nfn call(x: Holder) { x.inner().get(); }');
    const anonymous = file(app, 'src/main.rs', 'mod types;\nfn main(x: Holder) { x.inner().get(); }');
    const targets = rustLinker.link([types, naming, anonymous]);
    expect(targetsOf(targets, naming, 'call', 1)).toEqual(['app/src/types.rs#T3::get']);
    expect(targetsOf(targets, anonymous, 'main', 1)).toBeUndefined();
  });

  it('links thread bodies named by path and local closures', () => {
    const app = crate('app');
    const main = file(app, 'src/main.rs', 'mod workers;\nuse workers::serve;\nfn main() { std::thread::spawn(serve); std::thread::spawn(|| ()); }');
    const workers = file(app, 'src/workers.rs', 'pub fn serve() {}');
    const targets = rustLinker.link([main, workers]);
    expect(targetsOf(targets, main, 'main', 0)).toEqual(['app/src/workers.rs#serve']);
    expect(targetsOf(targets, main, 'main', 1)).toEqual(['app/src/main.rs#<closure@3:59>']);
  });

  it('keeps nested fns private to their file and leaves unknown paths unresolved', () => {
    const app = crate('app');
    const a = file(app, 'src/a.rs', 'pub fn outer() { fn put() {} put(); }');
    const b = file(app, 'src/b.rs', 'fn call() { crate::a::outer::put(); put(); serde_json::to_string(); }');
    const targets = rustLinker.link([a, b]);
    expect(targetsOf(targets, a, 'outer')).toEqual(['app/src/a.rs#outer::put']);
    expect(targetsOf(targets, b, 'call', 0)).toBeUndefined();
    expect(targetsOf(targets, b, 'call', 1)).toBeUndefined();
    expect(targetsOf(targets, b, 'call', 2)).toBeUndefined();
  });

  it('treats files without a crate as modules under the scan root', () => {
    const plain: PackageRef = { id: 'rust:.', name: 'scan', root: '/scan', deps: {}, inProject: true };
    const main = file(plain, 'main.rs', 'mod helper;\nfn main() { helper::run(); }');
    const helper = file(plain, 'helper.rs', 'pub fn run() {}');
    const targets = rustLinker.link([main, helper]);
    expect(targetsOf(targets, main, 'main')).toEqual(['scan/helper.rs#run']);
  });
});
