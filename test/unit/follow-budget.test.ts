import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/discover/files.ts';
import { PackageResolver } from '../../src/discover/packages.ts';
import { extractFiles } from '../../src/facts/extract.ts';
import { DeclaredNames } from '../../src/link/declaredNames.ts';

/** 1,000 Python files: one writes the environment, `callers` of them call it, the rest are unrelated. */
function tree(callers: number): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-budget-'));
  mkdirSync(path.join(root, 'app'));
  writeFileSync(path.join(root, 'app', 'writer.py'), 'import os\n\ndef touch_setting():\n    os.environ["A"] = "1"\n');
  for (let index = 0; index < 999; index += 1) {
    const body = index < callers ? 'from writer import touch_setting\n\ndef run():\n    touch_setting()\n' : `def unrelated_${index}():\n    return ${index}\n`;
    writeFileSync(path.join(root, 'app', `m${String(index).padStart(3, '0')}.py`), body);
  }
  return root;
}

async function select(root: string) {
  const { files } = discoverFiles(root, [root]);
  const packages = new PackageResolver(root);
  return extractFiles(files, { maxFileBytes: 1_000_000, jobs: 1, declared: new DeclaredNames(), packageOf: (file) => packages.packageFor(file.absPath, file.language) });
}

describe('follow budget', () => {
  it('parses the rest when one round would more than quadruple the files parsed, past a tenth of the tree', async () => {
    const result = await select(tree(200));
    expect(result.selection).toMatchObject({ present: 1000, seeds: 1, parsed: 1000, parsedTheRest: true });
  });

  it('keeps following while the rounds stay small', async () => {
    const result = await select(tree(60));
    expect(result.selection).toMatchObject({ present: 1000, seeds: 1, parsed: 61, parsedTheRest: false });
  });
});
