/**
 * The language-neutral fact shape. Every language adapter turns one file's bytes into a `FileFacts`;
 * nothing downstream (linking, analysis, reporting) ever sees a syntax tree.
 *
 * Facts must be a pure function of (file content, language, catalog): no paths, no clocks, no
 * file-system look-ups. That is what lets them be cached by content hash and extracted in parallel.
 */

export type Language = 'c' | 'rust' | 'python' | 'javascript';
export const LANGUAGES: readonly Language[] = ['c', 'rust', 'python', 'javascript'];

/**
 * A source range. Lines and columns are 0-based; columns count UTF-16 code units, which is what
 * JS string indices, tree-sitter's node binding and typescript-estree's `loc.column` all use.
 * `src/positions.ts` is the only place that converts to anything else (SARIF is 1-based).
 */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** How a call names what it calls, as written in the source (after local import/alias expansion). */
export interface CalleeRef {
  /** Last segment: `set_var`, `populate`, `init`. */
  name: string;
  /**
   * Qualified path as the adapter could expand it from this file alone, outermost first:
   * Rust `['crate','probe','init']` or `['openssl_probe','init_ssl_cert_env_vars']`, Python
   * `['pkg','util','apply']`, JS `['./util.js','apply']` (module specifier, then export name),
   * C `['helper']`. A bare local name is `[name]`.
   */
  path: string[];
  /**
   * For method calls `x.f()`: the receiver. `'self'`/`'this'` for the enclosing object; any other
   * string is the receiver's text (a variable name), resolved conservatively by method name.
   * Absent for plain function calls.
   */
  receiver?: string;
  /** Set when the adapter already knows the target is a function of this same file (its `key`). */
  local?: string;
  /**
   * The receiver's type as written, when the adapter can tell from this file alone: `self` inside
   * `impl T`, a parameter `tls: TlsConnectorBuilder`, `let x: T`, `let x = T { .. }`. Lets the linker
   * pick `T::m` instead of every method named `m`.
   */
  receiverType?: string;
  /**
   * The receiver is the value returned by this other call (`ClientBuilder::new().build()`, or
   * `let tls = TlsConnector::builder(); tls.build()`): the linker resolves it and uses the callees'
   * `returnType`.
   */
  receiverCall?: CalleeRef;
}

/** What an argument at a call site is, as far as environment flow is concerned. */
export type ArgFact =
  /** The process environment itself (`os.environ`, `process.env`, or an alias of it). */
  | { env: true }
  /** The enclosing function's parameter number `param` (0-based), passed on. */
  | { param: number }
  | null;

/** Where control structures put an event. Used to decide "after" and "joined on every path". */
export interface Placement {
  /** Ids of enclosing loops within this function, outermost first (function-unique strings). */
  loops: string[];
  /**
   * Enclosing conditional arms, outermost first, each `"<construct>:<arm>"` (e.g. `"if3:0"` for the
   * then-branch of if-construct 3, `"if3:1"` for its else). Two events whose lists diverge at the
   * same construct with different arms are mutually exclusive. try/except handlers, match arms,
   * `&&`/`||` right operands and ternary arms are arms too.
   */
  branches: string[];
}

interface EventBase extends Placement {
  span: Span;
}

/** A call to something that is not itself a catalog API. */
export interface CallEvent extends EventBase {
  kind: 'call';
  callee: CalleeRef;
  args?: ArgFact[];
  /** The variable the call's result is bound to (`let h = start_worker();`), for joins by handle. */
  assignedTo?: string;
}

/** Where a spawned thread's code is. */
export type BodyRef = { local: string } | { callee: CalleeRef };

/**
 * A thread (or pool of threads) starts here and may run concurrently with what follows.
 * A spawn without `body` stands for threads whose code is not ours (a tokio/rayon runtime being
 * built, Node's libuv threadpool getting work): they are alive from here on but contribute no body.
 */
export interface SpawnEvent extends EventBase {
  kind: 'spawn';
  /** Catalog entry id, e.g. `rust.std.thread.spawn`. */
  api: string;
  body?: BodyRef;
  /**
   * Names by which the thread can be joined: the variable holding the handle, and any collection
   * it is pushed/appended/collected into (`handles`, `threads`), or the executor/scope variable.
   * Empty: detached, never joined.
   */
  handles: string[];
}

/** Threads end here. */
export interface JoinEvent extends EventBase {
  kind: 'join';
  api: string;
  /**
   * Names joined: the handle variable, plus for a join on a loop variable the collection being
   * iterated (`for h in handles { h.join() }` gives `['h','handles']`). The end of a
   * `with ThreadPoolExecutor() as ex:` block or of `std::thread::scope` is a join of that name.
   */
  handles: string[];
}

export interface EnvWriteEvent extends EventBase {
  kind: 'env.write';
  api: string;
  /** The variable's name when it is a literal (`"SSL_CERT_FILE"`). */
  variable?: string;
  /**
   * Set when what is written is not the environment itself but properties of the enclosing
   * function's parameter number `param` (dotenv's `populate(processEnv, parsed)` shape). It only
   * becomes a write where a caller passes the environment as that argument.
   */
  param?: number;
}

export interface EnvReadEvent extends EventBase {
  kind: 'env.read';
  api: string;
  variable?: string;
}

/** Starts a program (`execve`, `system`, `Command::spawn`, `subprocess.run`): copies `environ`. */
export interface ExecEvent extends EventBase {
  kind: 'exec';
  api: string;
}

/**
 * A callback handed to the event loop (JS): it runs later on the same thread, after the current
 * synchronous code (request handlers, timers, promise continuations).
 */
export interface DeferEvent extends EventBase {
  kind: 'defer';
  body: BodyRef;
}

export type Event =
  | CallEvent
  | SpawnEvent
  | JoinEvent
  | EnvWriteEvent
  | EnvReadEvent
  | ExecEvent
  | DeferEvent;

export type EventKind = Event['kind'];

export interface FunctionFact {
  /** Unique within the file and stable for the same content: `main`, `Probe::init`, `<module>`, `<closure@12:8>`. */
  key: string;
  /** Simple name used for linking by name (`init`, `main`, `<module>`). */
  name: string;
  /** For messages: `openssl_probe::init_ssl_cert_env_vars`, `build.Builder.run`, `util.c:helper`. */
  qualifiedName: string;
  /** Type/class/impl the function belongs to (Rust `impl Foo`, Python `class Foo`, JS class). */
  container?: string;
  /**
   * Declared return type, simplified to the type a method call on the result would dispatch on
   * (`Self` → the container; `Result<T, E>`/`Option<T>`/`Box<T>` → `T`), as written (`TlsConnectorBuilder`).
   */
  returnType?: string;
  span: Span;
  nameSpan: Span;
  /** Visible outside its file/crate/module: `pub`, non-`static`, no leading `_`, `export`ed. */
  exported: boolean;
  params: string[];
  /**
   * The function starts a program on the main thread: C/Rust `main`; `<module>` (Python/JS
   * module top-level code, which runs when the module is loaded).
   */
  entry?: 'main' | 'module';
  /**
   * The whole body runs while runtime worker threads exist (`#[tokio::main]` without
   * `flavor = "current_thread"`, `#[actix_web::main]`).
   */
  runtime?: { api: string; span: Span };
  /** This definition replaces a libc symbol (`malloc`, `getenv`, ...) for the whole process. */
  interposes?: { symbol: string; api: string };
  /** Events in source order (sorted by start position). */
  events: Event[];
}

export interface Diagnostic {
  /** One line, no trailing period: `syntax error: unexpected '}'`. */
  message: string;
  span: Span;
}

export interface FileFacts {
  language: Language;
  functions: FunctionFact[];
  /**
   * Import facts the linker needs, language-specific but plain data: Rust `use` trees and `mod`
   * declarations, Python imports, JS import/require specifiers, C `#include`s.
   */
  imports: ImportFact[];
  /** The file marks itself as a program entry (Python `if __name__ == "__main__":`, a JS shebang). */
  program?: boolean;
  /**
   * Names this module makes visible to importers when they differ from a function's own
   * `name`/`exported` flag: JS `export { f as g }`, `module.exports = { g: f }`, `export default f`
   * (exported `default`), re-exports `export { x } from './y'` (`local` then names an import).
   */
  exports?: ExportFact[];
  /** Recoverable problems (syntax errors: facts come from what parsed). */
  diagnostics: Diagnostic[];
}

export interface ExportFact {
  /** The name importers use (`default` for a default export). */
  exported: string;
  /** A function `key` of this file, or an `ImportFact.local` for a re-export. */
  local: string;
}

/**
 * One imported binding. `local` is the name visible in this file; `source` the module path as
 * written (`std::env`, `crate::probe`, `.util`, `../lib/env.js`, `<stdio.h>`); `imported` the
 * name in that module (`*` for a namespace/glob, `default` for a JS default import).
 */
export interface ImportFact {
  kind: 'use' | 'mod' | 'import' | 'require' | 'include' | 'reexport';
  local: string;
  source: string;
  imported: string;
  span: Span;
  /** Rust `#[path = "imp/openssl.rs"] mod imp;`: the file the module lives in, relative to the declaring file's folder. */
  path?: string;
  /** Re-exported to importers of this module (Rust `pub use`). */
  public?: boolean;
}
