import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { FactCompactor } from '../../src/facts/compact.ts';
import type { FileFacts } from '../../src/facts/types.ts';
import { pythonAdapter } from '../../src/languages/python/extract.ts';
import { repoRoot } from '../support/cli.ts';

const catalog = loadCatalog('python');
const extract = (source: string): FileFacts => pythonAdapter.extract(source, catalog, { extension: '.py' });

describe('fact compaction', () => {
  it('changes no value of any fixture file', () => {
    const dir = path.join(repoRoot, 'test/fixtures/python');
    const compactor = new FactCompactor();
    const files = readdirSync(dir).filter((name) => name.endsWith('.py'));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const facts = extract(readFileSync(path.join(dir, name), 'utf8'));
      const before = JSON.stringify(facts);
      expect(JSON.stringify(compactor.compact(facts)), name).toBe(before);
    }
  });

  it('shares equal lists across files, and one frozen empty list', () => {
    const source = ['import os, threading', 'def run(items):', '    for item in items:', '        if item:', '            os.putenv("A", item)', '            threading.Thread(target=run).start()', 'run([])', ''].join('\n');
    const compactor = new FactCompactor();
    const first = compactor.compact(extract(source));
    const second = compactor.compact(extract(source));
    const eventsOf = (facts: FileFacts) => facts.functions.find((fn) => fn.name === 'run')!.events;
    const [a, b] = [eventsOf(first), eventsOf(second)];
    expect(a.length).toBeGreaterThan(1);
    expect(a[0]!.loops.length).toBe(1);
    expect(a[0]!.loops).toBe(b[0]!.loops);
    expect(a[0]!.branches).toBe(b[1]!.branches);
    // The module's call to run() is in no loop: its empty list is the same as the other file's, and frozen.
    const moduleCall = (facts: FileFacts) => facts.functions.find((fn) => fn.name === '<module>')!.events.at(-1)!;
    expect(moduleCall(first).loops).toEqual([]);
    expect(moduleCall(first).loops).toBe(moduleCall(second).loops);
    expect(moduleCall(first).loops).toBe(moduleCall(second).branches);
    expect(() => (moduleCall(first).loops as string[]).push('x')).toThrow(TypeError);
  });
});
