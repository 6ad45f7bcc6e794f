import type { Catalog, CatalogKind } from '../catalog/types.ts';
import type { Language } from '../facts/types.ts';

/** Kinds whose presence in a file can start a finding: a write, a thread, a runtime. */
export const SEED_KINDS: ReadonlySet<CatalogKind> = new Set(['env.write', 'spawn', 'runtime']);

/** Kinds that read the environment (a finding names the other thread's reader). */
export const READER_KINDS: ReadonlySet<CatalogKind> = new Set(['env.read', 'exec']);

/**
 * Path segments too common to identify an API on their own (`Runtime::new`, `Thread.start`): the
 * segment before them is used instead.
 */
const GENERIC_SEGMENTS = new Set([
  'new', 'build', 'run', 'start', 'call', 'get', 'default', 'main', 'create', 'init', 'open', 'send', 'spawn', 'join',
  'update', 'pop', 'popitem', 'clear', 'setdefault', 'map', 'apply', 'submit', 'set', 'assign', 'read', 'write',
  'close', 'request', 'access', 'exists', 'link', 'stat', 'connect', 'rename', 'install', 'task',
]);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Module roots a file must mention to use the API, by language: Python resolves names through the
 * file's imports, Rust through `use` paths (but `std` and `libc` items can be reached without naming
 * them: the prelude, an `extern "C"` block). JS APIs are also matched on receivers of any name.
 */
const ROOT_MUST_BE_NAMED: Partial<Record<Language, (root: string) => boolean>> = {
  python: () => true,
  rust: (root) => !['std', 'core', 'alloc', 'libc'].includes(root),
};

/**
 * Word sets, one of which every file able to produce a seed event of this catalog contains: the
 * API's identifying segment (`set_var`, `Thread`, `Runtime` for `Runtime::new`) and, for a
 * qualified name, the module it comes from (`os` for `os.putenv`, `threading` for
 * `threading.Thread`), which the call or the import that brings the name in must mention. A
 * generic last segment is required too (`Runtime new`, `thread spawn`): the call names it.
 */
export function seedSpecs(catalog: Catalog, kinds: ReadonlySet<CatalogKind> = SEED_KINDS): string[][] {
  const specs = new Map<string, string[]>();
  for (const entry of catalog.entries) {
    if (!kinds.has(entry.kind)) continue;
    for (const name of entry.names) {
      const segments = name.split(/::|\.|\//).filter((segment) => segment !== '' && !/^__\w+__$/.test(segment));
      const last = segments[segments.length - 1];
      if (!last) continue;
      // A generic last segment stands for the segment before it (`Runtime` for `Runtime::new`), which
      // any file using the API must mention (in the call or in the import that brings the name in).
      const index = GENERIC_SEGMENTS.has(last) && segments.length > 1 ? segments.length - 2 : segments.length - 1;
      const token = segments[index]!;
      if (!IDENTIFIER.test(token)) continue;
      const root = segments[0]!;
      const named = ROOT_MUST_BE_NAMED[catalog.ecosystem];
      const words = index > 0 && IDENTIFIER.test(root) && named?.(root) ? [root, token] : [token];
      // The generic segment itself is still named by every call of the API (`spawn` of `thread::spawn`).
      if (index !== segments.length - 1 && IDENTIFIER.test(last) && !words.includes(last)) words.push(last);
      specs.set(words.join(' '), words);
    }
  }
  return [...specs.values()].sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1));
}

/**
 * Interposable symbols (`malloc`, `free`) are called everywhere; only a definition matters, so they
 * get a definition-shaped pattern: the name, a parameter list without `;`, then a body. The text
 * is searched for it only when the file mentions one of `names`.
 */
export function definitionMatcher(catalog: Catalog): { names: string[]; pattern: RegExp } | undefined {
  const names = [...new Set(catalog.entries.filter((entry) => entry.kind === 'interposable').flatMap((entry) => entry.names).filter((name) => IDENTIFIER.test(name)))].sort();
  if (names.length === 0) return undefined;
  return { names, pattern: new RegExp(`(?<![\\w$])(?:${names.map((name) => name.replace(/[$]/g, '\\$')).join('|')})\\s*\\([^;{}]*\\)[^;{}]*\\{`) };
}
