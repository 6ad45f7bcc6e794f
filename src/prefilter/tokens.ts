import type { Catalog, CatalogKind } from '../catalog/types.ts';

/** Kinds whose presence in a file can start a finding: a write, a thread, a runtime. */
const SEED_KINDS: ReadonlySet<CatalogKind> = new Set(['env.write', 'spawn', 'runtime']);

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

/** Identifiers that every file able to produce a seed event of this catalog must contain. */
export function seedTokens(catalog: Catalog): string[] {
  const tokens = new Set<string>();
  for (const entry of catalog.entries) {
    if (!SEED_KINDS.has(entry.kind)) continue;
    for (const name of entry.names) {
      const segments = name.split(/::|\.|\//).filter((segment) => segment !== '' && !/^__\w+__$/.test(segment));
      const last = segments[segments.length - 1];
      if (!last) continue;
      // A generic last segment stands for the segment before it (`Runtime` for `Runtime::new`), which
      // any file using the API must mention (in the call or in the import that brings the name in).
      const token = GENERIC_SEGMENTS.has(last) && segments.length > 1 ? segments[segments.length - 2]! : last;
      if (IDENTIFIER.test(token)) tokens.add(token);
    }
  }
  return [...tokens].sort();
}

function escape(name: string): string {
  return name.replace(/[$]/g, '\\$');
}

/** One regular expression per batch of names: does a text mention any of them as a whole word? */
export function wordMatchers(names: Iterable<string>, batch = 400): RegExp[] {
  const list = [...new Set(names)].filter((name) => IDENTIFIER.test(name)).sort();
  const matchers: RegExp[] = [];
  for (let i = 0; i < list.length; i += batch) {
    matchers.push(new RegExp(`(?<![\\w$])(?:${list.slice(i, i + batch).map(escape).join('|')})(?![\\w$])`));
  }
  return matchers;
}

/**
 * Interposable symbols (`malloc`, `free`) are called everywhere; only a definition matters, so they
 * get a definition-shaped pattern: the name, a parameter list without `;`, then a body.
 */
export function definitionMatcher(catalog: Catalog): RegExp | undefined {
  const names = catalog.entries.filter((entry) => entry.kind === 'interposable').flatMap((entry) => entry.names).filter((name) => IDENTIFIER.test(name));
  if (names.length === 0) return undefined;
  return new RegExp(`(?<![\\w$])(?:${[...new Set(names)].sort().map(escape).join('|')})\\s*\\([^;{}]*\\)[^;{}]*\\{`);
}
