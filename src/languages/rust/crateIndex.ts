import type { FunctionFact } from '../../facts/types.ts';
import { functionId, type FunctionId, type LinkFile, type PackageRef } from '../types.ts';

/** One Rust file placed in its crate: `module` is its module path (`['net', 'http']`). */
export interface FileInfo {
  file: LinkFile;
  module: string[];
  crate: Crate;
}

/** The functions of one crate, indexed the ways Rust paths reach them. */
export class Crate {
  /** Module (`a::b`) → free function name → functions. */
  readonly free = new Map<string, Map<string, FunctionId[]>>();
  /** Container type/trait → method name → functions, with the module each is defined in. */
  readonly associated = new Map<string, Map<string, Array<{ id: FunctionId; module: string }>>>();
  /** Method name → functions with a container (and that container's name). */
  readonly methods = new Map<string, Array<{ id: FunctionId; container: string }>>();
  readonly modules = new Set<string>(['']);
  /** Module → files whose top level is that module (for re-exports). */
  readonly moduleFiles = new Map<string, FileInfo[]>();

  constructor(readonly pkg: PackageRef) {}

  addFile(info: FileInfo): void {
    addToList(this.moduleFiles, info.module.join('::'), info);
    this.addModule(info.module);
    const keys = new Set(info.file.facts.functions.map((fn) => fn.key));
    for (const fn of info.file.facts.functions) this.addFunction(info, fn, keys);
  }

  private addFunction(info: FileInfo, fn: FunctionFact, keys: ReadonlySet<string>): void {
    if (fn.key.startsWith('<')) return;
    const id = functionId(info.file.id, fn.key);
    const segments = fn.qualifiedName.split('::');
    segments.pop();
    if (fn.container) {
      segments.pop();
      addToList(mapFor(this.associated, fn.container), fn.name, { id, module: [...info.module, ...segments].join('::') });
      addToList(this.methods, fn.name, { id, container: fn.container });
      return;
    }
    // `outer::inner`: a fn nested in a body is only reachable from its own file (the adapter links it).
    const baseKey = fn.key.replace(/#\d+$/, '');
    if (baseKey.includes('::') && keys.has(baseKey.slice(0, baseKey.lastIndexOf('::')))) return;
    const module = [...info.module, ...segments];
    this.addModule(module);
    addToList(mapFor(this.free, module.join('::')), fn.name, id);
  }

  /**
   * `Type::name` in this crate. Several modules may define a type of that name (cfg'd platform
   * variants, `blocking::Client` next to `async_impl::Client`): the one in `preferredModule` wins.
   */
  associatedFunction(container: string, name: string, preferredModule?: string, onlyThere = false): FunctionId[] | undefined {
    const all = this.associated.get(container)?.get(name);
    if (!all) return undefined;
    const preferred = preferredModule === undefined ? [] : all.filter((entry) => entry.module === preferredModule);
    if (preferred.length === 0 && onlyThere) return undefined;
    return (preferred.length > 0 ? preferred : all).map((entry) => entry.id);
  }

  private addModule(module: readonly string[]): void {
    for (let length = 1; length <= module.length; length += 1) this.modules.add(module.slice(0, length).join('::'));
  }
}

function mapFor<V>(map: Map<string, Map<string, V[]>>, key: string): Map<string, V[]> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

function addToList<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
