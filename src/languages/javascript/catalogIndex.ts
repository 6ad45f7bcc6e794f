import type { Catalog, CatalogEntry } from '../../catalog/types.ts';

/**
 * JavaScript catalog entries may carry two fields the shared `CatalogEntry` does not have:
 * - `when`: the entry applies only if one of these argument conditions holds (`crypto.randomBytes`
 *   uses the threadpool only with a callback; `server.listen` resolves a host only when given one;
 *   `new Worker` shares the environment only with `env: SHARE_ENV`).
 * - `repeats`: a `sync-callback` whose callback runs once per element (array methods), so its body
 *   sits in a loop.
 */
export interface ArgCondition {
  /** 0-based argument index. */
  arg: number;
  /** Test this property of an object-literal argument instead of the argument itself. */
  property?: string;
  /**
   * `function` / `non-function`: what the argument must be; any other string is a qualified name the
   * argument's value must resolve to (`process.env`, `worker_threads.SHARE_ENV`). Absent: present.
   */
  is?: string;
}

export interface JavascriptCatalogEntry extends CatalogEntry {
  when?: ArgCondition[];
  repeats?: boolean;
}

/** What a call site looks like to the catalog: its qualified name when known, else its method name. */
export interface CallShape {
  /** `dns.lookup`, `fs.promises.readFile`, `fetch`, `Object.assign`; undefined for an unknown receiver. */
  qualifiedName?: string;
  /** Last member name for `x.m(...)` calls (method-form entries match on it alone). */
  methodName?: string;
  isNew: boolean;
}

const wildcardSuffix = '.*';

/** Lookup tables over one catalog, built once per catalog object. */
export class JavascriptCatalogIndex {
  private readonly byQualifiedName = new Map<string, JavascriptCatalogEntry[]>();
  private readonly byMethodName = new Map<string, JavascriptCatalogEntry[]>();
  private readonly wildcards: Array<{ prefix: string; entry: JavascriptCatalogEntry }> = [];

  constructor(catalog: Catalog) {
    for (const entry of catalog.entries as JavascriptCatalogEntry[]) {
      for (const name of entry.names) {
        if (entry.form === 'method') {
          push(this.byMethodName, name.slice(name.lastIndexOf('.') + 1), entry);
        } else if (name.endsWith(wildcardSuffix)) {
          this.wildcards.push({ prefix: name.slice(0, -1), entry });
        } else {
          push(this.byQualifiedName, name, entry);
        }
      }
    }
  }

  /** Entries a call or `new` expression may be, most specific first; `safe` entries last. */
  candidatesFor(shape: CallShape): JavascriptCatalogEntry[] {
    const wantedForm = shape.isNew ? 'constructor' : 'call';
    const out: JavascriptCatalogEntry[] = [];
    if (shape.qualifiedName !== undefined) {
      for (const entry of this.byQualifiedName.get(shape.qualifiedName) ?? []) {
        if ((entry.form ?? 'call') === wantedForm) out.push(entry);
      }
      for (const { prefix, entry } of this.wildcards) {
        if (shape.qualifiedName.startsWith(prefix) && (entry.form ?? 'call') === wantedForm) out.push(entry);
      }
    }
    if (out.length === 0 && !shape.isNew && shape.methodName !== undefined) {
      out.push(...(this.byMethodName.get(shape.methodName) ?? []));
    }
    return out.sort((a, b) => Number(a.kind === 'safe') - Number(b.kind === 'safe'));
  }

  /** The entry of `kind` listing exactly `name` (member forms such as `process.env.*`). */
  entryNamed(kind: CatalogEntry['kind'], name: string): JavascriptCatalogEntry | undefined {
    return this.byQualifiedName.get(name)?.find((entry) => entry.kind === kind)
      ?? this.wildcards.find(({ prefix, entry }) => entry.kind === kind && `${prefix}*` === name)?.entry;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const indexCache = new WeakMap<Catalog, JavascriptCatalogIndex>();

export function catalogIndexFor(catalog: Catalog): JavascriptCatalogIndex {
  let index = indexCache.get(catalog);
  if (!index) {
    index = new JavascriptCatalogIndex(catalog);
    indexCache.set(catalog, index);
  }
  return index;
}
