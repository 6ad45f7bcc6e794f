import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Catalog } from '../catalog/types.ts';
import { LANGUAGES, type Language } from '../facts/types.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { ENVRACE_VERSION } from '../version.ts';

/**
 * What the text pass learned about one file: enough to decide, without reading it again, whether
 * it is a seed, what it declares and which words it mentions.
 */
export interface TextRecord {
  seed: boolean;
  /** Its text names an API that reads the environment. */
  reads: boolean;
  /** Method-like declarations, for the linkers' counts. */
  declared: string[];
  /** Identifier hashes (kept for files that are not seeds: the rounds match them). */
  hashes?: Uint32Array;
  definitions?: Uint32Array;
}

/** The stat fields that tell an unchanged file. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

const MAGIC = 0x58545245; // "ERTX"
const FORMAT = 1;
/**
 * A file changed twice within the file system's timestamp resolution keeps its stamp; a record is
 * only kept for files whose last change is this much older than the scan, so that cannot happen.
 */
const SETTLED_MS = 2000;

/**
 * The text pass's records of one tree, kept between runs and keyed by path and stat stamp, so that a
 * re-run (a pre-commit hook after one edit) reads only changed files. One file per tree and
 * envrace/catalog version under `<cache>/text/`, rewritten atomically when anything changed; a file
 * that does not parse is ignored (and replaced). It holds only the files of the last run, so it
 * never grows past one tree's index.
 */
export class TextIndexCache {
  private readonly previous = new Map<string, { stamp: FileStamp; record: TextRecord }>();
  private readonly current = new Map<string, { stamp: FileStamp; record: TextRecord }>();
  private changed = false;
  private readonly startedMs = Date.now();
  private readonly file: string;

  constructor(cacheDir: string, salt: string, treeRoot: string) {
    const key = createHash('sha256').update(salt).update('\0').update(treeRoot).digest('hex').slice(0, 40);
    this.file = path.join(cacheDir, 'text', `${key}.bin`);
    try {
      decode(readFileSync(this.file), this.previous);
    } catch {
      // Missing, truncated or foreign: start empty, and the next write replaces it.
      this.previous.clear();
      this.changed = true;
    }
  }

  get(absPath: string, stamp: FileStamp): TextRecord | undefined {
    const known = this.previous.get(absPath);
    if (!known || known.stamp.size !== stamp.size || known.stamp.mtimeMs !== stamp.mtimeMs || known.stamp.ino !== stamp.ino) return undefined;
    this.current.set(absPath, known);
    return known.record;
  }

  set(absPath: string, stamp: FileStamp, record: TextRecord): void {
    this.changed = true;
    if (this.startedMs - stamp.mtimeMs < SETTLED_MS) return;
    this.current.set(absPath, { stamp, record });
  }

  /** Writes the records of this run's files; a read-only cache directory is not an error. */
  save(): void {
    if (!this.changed && this.current.size === this.previous.size) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileAtomic(this.file, encode(this.current));
    } catch {
      // The scan's result does not depend on the index.
    }
  }
}

/** What a record depends on besides the file: envrace's version, the catalogs that pick seeds, the byte order of the hashes. */
export function textIndexSalt(catalogFor: (language: Language) => Catalog): string {
  const hash = createHash('sha256').update(ENVRACE_VERSION).update(os.endianness());
  for (const language of LANGUAGES) hash.update('\0').update(JSON.stringify(catalogFor(language)));
  return hash.digest('hex');
}

/** The deepest directory holding every path (the tree an index belongs to). */
export function commonDirectory(absPaths: readonly string[]): string {
  if (absPaths.length === 0) return '';
  let prefix = path.dirname(absPaths[0]!);
  for (const absPath of absPaths) {
    while (prefix !== '' && !(absPath.startsWith(prefix) && (absPath.length === prefix.length || absPath[prefix.length] === path.sep || prefix.endsWith(path.sep)))) {
      const parent = path.dirname(prefix);
      prefix = parent === prefix ? '' : parent;
    }
  }
  return prefix;
}

class Writer {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  u32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeUInt32LE(value >>> 0, this.length);
  }

  f64(value: number): void {
    this.reserve(8);
    this.length = this.buffer.writeDoubleLE(value, this.length);
  }

  text(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u32(bytes.length);
    this.reserve(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  /** In the machine's byte order (the salt names it): copied as one block each way. */
  hashes(values: Uint32Array | undefined): void {
    this.u32(values === undefined ? 0xffffffff : values.length);
    if (values === undefined) return;
    this.reserve(values.length * 4);
    this.buffer.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), this.length);
    this.length += values.byteLength;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function encode(entries: ReadonlyMap<string, { stamp: FileStamp; record: TextRecord }>): Buffer {
  const out = new Writer();
  out.u32(MAGIC);
  out.u32(FORMAT);
  out.u32(entries.size);
  for (const [absPath, { stamp, record }] of entries) {
    out.text(absPath);
    out.f64(stamp.size);
    out.f64(stamp.mtimeMs);
    out.f64(stamp.ino);
    out.u32((record.seed ? 1 : 0) | (record.reads ? 2 : 0));
    out.text(record.declared.join('\n'));
    out.hashes(record.hashes);
    out.hashes(record.definitions);
  }
  return out.bytes();
}

function decode(bytes: Buffer, into: Map<string, { stamp: FileStamp; record: TextRecord }>): void {
  let offset = 0;
  const u32 = (): number => {
    const value = bytes.readUInt32LE(offset);
    offset += 4;
    return value;
  };
  const f64 = (): number => {
    const value = bytes.readDoubleLE(offset);
    offset += 8;
    return value;
  };
  const text = (): string => {
    const length = u32();
    if (offset + length > bytes.length) throw new RangeError('truncated');
    const value = bytes.toString('utf8', offset, offset + length);
    offset += length;
    return value;
  };
  const hashes = (): Uint32Array | undefined => {
    const count = u32();
    if (count === 0xffffffff) return undefined;
    if (offset + count * 4 > bytes.length) throw new RangeError('truncated');
    const values = new Uint32Array(count);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + count * 4));
    offset += count * 4;
    return values;
  };
  if (u32() !== MAGIC || u32() !== FORMAT) throw new Error('not a text index');
  const count = u32();
  for (let index = 0; index < count; index += 1) {
    const absPath = text();
    const stamp = { size: f64(), mtimeMs: f64(), ino: f64() };
    const flags = u32();
    const declaredText = text();
    const record: TextRecord = { seed: (flags & 1) !== 0, reads: (flags & 2) !== 0, declared: declaredText === '' ? [] : declaredText.split('\n') };
    const wordHashes = hashes();
    const definitions = hashes();
    if (wordHashes) record.hashes = wordHashes;
    if (definitions) record.definitions = definitions;
    into.set(absPath, { stamp, record });
  }
  if (offset !== bytes.length) throw new Error('trailing bytes');
}
