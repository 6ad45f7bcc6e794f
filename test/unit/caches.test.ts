import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FactCache } from '../../src/cache/factCache.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import type { FileFacts } from '../../src/facts/types.ts';
import { commonDirectory, TextIndexCache, type TextRecord } from '../../src/prefilter/textCache.ts';

const LONG_AGO = Date.now() - 60_000;

describe('text index cache', () => {
  const record: TextRecord = { seed: false, reads: true, declared: ['start', 'run'], hashes: Uint32Array.from([1, 2, 0xffffffff]), definitions: Uint32Array.from([7]) };
  const stamp = { size: 120, mtimeMs: LONG_AGO, ino: 42 };

  it('gives a record back for the same stat stamp only, across runs', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-text-'));
    const first = new TextIndexCache(dir, 'salt', '/tree');
    expect(first.get('/tree/a.py', stamp)).toBeUndefined();
    first.set('/tree/a.py', stamp, record);
    first.set('/tree/seed.py', stamp, { seed: true, reads: false, declared: [] });
    first.save();

    const second = new TextIndexCache(dir, 'salt', '/tree');
    expect(second.get('/tree/a.py', stamp)).toEqual(record);
    expect(second.get('/tree/seed.py', stamp)).toEqual({ seed: true, reads: false, declared: [] });
    expect(second.get('/tree/a.py', { ...stamp, size: 121 })).toBeUndefined();
    expect(second.get('/tree/a.py', { ...stamp, mtimeMs: LONG_AGO + 1 })).toBeUndefined();
    // Another salt (envrace version, catalog) or tree starts empty.
    expect(new TextIndexCache(dir, 'other salt', '/tree').get('/tree/a.py', stamp)).toBeUndefined();
    expect(new TextIndexCache(dir, 'salt', '/elsewhere').get('/tree/a.py', stamp)).toBeUndefined();
  });

  it('does not keep a file changed moments ago (its stamp may not show the next change)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-text-'));
    const first = new TextIndexCache(dir, 'salt', '/tree');
    first.set('/tree/fresh.py', { ...stamp, mtimeMs: Date.now() }, record);
    first.save();
    expect(new TextIndexCache(dir, 'salt', '/tree').get('/tree/fresh.py', { ...stamp, mtimeMs: Date.now() })).toBeUndefined();
  });

  it('ignores a truncated index and replaces it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-text-'));
    const first = new TextIndexCache(dir, 'salt', '/tree');
    first.set('/tree/a.py', stamp, record);
    first.save();
    const [name] = readdirSync(path.join(dir, 'text'));
    const file = path.join(dir, 'text', name!);
    writeFileSync(file, Buffer.from([0x45, 0x52, 0x54, 0x58, 1, 0, 0, 0, 9, 0]));
    const second = new TextIndexCache(dir, 'salt', '/tree');
    expect(second.get('/tree/a.py', stamp)).toBeUndefined();
    second.set('/tree/a.py', stamp, record);
    second.save();
    expect(new TextIndexCache(dir, 'salt', '/tree').get('/tree/a.py', stamp)).toEqual(record);
  });

  it('writes unchanged records back as they were, and leaves the index alone when nothing changed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-text-'));
    const first = new TextIndexCache(dir, 'salt', '/tree');
    first.set('/tree/a.py', stamp, record);
    first.set('/tree/b.py', stamp, { ...record, declared: ['other'], hashes: Uint32Array.from([5, 6]) });
    first.save();
    const [name] = readdirSync(path.join(dir, 'text'));
    const file = path.join(dir, 'text', name!);

    // Only a.py served, c.py new: b.py drops out, a.py is copied back, c.py is encoded.
    const second = new TextIndexCache(dir, 'salt', '/tree');
    expect(second.get('/tree/a.py', stamp)).toEqual(record);
    second.set('/tree/c.py', { ...stamp, ino: 7 }, { seed: true, reads: false, declared: [] });
    second.save();
    const third = new TextIndexCache(dir, 'salt', '/tree');
    expect(third.get('/tree/a.py', stamp)).toEqual(record);
    expect(third.get('/tree/b.py', stamp)).toBeUndefined();
    expect(third.get('/tree/c.py', { ...stamp, ino: 7 })).toEqual({ seed: true, reads: false, declared: [] });

    // Every file served, or changed too recently to keep: the file on disk is not rewritten.
    const written = statSync(file).mtimeMs;
    const before = readFileSync(file);
    const fourth = new TextIndexCache(dir, 'salt', '/tree');
    fourth.get('/tree/a.py', stamp);
    fourth.get('/tree/c.py', { ...stamp, ino: 7 });
    fourth.save();
    expect(statSync(file).mtimeMs).toBe(written);
    const fifth = new TextIndexCache(dir, 'salt', '/tree');
    fifth.get('/tree/a.py', stamp);
    expect(fifth.get('/tree/c.py', { ...stamp, mtimeMs: Date.now() })).toBeUndefined();
    fifth.set('/tree/c.py', { ...stamp, mtimeMs: Date.now() }, record);
    fifth.save();
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('names the deepest directory holding every path', () => {
    expect(commonDirectory(['/a/b/c/x.py', '/a/b/d/y.py', '/a/b/c/z.py'])).toBe('/a/b');
    expect(commonDirectory(['/a/bc/x.py', '/a/b/y.py'])).toBe('/a');
    expect(commonDirectory(['/a/b/x.py'])).toBe('/a/b');
  });
});

describe('fact cache size cap', () => {
  const catalog = { ecosystem: 'python', entries: [] } as unknown as Catalog;
  const facts = (index: number): FileFacts => ({ language: 'python', functions: [], imports: [], diagnostics: [], padding: 'x'.repeat(200 + index) }) as unknown as FileFacts;
  const sizeOf = (root: string): number =>
    readdirSync(root)
      .filter((shard) => /^[0-9a-f]$/.test(shard))
      .flatMap((shard) => readdirSync(path.join(root, shard)).map((name) => statSync(path.join(root, shard, name)).size))
      .reduce((sum, size) => sum + size, 0);

  it('cuts the cache under its limit, then lists the cache again only after many writes or a day', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envrace-facts-'));
    const cache = new FactCache(dir, 2_000);
    const keys = Array.from({ length: 20 }, (_, index) => cache.key(`source ${index}`, '.py', catalog));
    keys.forEach((key, index) => cache.set(key, facts(index)));
    expect(sizeOf(path.join(dir, 'facts'))).toBeGreaterThan(2_000);
    cache.prune();
    expect(sizeOf(path.join(dir, 'facts'))).toBeLessThanOrEqual(2_000);

    // A few more writes within the day: not listed again, so the cache may pass the limit until then.
    const more = new FactCache(dir, 2_000);
    for (let index = 20; index < 30; index += 1) more.set(more.key(`source ${index}`, '.py', catalog), facts(index));
    more.prune();
    expect(sizeOf(path.join(dir, 'facts'))).toBeGreaterThan(2_000);
    // Many writes (workers report theirs): listed and cut again.
    more.prune(256);
    expect(sizeOf(path.join(dir, 'facts'))).toBeLessThanOrEqual(2_000);
  });
});
