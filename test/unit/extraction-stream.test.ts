import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DiscoveredFile } from '../../src/discover/files.ts';
import { FileExtraction, prestartExtraction, type ExtractionOptions, type ExtractionResult } from '../../src/facts/extract.ts';
import { closeWorkerPool } from '../../src/parallel/pool.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'envrace-stream-'));
afterAll(async () => {
  await closeWorkerPool();
  rmSync(root, { recursive: true, force: true });
});

/** Files of different sizes and contents, so that workers finish them out of order. */
function writeFiles(dir: string, count: number): DiscoveredFile[] {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, index) => {
    const absPath = path.join(dir, `m${String(index).padStart(3, '0')}.py`);
    const padding = Array.from({ length: (index * 37) % 200 }, (_, line) => `def filler_${line}():\n    return ${line}\n`).join('');
    writeFileSync(absPath, `import os\n${padding}def set_${index}():\n    os.environ["K${index}"] = "v"\n`);
    return { absPath, id: path.relative(root, absPath), language: 'python' };
  });
}

/** One batch on the main thread, the reference. */
async function extractOnMainThread(files: readonly DiscoveredFile[], options: ExtractionOptions): Promise<ExtractionResult> {
  const extraction = new FileExtraction({ ...options, jobs: 1 });
  for (const file of files) extraction.add(file);
  return extraction.finish();
}

const summary = (result: ExtractionResult) => result.extracted.map(({ file, facts }) => ({ id: file.id, facts: JSON.stringify(facts) }));

describe('extraction of files handed over one by one', () => {
  it('gives the facts of a single batch, in the order the files were added, while the caller goes on between files', async () => {
    const files = writeFiles(path.join(root, 'a'), 70);
    const reference = await extractOnMainThread(files, { maxFileBytes: 1_000_000 });
    const streamed = new FileExtraction({ maxFileBytes: 1_000_000, jobs: 2 });
    for (const [index, file] of files.entries()) {
      streamed.add(file);
      // The text pass yields now and then: replies of files already sent come in meanwhile.
      if (index % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await streamed.finish();
    expect(result.extracted.length).toBe(70);
    expect(summary(result)).toEqual(summary(reference));
    expect(result.extracted.every(({ facts }) => facts.functions.some((fn) => fn.events.some((event) => event.kind === 'env.write')))).toBe(true);
  });

  it('sends even a few files to workers that already run, and keeps their order', async () => {
    const files = writeFiles(path.join(root, 'b'), 5);
    const options = { maxFileBytes: 1_000_000, jobs: 2 };
    prestartExtraction(options);
    const streamed = new FileExtraction(options);
    for (const file of [...files].reverse()) streamed.add(file);
    const result = await streamed.finish();
    expect(result.extracted.map(({ file }) => file.id)).toEqual([...files].reverse().map((file) => file.id));
    const reference = await extractOnMainThread([...files].reverse(), { maxFileBytes: 1_000_000 });
    expect(summary(result)).toEqual(summary(reference));
  });

  it('reports unreadable files as skipped in either path', async () => {
    const files = writeFiles(path.join(root, 'c'), 50);
    const missing: DiscoveredFile = { absPath: path.join(root, 'c', 'gone.py'), id: 'c/gone.py', language: 'python' };
    const streamed = new FileExtraction({ maxFileBytes: 1_000_000, jobs: 2 });
    for (const file of [...files.slice(0, 25), missing, ...files.slice(25)]) streamed.add(file);
    const result = await streamed.finish();
    expect(result.extracted.length).toBe(50);
    expect(result.skipped.map((entry) => entry.file)).toEqual(['c/gone.py']);
  });
});
