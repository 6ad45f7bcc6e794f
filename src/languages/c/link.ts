import { posix } from 'node:path';
import type { CalleeRef } from '../../facts/types.ts';
import { eventRef, functionId, type CallTargets, type FunctionId, type LinkFile, type Linker } from '../types.ts';

type NameIndex = Map<string, FunctionId[]>;

/**
 * C linkage: a non-static function is one global symbol, so a call resolves by name to the
 * non-static definitions of the caller's package (then of any scanned C file). A `static` function
 * exists only in its translation unit: visible in its own file and in the files that `#include` it
 * (a `static inline` helper in a header), where it shadows the globals.
 */
export const cLinker: Linker = {
  language: 'c',
  link(files: readonly LinkFile[]): CallTargets {
    const cFiles = files.filter((file) => file.facts.language === 'c');
    const globalsByPackage = new Map<string, NameIndex>();
    const allGlobals: NameIndex = new Map();
    const staticsByFile = new Map<LinkFile, NameIndex>();
    for (const file of cFiles) {
      const statics: NameIndex = new Map();
      staticsByFile.set(file, statics);
      let packageGlobals = globalsByPackage.get(file.pkg.id);
      if (!packageGlobals) globalsByPackage.set(file.pkg.id, (packageGlobals = new Map()));
      for (const fn of file.facts.functions) {
        const id = functionId(file.id, fn.key);
        if (fn.exported) {
          add(packageGlobals, fn.name, id);
          add(allGlobals, fn.name, id);
        } else {
          add(statics, fn.name, id);
        }
      }
    }

    const includes = new IncludeResolver(cFiles);
    const targets: CallTargets = new Map();
    for (const file of cFiles) {
      const visibleStatics = mergedStatics(includes.closure(file), staticsByFile);
      const packageGlobals = globalsByPackage.get(file.pkg.id)!;
      const resolve = (callee: CalleeRef): FunctionId[] | undefined =>
        nonEmpty(visibleStatics.get(callee.name)) ?? nonEmpty(packageGlobals.get(callee.name)) ?? nonEmpty(allGlobals.get(callee.name));
      for (const fn of file.facts.functions) {
        fn.events.forEach((event, index) => {
          let callee: CalleeRef | undefined;
          if (event.kind === 'call') callee = event.callee;
          else if ((event.kind === 'spawn' || event.kind === 'defer') && event.body && 'callee' in event.body) callee = event.body.callee;
          const resolved = callee && resolve(callee);
          if (resolved) targets.set(eventRef(file.id, fn.key, index), [...resolved]);
        });
      }
    }
    return targets;
  },
};

/** Which scanned files a file's `#include`s reach, transitively, the file itself first. */
class IncludeResolver {
  private readonly byPath = new Map<string, LinkFile>();
  private readonly bySuffix = new Map<string, LinkFile[]>();
  private readonly closures = new Map<LinkFile, LinkFile[]>();

  constructor(files: readonly LinkFile[]) {
    for (const file of files) {
      this.byPath.set(posix.normalize(file.path), file);
      const base = posix.basename(file.path);
      add(this.bySuffix, base, file);
    }
  }

  closure(file: LinkFile): LinkFile[] {
    const cached = this.closures.get(file);
    if (cached) return cached;
    const seen = new Set<LinkFile>([file]);
    const queue = [file];
    for (let i = 0; i < queue.length; i++) {
      for (const included of this.direct(queue[i]!)) {
        if (seen.has(included)) continue;
        seen.add(included);
        queue.push(included);
      }
    }
    this.closures.set(file, queue);
    return queue;
  }

  /** `"x.h"` relative to the including file first, as the compiler does; otherwise any file ending in that path. */
  private direct(file: LinkFile): LinkFile[] {
    const out: LinkFile[] = [];
    for (const fact of file.facts.imports) {
      if (fact.kind !== 'include') continue;
      const header = fact.local;
      const relative = this.byPath.get(posix.normalize(posix.join(posix.dirname(file.path), header)));
      if (relative) {
        out.push(relative);
        continue;
      }
      const candidates = this.bySuffix.get(posix.basename(header)) ?? [];
      out.push(...candidates.filter((candidate) => candidate.path === header || candidate.path.endsWith(`/${header}`)));
    }
    return out;
  }
}

function mergedStatics(visible: readonly LinkFile[], staticsByFile: Map<LinkFile, NameIndex>): NameIndex {
  if (visible.length === 1) return staticsByFile.get(visible[0]!)!;
  const merged: NameIndex = new Map();
  for (const file of visible) {
    for (const [name, ids] of staticsByFile.get(file)!) for (const id of ids) add(merged, name, id);
  }
  return merged;
}

function add<T>(index: Map<string, T[]>, name: string, value: T): void {
  const list = index.get(name);
  if (list) list.push(value);
  else index.set(name, [value]);
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}
