import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/types.ts';
import type { FileFacts } from '../facts/types.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { ENVRACE_VERSION } from '../version.ts';

export const DEFAULT_CACHE_LIMIT_BYTES = 512 * 1024 * 1024;
const PRUNE_AFTER_WRITES = 256;
const PRUNE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * Facts are a pure function of (content, language, dialect, catalog), so they are cached under a
 * hash of exactly that, plus envrace's version (the adapters may change). Entries are written
 * atomically, so concurrent runs never see half a file; an entry that does not parse is deleted and
 * rebuilt. The cache is a plain directory: `facts/<1 hex>/<63 hex>.json`. Sixteen shards, not 256:
 * creating a directory costs a millisecond here, and a cold run's workers would each create most of 256.
 */
export class FactCache {
  private readonly root: string;
  private readonly salts = new Map<Catalog, string>();
  hits = 0;
  misses = 0;
  writes = 0;
  /** Shard directories known to exist: one mkdir each per run, not one per write. */
  private readonly shardsMade = new Set<string>();

  constructor(
    cacheDir: string,
    private readonly limitBytes = DEFAULT_CACHE_LIMIT_BYTES,
  ) {
    this.root = path.join(cacheDir, 'facts');
  }

  /** The key of one file's facts. */
  key(source: string, extension: string, catalog: Catalog): string {
    let salt = this.salts.get(catalog);
    if (!salt) {
      salt = createHash('sha256').update(ENVRACE_VERSION).update('\0').update(JSON.stringify(catalog)).digest('hex');
      this.salts.set(catalog, salt);
    }
    return createHash('sha256').update(salt).update('\0').update(catalog.ecosystem).update('\0').update(extension).update('\0').update(source).digest('hex');
  }

  private pathOf(key: string): string {
    return path.join(this.root, key.slice(0, 1), `${key.slice(1)}.json`);
  }

  get(key: string): FileFacts | undefined {
    const file = this.pathOf(key);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      this.misses += 1;
      return undefined;
    }
    try {
      const facts = JSON.parse(text) as FileFacts;
      if (!facts || !Array.isArray(facts.functions) || !Array.isArray(facts.imports) || typeof facts.language !== 'string') throw new Error('not facts');
      this.hits += 1;
      return facts;
    } catch {
      // A truncated or foreign entry: drop it and let the caller rebuild it.
      rmSync(file, { force: true });
      this.misses += 1;
      return undefined;
    }
  }

  set(key: string, facts: FileFacts): void {
    const file = this.pathOf(key);
    try {
      const shard = path.dirname(file);
      if (!this.shardsMade.has(shard)) {
        mkdirSync(shard, { recursive: true });
        this.shardsMade.add(shard);
      }
      writeFileAtomic(file, JSON.stringify(facts));
      this.writes += 1;
    } catch {
      // A read-only or full cache directory must not fail the scan; the facts are still used.
    }
  }

  /**
   * Keeps the cache under its size limit by deleting the least recently written entries. Listing
   * the cache costs a stat per entry, too much for every pre-commit run that writes one entry: it
   * runs after a run that wrote many (`writes`, here or in workers), or once a day.
   */
  prune(writes = this.writes): void {
    if (writes === 0) return;
    const marker = path.join(this.root, '.pruned');
    if (writes < PRUNE_AFTER_WRITES) {
      try {
        if (Date.now() - statSync(marker).mtimeMs < PRUNE_INTERVAL_MS) return;
      } catch {
        // Never pruned: prune now.
      }
    }
    this.pruneNow();
    try {
      writeFileSync(marker, '');
    } catch {
      // A read-only cache directory: pruning again next time is harmless.
    }
  }

  private pruneNow(): void {
    const entries: Array<{ file: string; size: number; mtime: number }> = [];
    let total = 0;
    let shards: string[];
    try {
      shards = readdirSync(this.root);
    } catch {
      return;
    }
    for (const shard of shards) {
      let names: string[];
      try {
        names = readdirSync(path.join(this.root, shard));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(this.root, shard, name);
        try {
          const stat = statSync(file);
          entries.push({ file, size: stat.size, mtime: stat.mtimeMs });
          total += stat.size;
        } catch {
          // Removed by a concurrent run.
        }
      }
    }
    if (total <= this.limitBytes) return;
    entries.sort((a, b) => a.mtime - b.mtime);
    const target = this.limitBytes * 0.8;
    for (const entry of entries) {
      if (total <= target) break;
      rmSync(entry.file, { force: true });
      total -= entry.size;
    }
  }
}
