import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from '../../src/pipeline/scan.ts';

/**
 * The write's function calls `a.setup()`, which calls `c.mid()`, which calls `b.start_pool()`, the spawn:
 * two files the prefilter has not parsed sit between the writers' region and the spawner. `a.py` may be
 * called from the region but calls no known spawner; `c.py` calls one but nothing in the region calls it.
 */
function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-bridge-'));
  const pkg = path.join(root, 'pkg');
  mkdirSync(pkg);
  writeFileSync(path.join(pkg, '__init__.py'), '');
  writeFileSync(path.join(pkg, 'main.py'), 'import os\nfrom pkg import a\n\ndef main():\n    a.setup()\n    os.environ["MODE"] = "fast"\n\nif __name__ == "__main__":\n    main()\n');
  writeFileSync(path.join(pkg, 'a.py'), 'from pkg import c\n\ndef setup():\n    c.mid()\n');
  writeFileSync(path.join(pkg, 'c.py'), 'from pkg import b\n\ndef mid():\n    b.start_pool()\n');
  writeFileSync(path.join(pkg, 'b.py'), 'import threading\n\ndef work():\n    print("working")\n\ndef start_pool():\n    threading.Thread(target=work).start()\n');
  return root;
}

async function ruleIds(root: string, exhaustive: boolean): Promise<string[]> {
  const scan = await runScan({ root, paths: [root], maxFileBytes: 1_000_000, exhaustive, jobs: 1 });
  return scan.findings.map((finding) => `${finding.ruleId} ${finding.location.fileId}:${finding.location.span.line + 1}`);
}

describe('prefilter: a spawner two unparsed files away from the writers (known gap, README "Known limitations")', () => {
  it('the exhaustive scan reports the write after the spawn', async () => {
    expect(await ruleIds(tree(), true)).toEqual(['env-mutation-after-thread-spawn pkg/main.py:6']);
  });

  // `fails`: passes while the prefilter misses the finding; once the gap is closed it fails, and this line becomes a plain `it`.
  it.fails('the prefiltered scan reports it too', async () => {
    const root = tree();
    expect(await ruleIds(root, false)).toEqual(await ruleIds(root, true));
  });
});
