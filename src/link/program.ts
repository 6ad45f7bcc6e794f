import type { BodyRef, Event, FunctionFact } from '../facts/types.ts';
import { languageLinker } from '../languages/registry.ts';
import { functionId, type FunctionId, type LinkFile } from '../languages/types.ts';
import { declaredByFacts, type DeclaredNames } from './declaredNames.ts';

export interface ProgramFunction {
  id: FunctionId;
  file: LinkFile;
  fact: FunctionFact;
  /**
   * Per event index, the functions a call / spawn / defer event may enter (sorted; absent: none).
   * A call the adapter resolved in the file (`local`) enters that function only.
   */
  targets: ReadonlyArray<readonly FunctionId[] | undefined>;
}

/** Everything the analysis needs: every function of every file, and what each call may reach. */
export interface Program {
  files: readonly LinkFile[];
  functions: ReadonlyMap<FunctionId, ProgramFunction>;
  /** Functions in a stable order (file id, then position), for deterministic traversals. */
  ordered: readonly ProgramFunction[];
}

/** Shared by every function whose events reach nothing. */
const NO_TARGETS: ReadonlyArray<readonly FunctionId[] | undefined> = Object.freeze([]);

/** Runs each language's linker over its files and merges the results into one call graph. */
export async function linkProgram(files: readonly LinkFile[], declared: DeclaredNames = declaredByFacts(files)): Promise<Program> {
  const functions = new Map<FunctionId, ProgramFunction>();
  const ordered: ProgramFunction[] = [];
  const sortedFiles = [...files].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const file of sortedFiles) {
    for (const fact of file.facts.functions) {
      const entry: ProgramFunction = { id: functionId(file.id, fact.key), file, fact, targets: NO_TARGETS };
      if (functions.has(entry.id)) continue;
      functions.set(entry.id, entry);
      ordered.push(entry);
    }
  }
  const byLanguage = new Map<string, LinkFile[]>();
  for (const file of sortedFiles) {
    const list = byLanguage.get(file.facts.language) ?? [];
    list.push(file);
    byLanguage.set(file.facts.language, list);
  }
  // Targets are kept per function and event, not under the linkers' string keys (one per resolved
  // call site, each a long string). Linkers build each target id anew; the program keeps one string
  // per function and one list per distinct set of targets.
  const writable = (fn: ProgramFunction): Array<readonly FunctionId[] | undefined> => {
    if (fn.targets === NO_TARGETS) fn.targets = [];
    return fn.targets as Array<readonly FunctionId[] | undefined>;
  };
  const sharedLists = new Map<string, FunctionId[]>();
  for (const [language, languageFiles] of [...byLanguage].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const linker = await languageLinker(language as LinkFile['facts']['language']);
    for (const [ref, ids] of linker.link(languageFiles, declared)) {
      // `${functionId}#${eventIndex}` (eventRef): the index follows the last `#`.
      const cut = ref.lastIndexOf('#');
      const owner = functions.get(ref.slice(0, cut));
      if (!owner) continue;
      const known = [...new Set(ids)].filter((id) => functions.has(id)).sort();
      if (known.length === 0) continue;
      const key = known.join('\n');
      let list = sharedLists.get(key);
      if (!list) {
        list = known.map((id) => functions.get(id)!.id);
        sharedLists.set(key, list);
      }
      writable(owner)[Number(ref.slice(cut + 1))] = list;
    }
  }
  for (const fn of ordered) {
    fn.fact.events.forEach((event, index) => {
      const local = localTarget(event);
      if (local === undefined) return;
      const target = functions.get(functionId(fn.file.id, local));
      writable(fn)[index] = target ? [target.id] : undefined;
    });
  }
  return { files: sortedFiles, functions, ordered };
}

function bodyLocal(body: BodyRef): string | undefined {
  if ('local' in body) return body.local;
  return body.callee.local;
}

/** The function of the same file an event enters, when the adapter resolved it there. */
function localTarget(event: Event): string | undefined {
  if (event.kind === 'call') return event.callee.local;
  if ((event.kind === 'spawn' || event.kind === 'defer') && event.body) return bodyLocal(event.body);
  return undefined;
}
