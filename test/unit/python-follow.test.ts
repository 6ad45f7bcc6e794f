import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/discover/files.ts';
import { PackageResolver } from '../../src/discover/packages.ts';
import { extractFiles } from '../../src/facts/extract.ts';
import { DeclaredNames } from '../../src/link/declaredNames.ts';
import { temporaryTrees } from '../support/tree.ts';

const writeTree = temporaryTrees('envrace-python-follow-');

/** The files the prefilter parses, relative to the tree. */
async function parsedFiles(root: string): Promise<string[]> {
  const { files } = discoverFiles(root, [root]);
  const packages = new PackageResolver(root);
  const result = await extractFiles(files, { maxFileBytes: 1_000_000, jobs: 1, declared: new DeclaredNames(), packageOf: (file) => packages.packageFor(file.absPath, file.language) });
  return result.extracted.map(({ file }) => path.relative(root, file.absPath).split(path.sep).join('/')).sort();
}

describe('following Python callers by their imports', () => {
  it('parses the files that import a writer through its module path, not those that only share its names', async () => {
    const root = writeTree({
      'lib/__init__.py': '',
      'lib/core/__init__.py': 'import os\n\n\ndef reset():\n    os.environ.pop("LC_ALL", None)\n',
      'lib/core/settings.py': 'import os\n\n\ndef apply_locale(name):\n    os.environ["LANG"] = name\n\n\ndef wrap():\n    def inner():\n        os.environ["X"] = "1"\n    return inner\n',
      // Callers: absolute import of a nested module, relative import of a package's own function.
      'app.py': 'from lib.core import settings\n\n\ndef main():\n    settings.apply_locale("C")\n',
      'lib/tasks/__init__.py': '',
      'lib/tasks/cleanup.py': 'from ..core import reset\n\n\ndef finish():\n    reset()\n',
      // The same names, but no import of the writers' modules: Python cannot reach them from here.
      'other/__init__.py': '',
      'other/user.py': 'import lib\nfrom other import settings\n\n\ndef use():\n    settings.apply_locale(lib.__name__)\n',
      'tools/reset.py': 'def reset():\n    return None\n\n\ndef again():\n    reset()\n',
      // A nested function is called only by its own file, not by one importing its module.
      'lib/helpers.py': 'from .core import settings\n\n\ndef inner():\n    return settings\n\n\ndef use():\n    inner()\n',
    });
    expect(await parsedFiles(root)).toEqual(['app.py', 'lib/core/__init__.py', 'lib/core/settings.py', 'lib/tasks/cleanup.py']);
  });

  it('follows a class re-exported by packages to the subclass calling its method', async () => {
    const root = writeTree({
      'lib/__init__.py': 'from .store import Store\n',
      'lib/store/__init__.py': 'from .backend import Store\n',
      'lib/store/backend.py': 'import os\n\n\nclass Store:\n    def update(self, key, value):\n        os.environ[key] = value\n',
      'app.py': 'from lib import Store\n\n\nclass Cache(Store):\n    def refresh(self):\n        self.update("CACHE", "warm")\n',
      // Another class of the same name, and its subclass calling the same method name.
      'other/__init__.py': 'class Store:\n    def update(self, key, value):\n        return key\n',
      'other/app.py': 'from other import Store\n\n\nclass Mine(Store):\n    def refresh(self):\n        self.update("A", "b")\n',
    });
    expect(await parsedFiles(root)).toEqual(['app.py', 'lib/__init__.py', 'lib/store/__init__.py', 'lib/store/backend.py']);
  });

  it('follows a re-export chain however many other modules import the function', async () => {
    const callers: Record<string, string> = {};
    for (let index = 0; index < 20; index += 1) callers[`aa/c${String(index).padStart(2, '0')}.py`] = 'from lib.core.settings import apply\n\n\ndef use():\n    apply()\n';
    const root = writeTree({
      ...callers,
      'lib/__init__.py': 'from .core import apply\n',
      'lib/core/__init__.py': 'from .settings import apply\n',
      'lib/core/settings.py': 'import os\n\n\ndef apply():\n    os.environ["A"] = "1"\n',
      'zz/app.py': 'from lib import apply\n\n\ndef main():\n    apply()\n',
    });
    expect(await parsedFiles(root)).toEqual([...Object.keys(callers), 'lib/__init__.py', 'lib/core/__init__.py', 'lib/core/settings.py', 'zz/app.py'].sort());
  });

  it('needs a method called by its bare name to be written after a `.`', async () => {
    const root = writeTree({
      'lib/jobs.py': 'import os\n\n\nclass Job:\n    def prepare_env(self):\n        os.environ["JOB"] = "1"\n',
      'app.py': 'def run(job):\n    job.prepare_env()\n',
      // The name in a string or as a plain variable is no method call.
      'notes.py': 'prepare_env = "prepare_env"\n\n\ndef show():\n    print(prepare_env)\n',
    });
    expect(await parsedFiles(root)).toEqual(['app.py', 'lib/jobs.py']);
  });
});
