import type { Language } from '../facts/types.ts';

/**
 * What a catalog entry says an API does.
 * - `env.write` / `env.read` / `exec`: mutates the environment / reads it / starts a program.
 * - `spawn`: starts a thread whose body is an argument (or a pool that runs it).
 * - `join`: waits for threads started earlier.
 * - `runtime`: brings worker threads into existence without a body of ours (a tokio runtime being
 *   built, work handed to Node's libuv threadpool, `#[tokio::main]` as an attribute).
 * - `interposable`: a libc symbol whose redefinition changes what everything else can assume.
 * - `sync-callback`: (JS) calls its function argument synchronously (`forEach`, `new Promise`), so
 *   the callback's events are inline, not deferred.
 * - `safe`: looks like a mutation but is the recommended alternative (`Command::env`,
 *   `subprocess.run(env=...)`); listed so that docs and `envrace rules` can name it.
 */
export type CatalogKind =
  | 'env.write'
  | 'env.read'
  | 'exec'
  | 'spawn'
  | 'join'
  | 'runtime'
  | 'interposable'
  | 'sync-callback'
  | 'safe';

export interface CatalogEntry {
  /** Stable id, `<ecosystem>.<area>.<name>`: `c.libc.setenv`, `rust.std.env.set_var`. */
  id: string;
  kind: CatalogKind;
  /**
   * What it matches, fully qualified in the ecosystem's own notation: C `setenv`; Rust
   * `std::env::set_var`, `tokio::main` (attribute), `std::process::Command::spawn` (method);
   * Python `os.environ.update`, `threading.Thread.start`; JS `process.env`, `dns.lookup`,
   * `worker_threads.Worker`. A project's own entries (from configuration) use plain function
   * names like `set_env_locked`, which every adapter matches as a called function's name.
   */
  names: string[];
  /** How the API appears, when it is not a plain call: `method`, `attribute`, `constructor`, `member` (a property write such as `process.env.X = v`), `subscript`, `macro`. */
  form?: 'call' | 'method' | 'attribute' | 'constructor' | 'member' | 'subscript' | 'macro';
  /** 0-based argument holding the variable name (for messages: `setenv("TZ", ...)`). */
  variableArg?: number;
  /** 0-based argument holding the thread body (`pthread_create` → 2). */
  bodyArg?: number;
  /** 0-based argument holding the handle that a join waits for or a spawn fills (`pthread_create` → 0, `pthread_join` → 0). */
  handleArg?: number;
  /** Keyword argument name holding the body (Python `target`). */
  bodyKeyword?: string;
  /** How messages name the API when `names[0]` is not how people write it (`os.environ[k] = v`). */
  display?: string;
  /** One sentence for `envrace rules` and docs. */
  description: string;
  /** Where the behaviour is documented (man page, docs.rs, docs.python.org, nodejs.org). */
  source: string;
}

export interface Catalog {
  ecosystem: Language;
  entries: CatalogEntry[];
}
