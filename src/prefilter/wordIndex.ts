import type { Language } from '../facts/types.ts';

/**
 * One pass over a file's bytes: the identifiers it mentions (as 32-bit hashes, each once) and the
 * method names it declares. Hashes instead of strings keep thousands of files in a few megabytes,
 * and deciding whether a file mentions any of a round's names is then a set lookup per identifier
 * rather than a regular expression over the text. A collision only makes a file look relevant:
 * it gets parsed, it never gets missed.
 */

/** Changes whenever what `scanWords` records for the same bytes changes: cached records of another revision are not used. */
export const SCANNER_REVISION = 5;

const OTHER = 0;
const DIGIT = 1;
const LETTER = 2;

/** Byte classes: letters, `_`, `$` and every byte of a multi-byte UTF-8 character start or continue identifiers. */
const BYTE_CLASS = (() => {
  const classes = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    if ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f || byte === 0x24 || byte >= 0x80) classes[byte] = LETTER;
    else if (byte >= 0x30 && byte <= 0x39) classes[byte] = DIGIT;
  }
  return classes;
})();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** Every round of the prefilter hashes the same names again (thousands of word sets). */
const hashedWords = new Map<string, number>();

/** FNV-1a over the word's UTF-8 bytes, as `scanWords` computes it over the file. */
export function hashWord(word: string): number {
  let hash = hashedWords.get(word);
  if (hash === undefined) {
    hash = FNV_OFFSET;
    for (const byte of Buffer.from(word, 'utf8')) hash = Math.imul(hash ^ byte, FNV_PRIME);
    hash >>>= 0;
    hashedWords.set(word, hash);
  }
  return hash;
}

export interface FileWords {
  /** Every identifier in the file, hashed, each once. */
  hashes: Uint32Array;
  /** Method-like declarations (with repeats), for the linkers' by-name decision. */
  declared: string[];
  /** Names the file defines at any depth (Python `def`/`class`, Rust `fn`), hashed; undefined: not known for this language. */
  definitions?: Uint32Array;
  /**
   * The identifiers that appear somewhere a name is used, not only where one is defined
   * (`pub fn setenv(..);` in an extern block, a method named `spawn`): only these can name a call.
   */
  used: Uint32Array;
  /**
   * The identifiers written after a `.` (whitespace between allowed): the names a Rust or Python
   * method call (`x.name()`) can have. Undefined for the languages where other syntax calls methods too.
   */
  members?: Uint32Array;
}

/**
 * Keywords that may stand before the declaring keyword on its line (`async def`, `pub(crate) unsafe fn`).
 * An indented declaration is a method (or a nested function, which over-counts on purpose).
 */
const DECLARATION: Partial<Record<Language, { keyword: number; typeKeyword?: number; modifiers: ReadonlySet<number> }>> = {
  python: { keyword: hashWord('def'), typeKeyword: hashWord('class'), modifiers: new Set(['async'].map(hashWord)) },
  rust: { keyword: hashWord('fn'), modifiers: new Set(['pub', 'crate', 'super', 'self', 'in', 'async', 'const', 'unsafe', 'extern', 'default', 'C', 'system'].map(hashWord)) },
};

/** JS methods: `name(...) {` in a class or object literal, `name: function`, `name = (...) =>`, `X.prototype.name =`. */
const JS_METHOD = /^[ \t]+(?:(?:static|async|get|set|public|private|protected|override|readonly|abstract)[ \t]+)*\*?#?([A-Za-z_$][\w$]*)[ \t]*(?:<[^>\n]*>)?[ \t]*\([^;\n]*\)[^;\n]*\{[ \t]*$|^[ \t]*([A-Za-z_$][\w$]*)[ \t]*[:=][ \t]*(?:async[ \t]+)?(?:function\b|\([^)\n]*\)[ \t]*=>)|\.prototype\.([A-Za-z_$][\w$]*)[ \t]*=/gm;

/** Words the JS pattern would take for method names in `if (x) {` and the like. */
const JS_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'with', 'else', 'do', 'try', 'constructor']);

function javascriptMethods(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const names: string[] = [];
  JS_METHOD.lastIndex = 0;
  for (let match = JS_METHOD.exec(text); match; match = JS_METHOD.exec(text)) {
    const name = match[1] ?? match[2] ?? match[3];
    if (name && !JS_KEYWORDS.has(name)) names.push(name);
  }
  return names;
}

/**
 * Comments that start a line (after indentation): `//`, `///` doc examples and `/* ... *\/` blocks,
 * Python's `#` (a C `#` line is a directive). Only those: a `//` after code on a line may sit
 * inside a string. Skipping them keeps the API names of doc examples from making seeds.
 */
const COMMENTS: Record<Language, { line0: number; line1: number; block: boolean }> = {
  rust: { line0: 0x2f, line1: 0x2f, block: true },
  c: { line0: 0x2f, line1: 0x2f, block: true },
  javascript: { line0: 0x2f, line1: 0x2f, block: true },
  python: { line0: 0x23, line1: 0, block: false },
};
const BLOCK_END = Buffer.from('*/');

/** Open-addressing table reused across files: a file's distinct hashes without allocating a Set per file. */
const TABLE_BITS = 17;
const TABLE_SIZE = 1 << TABLE_BITS;
const table = new Uint32Array(TABLE_SIZE);
const stamps = new Uint32Array(TABLE_SIZE);
/** Per slot, the generation in which the word was last seen outside a definition's name. */
const usedStamps = new Uint32Array(TABLE_SIZE);
/** Per slot, the generation in which the word was last seen after a `.`. */
const memberStamps = new Uint32Array(TABLE_SIZE);
/** Languages whose methods are called by name only as `receiver.name(..)` (besides Python's data-model methods). */
const MEMBER_CALLS: ReadonlySet<Language> = new Set(['rust', 'python']);
const distinct = new Uint32Array(TABLE_SIZE >> 1);
let generation = 0;

export function scanWords(bytes: Buffer, language: Language): FileWords {
  generation = (generation + 1) >>> 0;
  if (generation === 0) {
    stamps.fill(0);
    usedStamps.fill(0);
    memberStamps.fill(0);
    generation = 1;
  }
  const declaration = DECLARATION[language];
  const comments = COMMENTS[language];
  const declared: string[] = [];
  const definitions: number[] = [];
  let count = 0;
  let lineIndented = false;
  let atLineStart = true;
  /** Only modifiers so far on this line: a declaring keyword here starts a declaration. */
  let onlyModifiers = true;
  let nameFollows = false;
  let nameIsMethod = false;
  /** The last byte that is not white space was a `.`. */
  let afterDot = false;
  const length = bytes.length;
  let i = 0;
  while (i < length) {
    const byte = bytes[i]!;
    const kind = BYTE_CLASS[byte]!;
    if (kind === OTHER) {
      if (atLineStart && byte === comments.line0 && (comments.line1 === 0 || bytes[i + 1] === comments.line1)) {
        // A comment line (doc examples full of API names): no fact comes from it.
        while (i < length && bytes[i] !== 0x0a) i += 1;
        continue;
      }
      if (atLineStart && comments.block && byte === 0x2f && bytes[i + 1] === 0x2a) {
        const end = bytes.indexOf(BLOCK_END, i + 2);
        i = end < 0 ? length : end + 2;
        continue;
      }
      if (afterDot && byte === comments.line0 && (comments.line1 === 0 || bytes[i + 1] === comments.line1)) {
        // `x.  # why` and the name on the next line (inside brackets): still a member.
        while (i < length && bytes[i] !== 0x0a) i += 1;
        continue;
      }
      if (byte === 0x2e) afterDot = true;
      // White space, or a backslash joining lines, keeps a `.` pending.
      else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x5c) afterDot = false;
      if (byte === 0x0a) {
        atLineStart = true;
        lineIndented = false;
        onlyModifiers = true;
        nameFollows = false;
      } else if (atLineStart && (byte === 0x20 || byte === 0x09)) {
        lineIndented = true;
      } else if (byte !== 0x0d) {
        atLineStart = false;
      }
      i += 1;
      continue;
    }
    atLineStart = false;
    if (kind === DIGIT) {
      while (i < length && BYTE_CLASS[bytes[i]!] !== OTHER) i += 1;
      afterDot = false;
      continue;
    }
    const start = i;
    let hash = FNV_OFFSET;
    while (i < length && BYTE_CLASS[bytes[i]!] !== OTHER) {
      hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
      i += 1;
    }
    hash >>>= 0;
    let defining = false;
    if (declaration) {
      if (nameFollows) {
        defining = true;
        if (nameIsMethod) declared.push(bytes.toString('utf8', start, i));
        definitions.push(hash);
        nameFollows = false;
        onlyModifiers = false;
      } else if (onlyModifiers && (hash === declaration.keyword || hash === declaration.typeKeyword)) {
        nameFollows = true;
        nameIsMethod = lineIndented && hash === declaration.keyword;
      } else if (!declaration.modifiers.has(hash)) {
        onlyModifiers = false;
      }
    }
    let slot = hash & (TABLE_SIZE - 1);
    while (stamps[slot] === generation && table[slot] !== hash) slot = (slot + 1) & (TABLE_SIZE - 1);
    if (stamps[slot] !== generation && count < distinct.length) {
      stamps[slot] = generation;
      table[slot] = hash;
      distinct[count] = hash;
      count += 1;
    }
    if (!defining) usedStamps[slot] = generation;
    if (afterDot) {
      memberStamps[slot] = generation;
      afterDot = false;
    }
  }
  const hashes = distinct.slice(0, count);
  const wantsUsed = definitions.length > 0;
  const wantsMembers = MEMBER_CALLS.has(language);
  let used = hashes;
  let members: Uint32Array | undefined;
  if (wantsUsed || wantsMembers) {
    const usedOnes = new Uint32Array(wantsUsed ? count : 0);
    const memberOnes = new Uint32Array(wantsMembers ? count : 0);
    let usedCount = 0;
    let memberCount = 0;
    for (let at = 0; at < count; at += 1) {
      const hash = distinct[at]!;
      let slot = hash & (TABLE_SIZE - 1);
      while (stamps[slot] !== generation || table[slot] !== hash) slot = (slot + 1) & (TABLE_SIZE - 1);
      if (wantsUsed && usedStamps[slot] === generation) usedOnes[usedCount++] = hash;
      if (wantsMembers && memberStamps[slot] === generation) memberOnes[memberCount++] = hash;
    }
    if (wantsUsed) used = usedOnes.subarray(0, usedCount);
    if (wantsMembers) members = memberOnes.slice(0, memberCount);
  }
  return {
    hashes,
    used,
    ...(members ? { members } : {}),
    declared: language === 'javascript' ? javascriptMethods(bytes) : declared,
    definitions: declaration ? Uint32Array.from(new Set(definitions)) : undefined,
  };
}

/**
 * Word sets (each optionally with a file stem) checked against files' hashes: a file matches when
 * it mentions every word of at least one set.
 */
/** What is known of a file besides its words: the names it defines, and those written after a `.`. */
export interface FileShape {
  definitions?: Uint32Array;
  members?: Uint32Array;
}

/**
 * The words of the file being matched, in a table reused across files (open addressing, stamped
 * per file): the matchers of one selection check the same file one after the other.
 */
const FILE_TABLE_BITS = 18;
const fileTable = new Uint32Array(1 << FILE_TABLE_BITS);
const fileStamps = new Uint32Array(1 << FILE_TABLE_BITS);
let fileStamp = 0;
let fileLoaded: Uint32Array | undefined;

function loadFileWords(words: Uint32Array): void {
  if (fileLoaded === words) return;
  fileLoaded = words;
  fileStamp = (fileStamp + 1) >>> 0;
  if (fileStamp === 0) {
    fileStamps.fill(0);
    fileStamp = 1;
  }
  const mask = (1 << FILE_TABLE_BITS) - 1;
  // scanWords keeps at most 65,536 distinct words per file: the table stays at most a quarter full.
  for (let at = 0, count = words.length; at < count; at += 1) {
    const hash = words[at]!;
    let slot = hash & mask;
    while (fileStamps[slot] === fileStamp) slot = (slot + 1) & mask;
    fileStamps[slot] = fileStamp;
    fileTable[slot] = hash;
  }
}

function fileHasWord(hash: number): boolean {
  const mask = (1 << FILE_TABLE_BITS) - 1;
  for (let slot = hash & mask; fileStamps[slot] === fileStamp; slot = (slot + 1) & mask) {
    if (fileTable[slot] === hash) return true;
  }
  return false;
}

export class WordSetMatcher<T extends { words: readonly string[]; defines?: boolean; reexports?: boolean; member?: boolean }> {
  /** hash of a set's key word → indices of the sets it is the key word of. */
  private readonly setsByKey = new Map<number, number[]>();
  /** Each set's distinct word hashes, its first word first. */
  private readonly hashed: number[][];
  /** Each set's key word (see `keyWords`). */
  private readonly keys: number[];
  /** A bit per low 16 bits of the sets' key words: most of a file's words fail this test before any map lookup. */
  private readonly filter = new Uint32Array(1 << 11);
  /** The distinct key words. */
  private readonly keyList: Uint32Array;

  constructor(
    private readonly sets: readonly T[],
    private readonly accept: (set: T) => boolean = () => true,
  ) {
    this.hashed = sets.map((set) => [...new Set(set.words.map(hashWord))]);
    this.keys = sets.map((set, index) => {
      const longest = set.words.reduce((best, word) => (word.length > best.length ? word : best), '');
      return longest === '' ? this.hashed[index]![0]! : hashWord(longest);
    });
    this.keys.forEach((hash, index) => {
      if (this.hashed[index]!.length === 0) return;
      const list = this.setsByKey.get(hash);
      if (list) list.push(index);
      else this.setsByKey.set(hash, [index]);
      this.filter[(hash & 0xffff) >>> 5]! |= 1 << (hash & 31);
    });
    this.keyList = Uint32Array.from(this.setsByKey.keys());
  }

  get size(): number {
    return this.sets.length;
  }

  /**
   * One word of each set that a matching file must mention: the longest, as a long identifier is
   * rarer than `new` or `run` (a set matches only when every one of its words is mentioned).
   */
  keyWords(): number[] {
    return this.keys;
  }

  /**
   * Whether the file satisfies one of the sets: it mentions every word, and defines the first one
   * when the set says `defines`, or does not when it says `reexports` (where the file's definitions
   * are known), and writes it after a `.` when the set says `member` (where that is known). `accept` adds a per-file
   * condition, such as a file stem. Only the sets whose key word the file mentions are looked at:
   * the others cannot match.
   */
  matches(words: Uint32Array, shape: FileShape = {}, accept: (set: T) => boolean = this.accept): boolean {
    if (this.keyList.length === 0) return false;
    // Whichever is shorter is walked: the file's words, or the key words (looked up in the file's table).
    if (this.keyList.length < words.length) {
      loadFileWords(words);
      for (const key of this.keyList) {
        if (fileHasWord(key) && this.anyMatches(key, words, shape, accept)) return true;
      }
      return false;
    }
    const filter = this.filter;
    for (let at = 0, count = words.length; at < count; at += 1) {
      const hash = words[at]!;
      if ((filter[(hash & 0xffff) >>> 5]! & (1 << (hash & 31))) === 0) continue;
      if (this.setsByKey.has(hash) && this.anyMatches(hash, words, shape, accept)) return true;
    }
    return false;
  }

  /** Whether one of the sets keyed by `key` (a word of the file) matches the file. */
  private anyMatches(key: number, words: Uint32Array, shape: FileShape, accept: (set: T) => boolean): boolean {
    for (const index of this.setsByKey.get(key)!) {
      const hashes = this.hashed[index]!;
      if (hashes.length > 1) {
        loadFileWords(words);
        if (!hashes.every((word) => word === key || fileHasWord(word))) continue;
      }
      const set = this.sets[index]!;
      if (!accept(set)) continue;
      if ((set.defines || set.reexports) && shape.definitions && shape.definitions.includes(hashes[0]!) !== Boolean(set.defines)) continue;
      if (set.member && shape.members && !shape.members.includes(hashes[0]!)) continue;
      return true;
    }
    return false;
  }
}

/**
 * A Bloom-style filter (one bit per hash, 2^20 bits) over the key words of several matchers: a file
 * that mentions none of them matches none of the matchers, found in one pass over its words.
 */
export class KeyWordFilter {
  private readonly bits = new Uint32Array(1 << 15);
  private readonly empty: boolean;

  constructor(matchers: readonly { keyWords(): number[] }[]) {
    let keys = 0;
    for (const matcher of matchers) {
      for (const hash of matcher.keyWords()) {
        this.bits[(hash & 0xfffff) >>> 5]! |= 1 << (hash & 31);
        keys += 1;
      }
    }
    this.empty = keys === 0;
  }

  /** False when the file mentions no key word: then no set of the matchers can match it. */
  mayMatch(words: Uint32Array): boolean {
    if (this.empty) return false;
    const bits = this.bits;
    for (let at = 0, count = words.length; at < count; at += 1) {
      const hash = words[at]!;
      if ((bits[(hash & 0xfffff) >>> 5]! & (1 << (hash & 31))) !== 0) return true;
    }
    return false;
  }
}
