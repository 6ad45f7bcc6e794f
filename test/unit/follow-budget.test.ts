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

/**
 * 1,000 Python files: 20 write the environment, 30 call those writers, `secondHand` call those
 * callers, the rest are unrelated: a closure that grows by round, not from the start.
 */
function growingTree(secondHand: number): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-budget-'));
  mkdirSync(path.join(root, 'app'));
  const pad = (index: number) => String(index).padStart(3, '0');
  for (let index = 0; index < 1000; index += 1) {
    let body = `def unrelated_${index}():\n    return ${index}\n`;
    if (index < 20) body = `import os\n\ndef touch_${pad(index)}():\n    os.environ["A"] = "1"\n`;
    else if (index < 50) body = `from w${pad(index % 20)} import touch_${pad(index % 20)}\n\ndef step_${pad(index)}():\n    touch_${pad(index % 20)}()\n`;
    else if (index < 50 + secondHand) body = `from w${pad(20 + (index % 30))} import step_${pad(20 + (index % 30))}\n\ndef go():\n    step_${pad(20 + (index % 30))}()\n`;
    writeFileSync(path.join(root, 'app', `w${pad(index)}.py`), body);
  }
  return root;
}

async function select(root: string) {
  const { files } = discoverFiles(root, [root]);
  const packages = new PackageResolver(root);
  return extractFiles(files, { maxFileBytes: 1_000_000, jobs: 1, declared: new DeclaredNames(), packageOf: (file) => packages.packageFor(file.absPath, file.language) });
}

describe('follow budget', () => {
  it('parses the rest when one round selects more than three times the files of the round before, past a tenth of the tree', async () => {
    const result = await select(tree(200));
    expect(result.selection).toMatchObject({ present: 1000, seeds: 1, parsed: 1000, parsedTheRest: true });
  });

  it('keeps following while the rounds stay small', async () => {
    const result = await select(tree(60));
    expect(result.selection).toMatchObject({ present: 1000, seeds: 1, parsed: 61, parsedTheRest: false });
  });

  it('compares a round with the round before it, not with all the files parsed so far', async () => {
    // 20 seeds, then 30 callers, then 100 callers of those: 100 is more than three times 30 (though
    // less than three times the 50 files parsed), and 150 files are past a tenth of the tree.
    const spreading = await select(growingTree(100));
    expect(spreading.selection).toMatchObject({ present: 1000, seeds: 20, parsed: 1000, parsedTheRest: true });
    const steady = await select(growingTree(80));
    expect(steady.selection).toMatchObject({ present: 1000, seeds: 20, parsed: 130, rounds: 3, parsedTheRest: false });
  });
});
