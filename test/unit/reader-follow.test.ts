import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/discover/files.ts';
import { PackageResolver } from '../../src/discover/packages.ts';
import { extractFiles, type ExtractedFile } from '../../src/facts/extract.ts';
import type { LinkFile } from '../../src/languages/types.ts';
import { DeclaredNames } from '../../src/link/declaredNames.ts';
import { ParsedProgram, readerStartKeys } from '../../src/pipeline/readerStarts.ts';

/** A thread whose body calls a reader in another file; the write comes before or after the spawn. */
function tree(writeAfterSpawn: boolean): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-readers-'));
  const write = '    os.environ["A"] = "1"\n';
  const spawn = '    t = threading.Thread(target=body)\n    t.start()\n';
  writeFileSync(
    path.join(root, 'main.py'),
    `import os\nimport threading\nfrom checks import check_env\n\ndef body():\n    check_env()\n\ndef main():\n${writeAfterSpawn ? spawn + write : write + spawn}`,
  );
  writeFileSync(path.join(root, 'checks.py'), 'import os\n\ndef check_env():\n    return os.getenv("B")\n');
  return root;
}

async function parsedFiles(root: string, withAnalysis: boolean): Promise<string[]> {
  const { files } = discoverFiles(root, [root]);
  const packages = new PackageResolver(root);
  const declared = new DeclaredNames();
  const toLinkFile = ({ file, facts }: ExtractedFile): LinkFile => ({ id: file.id, path: file.absPath, facts, pkg: packages.packageFor(file.absPath, file.language) });
  const result = await extractFiles(files, {
    maxFileBytes: 1_000_000,
    jobs: 1,
    declared,
    packageOf: (file) => packages.packageFor(file.absPath, file.language),
    ...(withAnalysis ? { readerStarts: (parsed: readonly ExtractedFile[]) => readerStartKeys(parsed, new ParsedProgram(toLinkFile, declared)) } : {}),
  });
  return result.extracted.map(({ file }) => file.id).sort();
}

describe('following readers', () => {
  it("parses a thread body's reader when a finding will name it", async () => {
    const root = tree(true);
    expect(await parsedFiles(root, true)).toEqual(['checks.py', 'main.py']);
    expect(await parsedFiles(root, false)).toEqual(['checks.py', 'main.py']);
  });

  it('leaves the reader alone when the analysis makes no finding that names one', async () => {
    const root = tree(false);
    expect(await parsedFiles(root, true)).toEqual(['main.py']);
    // Without the analysis, every thread body of the writers' region is followed to its readers.
    expect(await parsedFiles(root, false)).toEqual(['checks.py', 'main.py']);
  });
});

describe('linking parsed files', () => {
  it('links the same files once, and again when the files change', async () => {
    const root = tree(true);
    const { files } = discoverFiles(root, [root]);
    const packages = new PackageResolver(root);
    const declared = new DeclaredNames();
    const { extracted } = await extractFiles(files, { maxFileBytes: 1_000_000, jobs: 1, declared, exhaustive: true, packageOf: (file) => packages.packageFor(file.absPath, file.language) });
    const linker = new ParsedProgram(({ file, facts }) => ({ id: file.id, path: file.absPath, facts, pkg: packages.packageFor(file.absPath, file.language) }), declared);
    const first = await linker.link(extracted);
    expect(first.program.functions.size).toBeGreaterThan(0);
    // The prefilter's last look and the final link name the same files in another order.
    expect((await linker.link([...extracted].reverse())).program).toBe(first.program);
    const fewer = await linker.link(extracted.slice(1));
    expect(fewer.program).not.toBe(first.program);
    expect(fewer.linkFiles.map((file) => file.id)).toEqual(extracted.slice(1).map(({ file }) => file.id));
  });
});
