import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Writes trees of files into temporary folders, removed after the test file (trees with
 * `node_modules` cannot be committed: the repository ignores them). Call at a test file's top level.
 */
export function temporaryTrees(prefix: string): (files: Record<string, string>) => string {
  const written: string[] = [];
  afterAll(() => written.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return (files) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    written.push(dir);
    for (const [relative, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      writeFileSync(path.join(dir, relative), text);
    }
    return dir;
  };
}
