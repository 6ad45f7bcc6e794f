import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Catalog } from '../catalog/types.ts';
import { LANGUAGES, type Language } from '../facts/types.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';
import { ENVRACE_VERSION } from '../version.ts';
import { SCANNER_REVISION } from './wordIndex.ts';

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
  /** Identifiers written after a `.` (where the language's method calls are recognized on the text). */
  members?: Uint32Array;
}

/** The stat fields that tell an unchanged file. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

const MAGIC = 0x58545245; // "ERTX"
const FORMAT = 3;
/**
 * A file changed twice within the file system's timestamp resolution keeps its stamp; a record is
 * only kept for files whose last change is this much older than the scan, so that cannot happen.
 */
const SETTLED_MS = 2000;

/** A record made in this run, to be encoded. */
interface NewEntry {
  stamp: FileStamp;
  record: TextRecord;
}

/**
 * The text pass's records of one tree, kept between runs and keyed by path and stat stamp, so that a
 * re-run (a pre-commit hook after one edit) reads only changed files. One file per tree and
 * envrace/catalog version under `<cache>/text/`, rewritten atomically when anything changed; a file
 * that does not parse is ignored (and replaced). It holds only the files of the last run, so it
 * never grows past one tree's index.
 *
 * Loading it only maps paths to where their entries lie; a record is read when its file's stamp
 * matches, as views of the file's bytes (no copy of the hashes). Writing it back copies the entries
 * of unchanged files as they were: a run after one edit re-encodes one entry.
 */
export class TextIndexCache {
  /** Path → offset of its entry in `source`. */
  private readonly previous = new Map<string, number>();
  /** This run's files: an offset into `source` (unchanged), or a record to encode. */
  private readonly current = new Map<string, number | NewEntry>();
  /** A settled file was read again, or a file of the last run was not seen: the index on disk is stale. */
  private changed = false;
  /** Files of the last run this run has seen (served, or changed too recently to keep). */
  private previousSeen = 0;
  private readonly startedMs = Date.now();
  private readonly file: string;
  /** The index as read. */
  private source: Buffer = Buffer.alloc(0);

  constructor(cacheDir: string, salt: string, treeRoot: string) {
    const key = createHash('sha256').update(salt).update('\0').update(treeRoot).digest('hex').slice(0, 40);
    this.file = path.join(cacheDir, 'text', `${key}.bin`);
    try {
      this.source = mapEntries(readFileSync(this.file), this.previous);
    } catch {
      // Missing, truncated or foreign: start empty, and the next write replaces it.
      this.previous.clear();
      this.changed = true;
    }
  }

  get(absPath: string, stamp: FileStamp): TextRecord | undefined {
    const offset = this.previous.get(absPath);
    if (offset === undefined) return undefined;
    const record = readRecord(this.source, offset, stamp);
    if (!record) return undefined;
    this.current.set(absPath, offset);
    this.previousSeen += 1;
    return record;
  }

  set(absPath: string, stamp: FileStamp, record: TextRecord): void {
    if (this.startedMs - stamp.mtimeMs < SETTLED_MS) {
      // Not kept; an older record of the file on disk is harmless, its stamp no longer matches.
      if (this.previous.has(absPath)) this.previousSeen += 1;
      return;
    }
    this.changed = true;
    this.current.set(absPath, { stamp, record });
  }

  /** Writes the records of this run's files; a read-only cache directory is not an error. */
  save(): void {
    if (!this.changed && this.previousSeen === this.previous.size) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileAtomic(this.file, encode(this.current, this.source));
    } catch {
      // The scan's result does not depend on the index.
    }
  }
}

/** What a record depends on besides the file: envrace's version, the catalogs that pick seeds, the byte order of the hashes. */
export function textIndexSalt(catalogFor: (language: Language) => Catalog): string {
  const hash = createHash('sha256').update(ENVRACE_VERSION).update(os.endianness()).update(String(SCANNER_REVISION));
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

  /** Length-prefixed UTF-8, padded to 4 bytes so that the hash arrays after it stay aligned. */
  text(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.u32(length);
    this.reserve(length + 3);
    this.buffer.write(value, this.length, 'utf8');
    this.length += length;
    this.pad();
  }

  /** In the machine's byte order (the salt names it): copied as one block each way. */
  hashes(values: Uint32Array | undefined): void {
    this.u32(values === undefined ? 0xffffffff : values.length);
    if (values === undefined) return;
    this.raw(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private pad(): void {
    while (this.length % 4 !== 0) this.buffer[this.length++] = 0;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * Layout, every field 4-byte aligned: magic, format, count; then per file its byte length, path,
 * size, mtime, inode, flags, declared names, word hashes, definition hashes, member hashes.
 */
function encode(entries: ReadonlyMap<string, number | NewEntry>, source: Buffer): Buffer {
  const out = new Writer();
  out.u32(MAGIC);
  out.u32(FORMAT);
  out.u32(entries.size);
  for (const [absPath, entry] of entries) {
    if (typeof entry === 'number') {
      out.raw(source.subarray(entry, entry + source.readUInt32LE(entry)));
      continue;
    }
    const { stamp, record } = entry;
    const start = out.length;
    out.u32(0);
    out.text(absPath);
    out.f64(stamp.size);
    out.f64(stamp.mtimeMs);
    out.f64(stamp.ino);
    out.u32((record.seed ? 1 : 0) | (record.reads ? 2 : 0));
    out.text(record.declared.join('\n'));
    out.hashes(record.hashes);
    out.hashes(record.definitions);
    out.hashes(record.members);
    const bytes = out.bytes();
    bytes.writeUInt32LE(out.length - start, start);
  }
  return out.bytes();
}

const NO_HASHES = 0xffffffff;
const padded = (length: number): number => (length + 3) & ~3;

/**
 * Checks the index's structure (every length within its entry) and maps each path to its entry.
 * Returns the buffer the records will view (4-byte aligned in memory).
 */
function mapEntries(file: Buffer, into: Map<string, number>): Buffer {
  const bytes = file.byteOffset % 4 === 0 ? file : Buffer.alloc(file.length, file);
  const fail = (): never => {
    throw new Error('not a text index');
  };
  if (bytes.length < 12 || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== FORMAT) fail();
  const count = bytes.readUInt32LE(8);
  let offset = 12;
  for (let index = 0; index < count; index += 1) {
    if (offset + 8 > bytes.length) fail();
    const length = bytes.readUInt32LE(offset);
    const end = offset + length;
    if (length % 4 !== 0 || end > bytes.length) fail();
    const pathLength = bytes.readUInt32LE(offset + 4);
    let cursor = offset + 8 + padded(pathLength) + 28;
    if (cursor + 4 > end) fail();
    cursor += 4 + padded(bytes.readUInt32LE(cursor));
    for (let list = 0; list < 3; list += 1) {
      if (cursor + 4 > end) fail();
      const hashCount = bytes.readUInt32LE(cursor);
      cursor += 4 + (hashCount === NO_HASHES ? 0 : hashCount * 4);
    }
    if (cursor !== end) fail();
    into.set(bytes.toString('utf8', offset + 8, offset + 8 + pathLength), offset);
    offset = end;
  }
  if (offset !== bytes.length) fail();
  return bytes;
}

const NO_NAMES: string[] = [];

/** The record of the entry at `offset` if it was made for this stat stamp (the structure was checked by `mapEntries`). */
function readRecord(bytes: Buffer, offset: number, stamp: FileStamp): TextRecord | undefined {
  let cursor = offset + 8 + padded(bytes.readUInt32LE(offset + 4));
  if (bytes.readDoubleLE(cursor) !== stamp.size || bytes.readDoubleLE(cursor + 8) !== stamp.mtimeMs || bytes.readDoubleLE(cursor + 16) !== stamp.ino) return undefined;
  const flags = bytes.readUInt32LE(cursor + 24);
  const declaredLength = bytes.readUInt32LE(cursor + 28);
  cursor += 32;
  const declared = declaredLength === 0 ? NO_NAMES : bytes.toString('utf8', cursor, cursor + declaredLength).split('\n');
  cursor += padded(declaredLength);
  const record: TextRecord = { seed: (flags & 1) !== 0, reads: (flags & 2) !== 0, declared };
  const hashes = (): Uint32Array | undefined => {
    const count = bytes.readUInt32LE(cursor);
    cursor += 4;
    if (count === NO_HASHES) return undefined;
    const values = new Uint32Array(bytes.buffer, bytes.byteOffset + cursor, count);
    cursor += count * 4;
    return values;
  };
  const words = hashes();
  const definitions = hashes();
  const members = hashes();
  if (words) record.hashes = words;
  if (definitions) record.definitions = definitions;
  if (members) record.members = members;
  return record;
}
