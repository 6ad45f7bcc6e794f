import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { cAdapter } from '../../src/languages/c/extract.ts';
import { cLinker } from '../../src/languages/c/link.ts';
import { eventRef, type CallTargets, type LinkFile, type PackageRef } from '../../src/languages/types.ts';

const catalog = loadCatalog('c');

function pkg(id: string): PackageRef {
  return { id, name: id, root: `/src/${id}`, deps: {}, inProject: true };
}

function file(id: string, source: string, pkgId = 'app'): LinkFile {
  const extension = id.endsWith('.h') ? '.h' : '.c';
  return { id, path: `/src/${pkgId}/${id}`, facts: cAdapter.extract(source, catalog, { extension }), pkg: pkg(pkgId) };
}

/** Targets of the `nth` (0-based) call-or-spawn event of `fnKey` in `target`. */
function targetsOf(targets: CallTargets, target: LinkFile, fnKey: string, nth = 0): string[] | undefined {
  const fn = target.facts.functions.find((candidate) => candidate.key === fnKey)!;
  const indexes = fn.events.flatMap((event, index) => (event.kind === 'call' || event.kind === 'spawn' ? [index] : []));
  return targets.get(eventRef(target.id, fnKey, indexes[nth]!));
}

describe('C linker', () => {
  it('resolves calls to non-static functions across files by name', () => {
    const main = file('main.c', '#include "env.h"\nint main(void) { apply_env(); }');
    const env = file('env.c', 'void apply_env(void) { setenv("A", "1", 1); }');
    const header = file('env.h', 'void apply_env(void);');
    const targets = cLinker.link([main, env, header]);
    expect(targetsOf(targets, main, 'main')).toEqual(['env.c#apply_env']);
    expect(header.facts.functions).toEqual([]);
  });

  it('keeps a static function private to its file, where it shadows the global of the same name', () => {
    const a = file('a.c', 'static void helper(void) {}\nvoid run_a(void) { helper(); }');
    const b = file('b.c', 'void run_b(void) { helper(); }');
    const c = file('c.c', 'void helper(void) { setenv("A", "1", 1); }');
    const targets = cLinker.link([a, b, c]);
    expect(targetsOf(targets, a, 'run_a')).toEqual(['a.c#helper']);
    expect(targetsOf(targets, b, 'run_b')).toEqual(['c.c#helper']);
  });

  it('leaves a call to a function that only exists as a static elsewhere unresolved', () => {
    const a = file('a.c', 'static void helper(void) {}');
    const b = file('b.c', 'int main(void) { helper(); }');
    const targets = cLinker.link([a, b]);
    expect(targetsOf(targets, b, 'main')).toBeUndefined();
  });

  it('makes static inline functions of an included header visible to the includer', () => {
    const header = file('include/util.h', 'static inline void set_default(void) { setenv("A", "1", 1); }');
    const main = file('src/main.c', '#include "../include/util.h"\nint main(void) { set_default(); }');
    const other = file('src/other.c', 'void other(void) { set_default(); }');
    const targets = cLinker.link([header, main, other]);
    expect(targetsOf(targets, main, 'main')).toEqual(['include/util.h#set_default']);
    expect(targetsOf(targets, other, 'other')).toBeUndefined();
  });

  it('finds headers by include path suffix when they are not next to the includer', () => {
    const header = file('include/lib/util.h', 'static inline void tune(void) {}');
    const main = file('src/main.c', '#include <lib/util.h>\nint main(void) { tune(); }');
    expect(targetsOf(cLinker.link([header, main]), main, 'main')).toEqual(['include/lib/util.h#tune']);
  });

  it('prefers definitions in the caller package, then falls back to any C file', () => {
    const app = file('main.c', 'int main(void) { init(); configure(); }', 'app');
    const own = file('init.c', 'void init(void) {}', 'app');
    const dep = file('vendor/dep/init.c', 'void init(void) {}\nvoid configure(void) {}', 'dep');
    const targets = cLinker.link([app, own, dep]);
    expect(targetsOf(targets, app, 'main', 0)).toEqual(['init.c#init']);
    expect(targetsOf(targets, app, 'main', 1)).toEqual(['vendor/dep/init.c#configure']);
  });

  it('resolves thread start routines named in spawns', () => {
    const main = file('main.c', 'int main(void) { pthread_create(&t, NULL, worker, NULL); }');
    const worker = file('worker.c', 'void *worker(void *arg) { return arg; }');
    expect(targetsOf(cLinker.link([main, worker]), main, 'main')).toEqual(['worker.c#worker']);
  });

  it('lists every definition when a name is defined in several #ifdef arms', () => {
    const impl = file('impl.c', '#ifdef A\nvoid pick(void) {}\n#else\nvoid pick(void) {}\n#endif');
    const main = file('main.c', 'int main(void) { pick(); }');
    expect(targetsOf(cLinker.link([impl, main]), main, 'main')).toEqual(['impl.c#pick', 'impl.c#pick#2']);
  });

  it('ignores files of other languages and unresolvable pointer calls', () => {
    const main = file('main.c', 'int main(void) { (*hooks[0])(); }');
    const foreign: LinkFile = { ...file('x.c', 'void hooks(void) {}'), facts: { language: 'python', functions: [], imports: [], diagnostics: [] } };
    expect(cLinker.link([main, foreign]).size).toBe(0);
  });
});
