import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { pythonAdapter } from '../../src/languages/python/extract.ts';
import { pythonLinker } from '../../src/languages/python/link.ts';
import { moduleNameOf, resolveRelative } from '../../src/languages/python/moduleNames.ts';
import { eventRef, type CallTargets, type LinkFile, type PackageRef } from '../../src/languages/types.ts';

const catalog = loadCatalog('python');

function pkg(id: string): PackageRef {
  return { id, name: id, root: `/src/${id}`, deps: {}, inProject: true };
}

/** `id` is the path below the import root, which is also the display id. */
function file(id: string, source: string, pkgId = 'app'): LinkFile {
  return { id, path: `/src/${pkgId}/${id}`, facts: pythonAdapter.extract(source, catalog, { extension: '.py' }), pkg: pkg(pkgId) };
}

/** Targets of the `nth` (0-based) call-or-spawn event of `fnKey` in `target`. */
function targetsOf(targets: CallTargets, target: LinkFile, fnKey: string, nth = 0): string[] | undefined {
  const fn = target.facts.functions.find((candidate) => candidate.key === fnKey);
  if (!fn) throw new Error(`no function ${fnKey} in ${target.id}`);
  const indexes = fn.events.flatMap((event, index) => (event.kind === 'call' || event.kind === 'spawn' ? [index] : []));
  return targets.get(eventRef(target.id, fnKey, indexes[nth]!));
}

describe('Python module names', () => {
  it('names a module by its path below the import root, a package by its folder', () => {
    expect(moduleNameOf('/src/app/pkg/util.py', '/src/app')).toEqual({ name: 'pkg.util', isPackage: false });
    expect(moduleNameOf('/src/app/pkg/__init__.py', '/src/app')).toEqual({ name: 'pkg', isPackage: true });
    expect(moduleNameOf('/src/app/main.py', '/src/app')).toEqual({ name: 'main', isPackage: false });
    expect(moduleNameOf('/elsewhere/tool.py', '/src/app')).toEqual({ name: 'tool', isPackage: false });
  });

  it('resolves relative imports from modules and from packages, refusing to climb above the root', () => {
    const util = { name: 'pkg.sub.util', isPackage: false };
    const pkgInit = { name: 'pkg.sub', isPackage: true };
    expect(resolveRelative(util, '.', ['x'])).toEqual(['pkg', 'sub', 'x']);
    expect(resolveRelative(util, '..', ['y', 'f'])).toEqual(['pkg', 'y', 'f']);
    expect(resolveRelative(pkgInit, '.', ['x'])).toEqual(['pkg', 'sub', 'x']);
    expect(resolveRelative(pkgInit, '...', [])).toEqual([]);
    expect(resolveRelative(util, '....', [])).toBeUndefined();
  });
});

describe('Python linker', () => {
  const util = file('pkg/util.py', 'import os\n\ndef apply(zone):\n    os.environ["TZ"] = zone\n\nclass Probe:\n    def __init__(self):\n        pass\n    def run(self):\n        pass\n');
  const init = file('pkg/__init__.py', 'from .util import apply as apply_zone\n\ndef reset():\n    pass\n');

  it('resolves from-imports, module aliases and dotted module paths', () => {
    const app = file(
      'app.py',
      `import pkg.util
import pkg.util as u
from pkg.util import apply
from pkg import util

def main():
    apply("UTC")
    u.apply("UTC")
    pkg.util.apply("UTC")
    util.apply("UTC")
`,
    );
    const targets = pythonLinker.link([app, util, init]);
    for (let nth = 0; nth < 4; nth += 1) expect(targetsOf(targets, app, 'main', nth)).toEqual(['pkg/util.py#apply']);
  });

  it('follows a re-export through a package __init__ and resolves functions of the package itself', () => {
    const app = file('app.py', 'from pkg import apply_zone\nimport pkg\n\ndef main():\n    apply_zone("UTC")\n    pkg.reset()\n    pkg.apply_zone("UTC")\n');
    const targets = pythonLinker.link([app, util, init]);
    expect(targetsOf(targets, app, 'main', 0)).toEqual(['pkg/util.py#apply']);
    expect(targetsOf(targets, app, 'main', 1)).toEqual(['pkg/__init__.py#reset']);
    expect(targetsOf(targets, app, 'main', 2)).toEqual(['pkg/util.py#apply']);
  });

  it('resolves relative imports of functions and of sibling modules', () => {
    const jobs = file(
      'pkg/jobs/run.py',
      `from ..util import apply
from .. import util
from . import helpers

def go():
    apply("UTC")
    util.apply("UTC")
    helpers.assist()
`,
    );
    const helpers = file('pkg/jobs/helpers.py', 'def assist():\n    pass\n');
    const targets = pythonLinker.link([jobs, helpers, util, init]);
    expect(targetsOf(targets, jobs, 'go', 0)).toEqual(['pkg/util.py#apply']);
    expect(targetsOf(targets, jobs, 'go', 1)).toEqual(['pkg/util.py#apply']);
    expect(targetsOf(targets, jobs, 'go', 2)).toEqual(['pkg/jobs/helpers.py#assist']);
  });

  it('links class construction to __init__ and spawn bodies given by dotted path', () => {
    const app = file(
      'app.py',
      `import threading
from pkg.util import Probe
import pkg.util

def main():
    Probe()
    threading.Thread(target=pkg.util.apply).start()
`,
    );
    const targets = pythonLinker.link([app, util, init]);
    expect(targetsOf(targets, app, 'main', 0)).toEqual(['pkg/util.py#Probe.__init__']);
    expect(targetsOf(targets, app, 'main', 1)).toEqual(['pkg/util.py#apply']);
  });

  it('links self calls to the own class first, then to an imported base class', () => {
    const base = file('pkg/base.py', 'class Base:\n    def configure(self):\n        pass\n    def step(self):\n        pass\n');
    const child = file(
      'pkg/child.py',
      `from .base import Base

class Child(Base):
    def run(self):
        self.step()
        self.configure()

    def step(self):
        pass
`,
    );
    const targets = pythonLinker.link([base, child]);
    expect(targetsOf(targets, child, 'Child.run', 0)).toEqual(['pkg/child.py#Child.step']);
    expect(targetsOf(targets, child, 'Child.run', 1)).toEqual(['pkg/base.py#Base.configure']);
  });

  it('links calls on untyped receivers to every method of that name, unless there are too many', () => {
    const classes = Array.from({ length: 9 }, (_, i) => `class C${i}:\n    def common(self):\n        pass\n`).join('');
    const many = file('many.py', `${classes}class Only:\n    def rare(self):\n        pass\n`);
    const app = file('app.py', 'def main(obj):\n    obj.rare()\n    obj.common()\n');
    const targets = pythonLinker.link([many, app]);
    expect(targetsOf(targets, app, 'main', 0)).toEqual(['many.py#Only.rare']);
    expect(targetsOf(targets, app, 'main', 1)).toBeUndefined();
  });

  it('does not link built-in container, string and file method names by name', () => {
    const lib = file('lib.py', 'class Store:\n    def update(self):\n        pass\n    def write(self):\n        pass\n    def refresh(self):\n        pass\n');
    const app = file('app.py', 'def main():\n    obj = make()\n    obj.update()\n    obj.write()\n    obj.refresh()\n');
    const targets = pythonLinker.link([lib, app]);
    const calls = app.facts.functions.find((f) => f.key === 'main')!.events.map((e) => (e.kind === 'call' ? e.callee.name : e.kind));
    expect(calls).toEqual(['make', 'update', 'write', 'refresh']);
    expect(targetsOf(targets, app, 'main', 1)).toBeUndefined();
    expect(targetsOf(targets, app, 'main', 2)).toBeUndefined();
    expect(targetsOf(targets, app, 'main', 3)).toEqual(['lib.py#Store.refresh']);
  });

  it('resolves names brought in by a star import', () => {
    const app = file('app.py', 'from pkg.util import *\n\ndef main():\n    apply("UTC")\n');
    const targets = pythonLinker.link([app, util, init]);
    expect(targetsOf(targets, app, 'main')).toEqual(['pkg/util.py#apply']);
  });

  it('never targets a module body, nested functions or unknown modules', () => {
    const lib = file('lib.py', 'def outer():\n    def inner():\n        pass\n    return inner\n');
    const app = file('app.py', 'import lib\nimport missing\n\ndef main():\n    lib.inner()\n    missing.f()\n    lib.outer()\n');
    const targets = pythonLinker.link([lib, app]);
    expect(targetsOf(targets, app, 'main', 0)).toBeUndefined();
    expect(targetsOf(targets, app, 'main', 1)).toBeUndefined();
    expect(targetsOf(targets, app, 'main', 2)).toEqual(['lib.py#outer']);
    expect([...targets.values()].flat().some((id) => id.endsWith('#<module>'))).toBe(false);
  });

  it('prefers a module of the caller’s own package when two import roots define the same name', () => {
    const mine = file('helpers.py', 'def assist():\n    pass\n', 'app');
    const theirs = file('helpers.py', 'def assist():\n    pass\n', 'vendor');
    const vendorId = { ...theirs, id: 'vendor/helpers.py' };
    const app = file('main.py', 'from helpers import assist\n\ndef main():\n    assist()\n', 'app');
    const targets = pythonLinker.link([vendorId, mine, app]);
    expect(targetsOf(targets, app, 'main')).toEqual(['helpers.py#assist']);
  });

  it('leaves calls the adapter already resolved in the file to the file itself', () => {
    const app = file('app.py', 'def helper():\n    pass\n\ndef main():\n    helper()\n');
    const targets = pythonLinker.link([app]);
    expect(targetsOf(targets, app, 'main')).toBeUndefined();
    expect(app.facts.functions.find((f) => f.key === 'main')!.events[0]).toMatchObject({ callee: { local: 'helper' } });
  });
});
